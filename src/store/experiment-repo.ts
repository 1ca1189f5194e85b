/**
 * Finds and reads experiment definitions, `flags/experiments/<id>.yaml`
 * (SPEC 4.1), with positions, the way flag-repo reads flags. Parsing and
 * validation are pure (schema/).
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import { validateExperimentFiles, type ExperimentSet, type FlagsForExperiments } from '../schema/experiment-checks.js';
import { parseExperimentFile, type ParsedExperimentFile } from '../schema/parse-file.js';
import { decodeUtf8, utf8Problem } from '../schema/utf8.js';
import { EXPERIMENTS_DIR, MAX_FLAG_FILE_BYTES } from './flag-repo.js';
import { isInside } from './paths.js';

export type { ExperimentSet } from '../schema/experiment-checks.js';

/** The folder of the experiment definitions below a flags directory. */
export function experimentsDir(flagsDir: string): string {
  return path.join(flagsDir, EXPERIMENTS_DIR);
}

/** Where the definition of experiment `id` lives. */
export function experimentFile(flagsDir: string, id: string): string {
  return path.join(experimentsDir(flagsDir), `${id}.yaml`);
}

/**
 * Every `*.yaml` / `*.yml` file directly in `flags/experiments/`, sorted (the
 * event log beside them is not a definition). No folder: no experiments.
 * Symbolic links are followed only when their target is inside the flags directory.
 */
export function listExperimentFiles(flagsDir: string): string[] {
  const dir = experimentsDir(flagsDir);
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const root = safeRealpath(flagsDir) ?? flagsDir;
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || !/\.ya?ml$/i.test(name)) continue;
    const full = path.join(dir, name);
    let info = lstatSync(full);
    if (info.isSymbolicLink()) {
      const target = safeRealpath(full);
      if (!target || !isInside(root, target)) continue;
      info = statSync(full);
    }
    if (info.isFile()) out.push(full);
  }
  return out;
}

/** Reads one definition; unreadable or oversized files become findings. */
export function readExperimentFile(file: string): ParsedExperimentFile {
  try {
    const info = statSync(file);
    if (info.size > MAX_FLAG_FILE_BYTES) {
      return failedFile(file, 'FILE_TOO_LARGE', `file is ${(info.size / 1048576).toFixed(1)} MiB; experiment files are limited to ${MAX_FLAG_FILE_BYTES / 1048576} MiB`);
    }
    const bytes = readFileSync(file);
    const decoded = decodeUtf8(bytes);
    if (decoded.ok) return parseExperimentFile(file, decoded.text);
    const parsed = failedFile(file, 'INVALID_UTF8', utf8Problem(decoded));
    parsed.diagnostics[0] = { ...parsed.diagnostics[0], line: decoded.line, column: decoded.column };
    return parsed;
  } catch (e) {
    return failedFile(file, 'UNREADABLE_FILE', `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads every experiment definition of a flags directory, with positions, unvalidated. */
export async function readExperiments(flagsDir: string): Promise<ParsedExperimentFile[]> {
  return listExperimentFiles(flagsDir).map(readExperimentFile);
}

/** Reads and validates the experiments against the flag set (SPEC 1.3). */
export async function readExperimentSet(flagsDir: string, flags: FlagsForExperiments): Promise<ExperimentSet> {
  return validateExperimentFiles(await readExperiments(flagsDir), flags);
}

function failedFile(file: string, code: Diagnostic['code'], message: string): ParsedExperimentFile {
  const parsed = parseExperimentFile(file, '');
  parsed.diagnostics = [{ code, severity: 'error', message, file, line: 1, column: 1 }];
  parsed.syntaxOk = false;
  return parsed;
}

function safeRealpath(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}
