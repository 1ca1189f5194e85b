/**
 * Listing and reading the YAML files of a flags directory, one way for flags,
 * experiments and segments. Both never throw on what they find: an entry that
 * cannot be read, a link loop or a file that is too large or not UTF-8 is one
 * finding at its path, and the other files are still read.
 *
 * Synchronous on purpose: thousands of small reads finish faster than the
 * promise machinery around them, and a CLI has nothing else to do meanwhile.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { ParsedYaml } from '../schema/yaml-read.js';
import { decodeUtf8, utf8Problem, type Utf8Result } from '../schema/utf8.js';
import { isInside } from './paths.js';

type Utf8Failure = Extract<Utf8Result, { ok: false }>;

/** Flag, experiment and segment files larger than this are refused: no legitimate one comes near it. */
export const MAX_FLAG_FILE_BYTES = 10 * 1024 * 1024;

const YAML_NAME = /\.ya?ml$/i;

export interface ListYamlOptions {
  /** The flags directory (resolved): links are followed only when their target lies inside it. */
  root: string;
  /** Where findings about entries that cannot be listed go. */
  problems: Diagnostic[];
  /** Descend into sub-folders (flag files); otherwise only the files directly in the folder. */
  recursive: boolean;
  /** Names skipped directly in the folder (the flags directory's own sub-folders of other files). */
  skip?: ReadonlySet<string>;
}

/**
 * Every *.yaml / *.yml file in `folder`, in sorted path order, skipping
 * dot-names. Symbolic links are followed only when their target lies inside
 * `root`. An entry that cannot be read, and a link that leads back to itself
 * or into a folder being read (a loop, e.g. `ln -s . flags/loop`), is one
 * finding at its path in `problems` and is skipped.
 */
export function listYamlFilesSync(folder: string, opts: ListYamlOptions): string[] {
  const { root, recursive } = opts;
  const out: string[] = [];
  const finding = (file: string, code: Diagnostic['code'], severity: Diagnostic['severity'], message: string) =>
    opts.problems.push({ code, severity, message, file, line: 1, column: 1 });
  const walk = (dir: string, top: boolean, ancestors: string[]) => {
    let entries: Dirent[];
    try {
      // The entry types come with the listing: no lstat per file (a folder of
      // 5,000 flags paid 5,000 system calls for them).
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      finding(dir, 'UNREADABLE_FILE', 'error', `cannot read folder: ${errorCode(e)}`);
      return;
    }
    const byName = new Map(entries.map((d) => [d.name, d]));
    for (const name of [...byName.keys()].sort()) {
      if (name.startsWith('.')) continue;
      if (top && opts.skip?.has(name)) continue;
      // Without sub-folders, only YAML names can be listed: the rest (an event log) is not even looked at.
      if (!recursive && !YAML_NAME.test(name)) continue;
      const full = path.join(dir, name);
      try {
        const entry = byName.get(name)!;
        // A file system that does not report types (some network mounts) says "unknown": ask it.
        let info: Pick<Stats, 'isDirectory' | 'isFile' | 'isSymbolicLink'> = entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? entry : lstatSync(full);
        if (info.isSymbolicLink()) {
          let target: string;
          try {
            target = realpathSync(full);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ELOOP') finding(full, 'SYMLINK_LOOP', 'warning', 'symbolic link loop (the link leads back to itself): skipped');
            continue;
          }
          if (!isInside(root, target)) continue;
          info = statSync(full);
          if (recursive && info.isDirectory() && ancestors.includes(target)) {
            finding(full, 'SYMLINK_LOOP', 'warning', `symbolic link loop: it leads back to ${path.relative(path.dirname(root), target) || target}, which is already being read; skipped`);
            continue;
          }
        }
        if (info.isDirectory()) {
          if (recursive) walk(full, false, [...ancestors, realpathSync(full)]);
        } else if (info.isFile() && YAML_NAME.test(name)) out.push(full);
      } catch (e) {
        finding(full, 'UNREADABLE_FILE', 'error', `cannot read: ${errorCode(e)}`);
      }
    }
  };
  walk(folder, true, [realpathSync(folder)]);
  return out;
}

/**
 * The YAML files of a sub-folder of the flags directory (`experiments/`,
 * `segments/`), not descending further; none when the folder (or the flags
 * directory) does not exist.
 */
export function listSubfolderYamlFilesSync(flagsDir: string, name: string, problems: Diagnostic[]): string[] {
  const folder = path.join(flagsDir, name);
  let root: string;
  try {
    if (!statSync(folder).isDirectory()) return [];
    root = realpathSync(flagsDir);
  } catch {
    return [];
  }
  return listYamlFilesSync(folder, { root, problems, recursive: false });
}

/**
 * Reads and parses one file with `parse`. A file that cannot be read or is
 * larger than MAX_FLAG_FILE_BYTES is parsed as empty and carries that one
 * finding. A file that is not UTF-8 is parsed as far as it goes, so the
 * names in it are known (a flag answers PARSE_ERROR, not FLAG_NOT_FOUND; a
 * running experiment is still seen as running), and carries the INVALID_UTF8
 * finding instead of its own: nothing in it is served. `what` names the kind
 * of file in the size message (`flag files`).
 */
export function readParsedFileSync<T extends ParsedYaml>(file: string, what: string, parse: (file: string, text: string) => T): T {
  const failed = (code: Diagnostic['code'], message: string): T => withOnly(parse(file, ''), { code, severity: 'error', message, file, line: 1, column: 1 });
  try {
    const info = statSync(file);
    if (info.size > MAX_FLAG_FILE_BYTES) {
      return failed('FILE_TOO_LARGE', `file is ${(info.size / 1048576).toFixed(1)} MiB; ${what} are limited to ${MAX_FLAG_FILE_BYTES / 1048576} MiB`);
    }
    return parseYamlBytes(file, readFileSync(file), parse);
  } catch (e) {
    return failed('UNREADABLE_FILE', `cannot read file: ${errorCode(e)}`);
  }
}

/**
 * Parses a file's bytes with `parse`, holding them to UTF-8 as
 * readParsedFileSync does: bytes that are not UTF-8 are parsed as far as they
 * go and carry the one INVALID_UTF8 finding. Also for the versions of a file
 * read from git.
 */
export function parseYamlBytes<T extends ParsedYaml>(file: string, bytes: Buffer, parse: (file: string, text: string) => T): T {
  const decoded = decodeUtf8(bytes);
  return decoded.ok ? parse(file, decoded.text) : notUtf8(parse(file, bytes.toString('utf8')), decoded);
}

/** `parsed` (of bytes that are not UTF-8, decoded lossily) with the INVALID_UTF8 finding at the first bad byte as its only one. */
export function notUtf8<T extends ParsedYaml>(parsed: T, at: Utf8Failure): T {
  return withOnly(parsed, { code: 'INVALID_UTF8', severity: 'error', message: utf8Problem(at), file: parsed.file, line: at.line, column: at.column });
}

/** The parsed file with `problem` as its only finding; its contents are not served. */
function withOnly<T extends ParsedYaml>(parsed: T, problem: Diagnostic): T {
  parsed.syntaxOk = false;
  parsed.diagnostics = [problem];
  return parsed;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
