/**
 * Reads the flag files of a git revision with the git command-line tool, so
 * `flags diff` can compare them with the working tree. Always `execFile` with
 * an argument list, never a shell string: a revision or path is data, not a
 * command line.
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { FlagsError, type Diagnostic } from '../errors.js';
import { parseExperimentFile, parseFlagFile, type ParsedExperimentFile, type ParsedFlagFile } from '../schema/parse-file.js';
import { validateFlagFiles, type FlagSet } from '../schema/validate.js';
import { parseSegmentFile, validateSegmentFiles } from '../schema/segment-checks.js';
import { SEGMENTS_DIR } from '../schema/segment.js';
import { decodeUtf8 } from '../schema/utf8.js';
import { assertFlagsDirSync, EXPERIMENTS_DIR, MAX_FLAG_FILE_BYTES, TESTS_DIR } from './flag-repo.js';
import { notUtf8, parseYamlBytes } from './yaml-files.js';

export interface GitLocation {
  /** The repository's top-level folder, as git prints it. */
  root: string;
  /** The flags directory relative to `root`, with `/` separators; '' when it is the top itself. */
  prefix: string;
}

export interface RevisionFlagSet {
  /** The revision as the user gave it. */
  revision: string;
  /** Its full commit id. */
  commit: string;
  /** Whether the revision has the flags directory at all (false: every flag is new). */
  hasFlagsDir: boolean;
  /** The validated flag set of that revision; file names are the working-tree paths they would have. */
  flagSet: FlagSet;
}

export interface ReadRevisionOptions {
  /**
   * @internal Already parsed working-tree files by path: a revision's file with
   * the same path and text is taken from here instead of being parsed again.
   * Holds YAML documents, so it is left out of the published declarations.
   */
  unchanged?: ReadonlyMap<string, ParsedFlagFile>;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Runs git with an argument list; resolves with the exit code instead of rejecting on failure. */
export function git(args: string[], opts: { cwd: string; input?: string }): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      // Flag repositories can hold thousands of files: no practical output limit.
      { cwd: opts.cwd, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (e && e.code === 'ENOENT') {
          reject(new FlagsError('GIT_NOT_FOUND', 'the git command was not found; flags diff reads the base revision with git (install git or put it on PATH)'));
          return;
        }
        if (e && typeof e.code !== 'number') {
          reject(new FlagsError('GIT_FAILED', `git ${args[0]} failed: ${e.message}`, { cause: e }));
          return;
        }
        resolve({ stdout: stdout as Buffer, stderr: (stderr as Buffer).toString('utf8'), code: e ? (e.code as unknown as number) : 0 });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export function gitFailure(what: string, r: GitResult): FlagsError {
  const detail = r.stderr.trim().split('\n')[0] || `exit code ${r.code}`;
  return new FlagsError('GIT_FAILED', `${what}: ${detail}`);
}

/** Finds the repository that holds `flagsDir` and the directory's path inside it. */
export async function locateInGit(flagsDir: string): Promise<GitLocation> {
  assertFlagsDirSync(flagsDir);
  const r = await git(['rev-parse', '--show-toplevel'], { cwd: flagsDir });
  if (r.code !== 0) {
    if (/not a git repository/i.test(r.stderr)) {
      throw new FlagsError('NOT_A_GIT_REPOSITORY', `${flagsDir} is not inside a git repository; flags diff and flags stale read the flags' git history`);
    }
    throw gitFailure('cannot find the git repository', r);
  }
  const root = r.stdout.toString('utf8').trim();
  // Both sides resolved through symbolic links: git prints the real top-level
  // path, while the flags directory may have been reached through a link (/tmp
  // on macOS), and a relative path between the two spellings would be wrong.
  const rel = path.relative(realpathSync(root), realpathSync(flagsDir));
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new FlagsError('NOT_A_GIT_REPOSITORY', `${flagsDir} is outside the git repository at ${root}`);
  }
  return { root, prefix: rel.split(path.sep).join('/') };
}

/** The commit id of `revision`; an unknown revision is an error that names it. */
export async function resolveCommit(root: string, revision: string): Promise<string> {
  // A revision starting with "-" would be read by git as an option.
  if (revision === '' || revision.startsWith('-')) throw new FlagsError('UNKNOWN_REVISION', `unknown git revision "${revision}"`);
  const r = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { cwd: root });
  // rev-parse also "verifies" revisions that name no single commit (`^HEAD` prints `^<sha>`): only an object id is one.
  if (r.code === 0 && !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(r.stdout.toString('utf8').trim())) {
    throw new FlagsError('UNKNOWN_REVISION', `unknown git revision "${revision}" (it does not name one commit)`);
  }
  if (r.code !== 0) {
    let hint = '';
    const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: root });
    if (head.code !== 0) hint = ' (the repository has no commits yet)';
    else if (/^[\w.-]+\/[\w./-]+$/.test(revision)) hint = ' (in CI, fetch it first: git fetch origin with enough depth)';
    throw new FlagsError('UNKNOWN_REVISION', `unknown git revision "${revision}"${hint}`);
  }
  return r.stdout.toString('utf8').trim();
}

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number;
  /** Path from the repository root. */
  path: string;
}

