/**
 * Finds and reads flag files (SPEC 1.1). The only flag code that touches the
 * disk for reading; parsing and validation are pure (schema/).
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { FlagsError, type Diagnostic } from '../errors.js';
import { parseFlagFile, type ParsedFlagFile } from '../schema/flag-file.js';
import { parseFlagFileFast } from '../schema/flag-file-fast.js';
import { parseSegmentFile, validateSegmentFiles, type ParsedSegmentFile, type SegmentIndex } from '../schema/segment-checks.js';
import { SEGMENTS_DIR } from '../schema/segment.js';
import { decodeUtf8, utf8Problem } from '../schema/utf8.js';
import { compareDiagnostics } from '../schema/diagnostics.js';
import { validateFlagFiles, type FlagSet } from '../schema/validate-set.js';
import { listSubfolderYamlFilesSync, listYamlFilesSync, readParsedFileSync } from './yaml-files.js';

export type { FlagSet } from '../schema/validate-set.js';

export { MAX_FLAG_FILE_BYTES } from './yaml-files.js';

/** The folder below the flags directory that holds experiments, not flags. */
export const EXPERIMENTS_DIR = 'experiments';

/** The folder below the flags directory that holds test specs (`flags test`), not flags. */
export const TESTS_DIR = 'tests';

/** The folders below the flags directory that hold other files than flags. */
const NOT_FLAG_FOLDERS: ReadonlySet<string> = new Set([EXPERIMENTS_DIR, SEGMENTS_DIR, TESTS_DIR]);

export { isInside, resolveFlagsDir } from './paths.js';

export function assertFlagsDirSync(dir: string): void {
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
 * skipping `experiments/`, `segments/`, `tests/` and dot-folders. Links and
 * unreadable entries as in listYamlFilesSync: a finding in `problems`, never
 * a stop.
 */
export function listFlagFilesSync(dir: string, problems: Diagnostic[] = []): string[] {
  assertFlagsDirSync(dir);
  return listYamlFilesSync(dir, { root: realpathSync(dir), problems, recursive: true, skip: NOT_FLAG_FOLDERS });
}

/** listFlagFilesSync for callers that await: the listing itself is synchronous (see yaml-files.ts for why). */
export function listFlagFiles(dir: string, problems: Diagnostic[] = []): Promise<string[]> {
  return new Promise((resolve) => resolve(listFlagFilesSync(dir, problems)));
}

/**
 * Reads one flag file into its parsed form; unreadable, oversized or non-UTF-8
 * files become findings. A plain, clean file is read by the fast reader
 * (schema/flag-file-fast.ts), which builds the YAML document only if a caller
 * asks for it; any other file by parseFlagFile. Same result either way.
 */
export function readFlagFileSync(file: string): ParsedFlagFile {
  return readParsedFileSync(file, 'flag files', readFlagText);
}

function readFlagText(file: string, text: string): ParsedFlagFile {
  return parseFlagFileFast(file, text) ?? parseFlagFile(file, text);
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

/** Reads and validates the whole flags directory, segments included. */
export function readFlagSetSync(dir: string): FlagSet {
  const problems: Diagnostic[] = [];
  const files = listFlagFilesSync(dir, problems);
  const segments = readSegments(dir);
  const set = validateFlagFiles(files.map(readFlagFileSync), { segments });
  if (problems.length > 0) set.diagnostics = [...set.diagnostics, ...problems].sort(compareDiagnostics);
  return set;
}

/**
 * readFlagSetSync for callers that await, and the library's `loadFlags`: the
 * reading is synchronous (see yaml-files.ts for why); the Promise leaves room
 * to make it concurrent without changing a caller.
 */
export function readFlagSet(dir: string): Promise<FlagSet> {
  return new Promise((resolve) => resolve(readFlagSetSync(dir)));
}

/**
 * `<dir>/segments/*.yaml` (SPEC 6), sorted; none when the folder is missing.
 * Only files directly in the folder, links and unreadable entries as for flag
 * files (findings in `problems`).
 */
export function listSegmentFiles(dir: string, problems: Diagnostic[] = []): string[] {
  return listSubfolderYamlFilesSync(dir, SEGMENTS_DIR, problems);
}

export function readSegmentFile(file: string): ParsedSegmentFile {
  return readParsedFileSync(file, 'segment files', parseSegmentFile);
}

/** Reads and validates the segments of a flags directory; entries that cannot be listed are among its findings. */
export function readSegments(dir: string): SegmentIndex {
  const problems: Diagnostic[] = [];
  const index = validateSegmentFiles(listSegmentFiles(dir, problems).map(readSegmentFile));
  if (problems.length > 0) index.diagnostics = [...index.diagnostics, ...problems].sort(compareDiagnostics);
  return index;
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
