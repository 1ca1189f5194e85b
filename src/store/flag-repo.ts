/**
 * Finds and reads flag files (SPEC 1.1). The only flag code that touches the
 * disk for reading; parsing and validation are pure (schema/).
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { FlagsError, type Diagnostic } from '../errors.js';
import { parseFlagFile, type ParsedFlagFile } from '../schema/parse-file.js';
import { parseSegmentFile, validateSegmentFiles, type ParsedSegmentFile, type SegmentIndex } from '../schema/segment-checks.js';
import { SEGMENTS_DIR } from '../schema/segment.js';
import { decodeUtf8, utf8Problem } from '../schema/utf8.js';
import { compareDiagnostics, validateFlagFiles, type FlagSet } from '../schema/validate.js';
import { isInside } from './paths.js';

export type { FlagSet } from '../schema/validate.js';

/** Flag files larger than this are refused: no legitimate flag file comes near it. */
export const MAX_FLAG_FILE_BYTES = 10 * 1024 * 1024;

/** The folder below the flags directory that holds experiments, not flags. */
export const EXPERIMENTS_DIR = 'experiments';

/** The folder below the flags directory that holds test specs (`flags test`), not flags. */
export const TESTS_DIR = 'tests';

export { isInside, resolveFlagsDir } from './paths.js';

export async function assertFlagsDir(dir: string): Promise<void> {
  let s;
  try {
    s = statSync(dir);
  } catch {
    throw new FlagsError('FLAGS_DIR_MISSING', `flags directory not found: ${dir} (run \`flags init\` to set up a project, or point at it with --dir PATH, FLAGS_DIR or dir in flags.config.yaml)`);
  }
  if (!s.isDirectory()) throw new FlagsError('FLAGS_DIR_MISSING', `not a directory: ${dir} (use --dir PATH or FLAGS_DIR to point at the flags directory)`);
}

/**
 * Every *.yaml / *.yml file below `dir`, recursively, in sorted path order,
 * skipping `experiments/` and dot-folders. Symbolic links are followed only
 * when their target lies inside the flags directory. An entry that cannot be
 * read, and a link that leads back into a folder being read (a loop, e.g.
 * `ln -s . flags/loop`), is one finding at its path in `problems` and is
 * skipped: it never stops the other files from being read.
 */
export async function listFlagFiles(dir: string, problems: Diagnostic[] = []): Promise<string[]> {
  await assertFlagsDir(dir);
  const root = realpathSync(dir);
  const out: string[] = [];
  const finding = (file: string, code: Diagnostic['code'], severity: Diagnostic['severity'], message: string) =>
    problems.push({ code, severity, message, file, line: 1, column: 1 });
  // Synchronous on purpose: thousands of small reads finish faster than the
  // promise machinery around them, and a CLI has nothing else to do meanwhile.
  const walk = (folder: string, top: boolean, ancestors: string[]) => {
    let dirents: Dirent[];
    try {
      // The entry types come with the listing: no lstat per file (a folder of
      // 5,000 flags paid 5,000 system calls for them).
      dirents = readdirSync(folder, { withFileTypes: true });
    } catch (e) {
      finding(folder, 'UNREADABLE_FILE', 'error', `cannot read folder: ${errorCode(e)}`);
      return;
    }
    const types = new Map(dirents.map((d) => [d.name, d]));
    for (const name of [...types.keys()].sort()) {
      if (name.startsWith('.')) continue;
      if (top && (name === EXPERIMENTS_DIR || name === SEGMENTS_DIR || name === TESTS_DIR)) continue;
      const full = path.join(folder, name);
      try {
        const dirent = types.get(name)!;
        // A file system that does not report types (some network mounts) says "unknown": ask it.
        let info: Pick<Stats, 'isDirectory' | 'isFile' | 'isSymbolicLink'> = dirent.isFile() || dirent.isDirectory() || dirent.isSymbolicLink() ? dirent : lstatSync(full);
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
          if (info.isDirectory() && ancestors.includes(target)) {
            finding(full, 'SYMLINK_LOOP', 'warning', `symbolic link loop: it leads back to ${path.relative(path.dirname(root), target) || target}, which is already being read; skipped`);
            continue;
          }
        }
        if (info.isDirectory()) walk(full, false, [...ancestors, realpathSync(full)]);
        else if (info.isFile() && /\.ya?ml$/i.test(name)) out.push(full);
      } catch (e) {
        finding(full, 'UNREADABLE_FILE', 'error', `cannot read: ${errorCode(e)}`);
      }
    }
  };
  walk(dir, true, [root]);
  return out;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function safeRealpath(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}