/** Every entry below `prefix` at `commit`, recursively (`git ls-tree -r -l -z`). */
async function listTree(root: string, commit: string, prefix: string): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-r', '-l', '-z', '--full-tree', commit];
  if (prefix !== '') args.push('--', prefix + '/');
  const r = await git(args, { cwd: root });
  if (r.code !== 0) throw gitFailure(`cannot list the files of ${commit}`, r);
  const out: TreeEntry[] = [];
  for (const record of r.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    // "<mode> SP <type> SP <object> SP+ <size> TAB <path>"; the path may hold any character but NUL.
    const tab = record.indexOf('\t');
    const [mode, type, object, size] = record.slice(0, tab).split(/ +/);
    out.push({ mode, type, object, size: size === '-' ? 0 : Number(size), path: record.slice(tab + 1) });
  }
  return out;
}

/** The contents of blobs, in one `git cat-file --batch` process however many there are. */
export async function readBlobs(root: string, objects: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (objects.length === 0) return out;
  const unique = [...new Set(objects)];
  const r = await git(['cat-file', '--batch'], { cwd: root, input: unique.join('\n') + '\n' });
  if (r.code !== 0) throw gitFailure('cannot read files from git', r);
  const buf = r.stdout;
  let pos = 0;
  for (const object of unique) {
    const eol = buf.indexOf(0x0a, pos);
    if (eol < 0) throw new FlagsError('GIT_FAILED', 'unexpected end of git cat-file output');
    const header = buf.subarray(pos, eol).toString('utf8');
    const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (!m) throw new FlagsError('GIT_FAILED', `cannot read object ${object} from git: ${header}`);
    const size = Number(m[3]);
    out.set(object, buf.subarray(eol + 1, eol + 1 + size));
    pos = eol + 1 + size + 1; // the content is followed by a newline
  }
  return out;
}

/** `segments/<name>.yaml` directly below the flags directory (SPEC 6). */
function isSegmentFilePath(rel: string): boolean {
  const parts = rel.split('/');
  return parts.length === 2 && parts[0] === SEGMENTS_DIR && !parts[1].startsWith('.') && /\.ya?ml$/i.test(parts[1]);
}

/** Whether a path below the flags directory is a flag file, with the same rules as listFlagFiles. */
export function isFlagFilePath(rel: string): boolean {
  const parts = rel.split('/');
  if (parts[0] === EXPERIMENTS_DIR || (parts[0] === SEGMENTS_DIR && parts.length > 1)) return false;
  if (parts[0] === TESTS_DIR) return false;
  if (parts.some((p) => p.startsWith('.'))) return false;
  return /\.ya?ml$/i.test(parts[parts.length - 1]);
}

/**
 * Reads and validates the flag set of `revision`: the files below the flags
 * directory's path at that commit, with the rules of SPEC 1.1 (sorted paths,
 * `experiments/` and dot-folders skipped, symbolic links followed only inside
 * the flags directory). File names in the result are the working-tree paths the
 * files would have (`<flagsDir>/<path>`), so messages read the same on both sides.
 * A file there that cannot be used (too large, not UTF-8, not valid) is a
 * finding in `flagSet.diagnostics` as in the working tree, never a stop.
 */
export async function readFlagSetAtRevision(flagsDir: string, revision: string, opts: ReadRevisionOptions = {}): Promise<RevisionFlagSet> {
  const where = await locateInGit(flagsDir);
  const commit = await resolveCommit(where.root, revision);
  const entries = await listTree(where.root, commit, where.prefix);
  const strip = where.prefix === '' ? 0 : where.prefix.length + 1;
  const byPath = new Map(entries.map((e) => [e.path, e]));

  const chosen: { rel: string; entry: TreeEntry }[] = [];
  // SPEC 6: segment files at that revision, read directly (no links followed there).
  const segmentEntries = entries.filter((e) => e.type === 'blob' && e.mode !== '120000' && isSegmentFilePath(e.path.slice(strip)) && e.size <= MAX_FLAG_FILE_BYTES);
  for (const e of entries) {
    const rel = e.path.slice(strip);
    if (!isFlagFilePath(rel)) continue;
    if (e.mode === '120000') {
      // A symbolic link: its blob is the target path. Followed only to a file inside the flags directory.
      const target = (await readBlobs(where.root, [e.object])).get(e.object)?.toString('utf8') ?? '';
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(e.path), target));
      const inside = where.prefix === '' ? !resolved.startsWith('../') : resolved.startsWith(where.prefix + '/');
      const targetEntry = byPath.get(resolved);
      if (inside && targetEntry && targetEntry.type === 'blob' && targetEntry.mode !== '120000') chosen.push({ rel, entry: targetEntry });
      continue;
    }
    if (e.type === 'blob') chosen.push({ rel, entry: e });
  }
  chosen.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));

  const small = chosen.filter((c) => c.entry.size <= MAX_FLAG_FILE_BYTES).map((c) => c.entry.object);
  const blobs = await readBlobs(where.root, small);
  const files: ParsedFlagFile[] = chosen.map(({ rel, entry }) => {
    const file = path.join(flagsDir, ...rel.split('/'));
    const blob = blobs.get(entry.object);
    if (blob === undefined) {
      const failed = parseFlagFile(file, '');
      const d: Diagnostic = {
        code: 'FILE_TOO_LARGE',
        severity: 'error',
        message: `file is ${(entry.size / 1048576).toFixed(1)} MiB; flag files are limited to ${MAX_FLAG_FILE_BYTES / 1048576} MiB`,
        file,
        line: 1,
        column: 1,
      };
      failed.form = 'invalid';
      failed.diagnostics = [d];
      return failed;
    }
    // Held to UTF-8 as in the working tree: a file that is not is an invalid
    // file (INVALID_UTF8 at its first bad byte), never U+FFFD shown as a change.
    const decoded = decodeUtf8(blob);
    if (!decoded.ok) return notUtf8(parseFlagFile(file, blob.toString('utf8')), decoded);
    // A file identical in the working tree parses to the same thing: reuse it
    // (YAML parsing is most of the cost of a diff over thousands of files).
    const same = opts.unchanged?.get(file);
    return same !== undefined && same.text === decoded.text ? same : parseFlagFile(file, decoded.text);
  });
  const hasFlagsDir = where.prefix === '' || entries.length > 0;
  const segmentBlobs = await readBlobs(where.root, segmentEntries.map((e) => e.object));
  const segmentFiles = segmentEntries
    .map((e) => ({ file: path.join(flagsDir, ...e.path.slice(strip).split('/')), bytes: segmentBlobs.get(e.object) ?? Buffer.alloc(0) }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((f) => parseYamlBytes(f.file, f.bytes, parseSegmentFile));
  return { revision, commit, hasFlagsDir, flagSet: validateFlagFiles(files, { segments: validateSegmentFiles(segmentFiles) }) };
}

/**
 * The experiment definitions of `revision` (`<flags dir>/experiments/*.yaml`, one
 * level, no dot-files, regular files only), parsed, for the experiment section
 * of `flags diff` (issue 12); file names are the working-tree paths they would
 * have. Oversized files are skipped; a file that is not UTF-8 carries its
 * INVALID_UTF8 finding, as in the working tree.
 */
export async function readExperimentFilesAtRevision(flagsDir: string, revision: string): Promise<ParsedExperimentFile[]> {
  const where = await locateInGit(flagsDir);
  const commit = await resolveCommit(where.root, revision);
  const entries = await listTree(where.root, commit, where.prefix);
  const strip = where.prefix === '' ? 0 : where.prefix.length + 1;
  const chosen = entries.filter((e) => {
    const parts = e.path.slice(strip).split('/');
    return parts.length === 2 && parts[0] === EXPERIMENTS_DIR && !parts[1].startsWith('.') && /\.ya?ml$/i.test(parts[1]) && e.type === 'blob' && e.mode !== '120000' && e.size <= MAX_FLAG_FILE_BYTES;
  });
  const blobs = await readBlobs(where.root, chosen.map((e) => e.object));
  return chosen.map((e) => parseYamlBytes(path.join(flagsDir, ...e.path.slice(strip).split('/')), blobs.get(e.object) ?? Buffer.alloc(0), parseExperimentFile));
}