/** Reads one flag file into its parsed form; unreadable or oversized files become findings. */
export async function readFlagFile(file: string): Promise<ParsedFlagFile> {
  try {
    const info = statSync(file);
    if (info.size > MAX_FLAG_FILE_BYTES) {
      return failedFile(file, 'FILE_TOO_LARGE', `file is ${(info.size / 1048576).toFixed(1)} MiB; flag files are limited to ${MAX_FLAG_FILE_BYTES / 1048576} MiB`);
    }
    const bytes = readFileSync(file);
    const decoded = decodeUtf8(bytes);
    if (decoded.ok) return parseFlagFile(file, decoded.text);
    // Parsed as far as it goes, so its keys are known (PARSE_ERROR, not FLAG_NOT_FOUND); served from nowhere.
    const parsed = parseFlagFile(file, bytes.toString('utf8'));
    parsed.syntaxOk = false;
    parsed.diagnostics = [{ code: 'INVALID_UTF8', severity: 'error', message: utf8Problem(decoded), file, line: decoded.line, column: decoded.column }];
    return parsed;
  } catch (e) {
    return failedFile(file, 'UNREADABLE_FILE', `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * The text of a file about to be edited, as bytes and text; a file that is not
 * UTF-8 is refused (decoding it would rewrite its bad bytes as U+FFFD).
 */
export function readEditableText(file: string, name: string): { bytes: Buffer; text: string } {
  const bytes = readFileSync(file);
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) throw new FlagsError('FILE_HAS_ERRORS', `cannot edit ${name}: ${utf8Problem(decoded)}; fix the file first`);
  return { bytes, text: decoded.text };
}

function failedFile(file: string, code: Diagnostic['code'], message: string): ParsedFlagFile {
  const parsed = parseFlagFile(file, '');
  parsed.form = 'invalid';
  parsed.diagnostics = [{ code, severity: 'error', message, file, line: 1, column: 1 }];
  return parsed;
}

/** Reads and validates the whole flags directory, segments included. */
export async function readFlagSet(dir: string): Promise<FlagSet> {
  const problems: Diagnostic[] = [];
  const files = await listFlagFiles(dir, problems);
  const segments = readSegments(dir);
  const parsed: ParsedFlagFile[] = [];
  for (const f of files) parsed.push(await readFlagFile(f));
  const set = validateFlagFiles(parsed, { segments });
  if (problems.length > 0) set.diagnostics = [...set.diagnostics, ...problems].sort(compareDiagnostics);
  return set;
}

/**
 * `<dir>/segments/*.yaml` (SPEC 6), sorted; none when the folder is missing.
 * Only files directly in the folder, and no links leading outside the flags
 * directory, as for flag files.
 */
export function listSegmentFiles(dir: string): string[] {
  const folder = path.join(dir, SEGMENTS_DIR);
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) return [];
    names = readdirSync(folder).sort();
  } catch {
    return [];
  }
  const root = safeRealpath(dir);
  return names
    .filter((n) => !n.startsWith('.') && /\.ya?ml$/i.test(n))
    .map((n) => path.join(folder, n))
    .filter((f) => {
      const real = safeRealpath(f);
      return real !== null && root !== null && isInside(root, real) && statSync(f).isFile();
    });
}

export function readSegmentFile(file: string): ParsedSegmentFile {
  try {
    const info = statSync(file);
    if (info.size > MAX_FLAG_FILE_BYTES) {
      const failed = parseSegmentFile(file, '');
      failed.diagnostics = [{ code: 'FILE_TOO_LARGE', severity: 'error', message: `file is ${(info.size / 1048576).toFixed(1)} MiB; segment files are limited to ${MAX_FLAG_FILE_BYTES / 1048576} MiB`, file, line: 1, column: 1 }];
      return failed;
    }
    return parseSegmentFile(file, readFileSync(file, 'utf8'));
  } catch (e) {
    const failed = parseSegmentFile(file, '');
    failed.diagnostics = [{ code: 'UNREADABLE_FILE', severity: 'error', message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file, line: 1, column: 1 }];
    return failed;
  }
}

/** Reads and validates the segments of a flags directory. */
export function readSegments(dir: string): SegmentIndex {
  return validateSegmentFiles(listSegmentFiles(dir).map(readSegmentFile));
}

/** Paths, sizes and modification times of the flag files: changes when any file does. */
export function filesSignature(dir: string): string {
  try {
    const walk = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((d) => {
        const full = path.join(folder, d.name);
        if (d.isDirectory()) return walk(full);
        const s = statSync(full, { throwIfNoEntry: false });
        return s ? [`${full}:${s.size}:${s.mtimeMs}`] : [];
      });
    return walk(dir).sort().join('\n');
  } catch {
    return '';
  }
}
