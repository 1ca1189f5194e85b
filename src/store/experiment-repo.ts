/**
 * Finds and reads experiment definitions, `flags/experiments/<id>.yaml`
 * (SPEC 4.1), with positions, the way flag-repo reads flags (one listing and
 * one reader, yaml-files.ts). Parsing and validation are pure (schema/).
 */
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import { compareDiagnostics } from '../schema/diagnostics.js';
import { validateExperimentFiles, type ExperimentSet, type FlagsForExperiments } from '../schema/experiment-checks.js';
import { parseExperimentFile, type ParsedExperimentFile } from '../schema/experiment-file.js';
import { EXPERIMENTS_DIR } from './flag-repo.js';
import { listSubfolderYamlFilesSync, readParsedFileSync } from './yaml-files.js';

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
 * Links and unreadable entries as for flag files: a finding in `problems`.
 */
export function listExperimentFiles(flagsDir: string, problems: Diagnostic[] = []): string[] {
  return listSubfolderYamlFilesSync(flagsDir, EXPERIMENTS_DIR, problems);
}

/** Reads one definition; unreadable, oversized or non-UTF-8 files become findings. */
export function readExperimentFile(file: string): ParsedExperimentFile {
  return readParsedFileSync(file, 'experiment files', parseExperimentFile);
}

/** Reads every experiment definition of a flags directory, with positions, unvalidated. */
export function readExperimentsSync(flagsDir: string, problems: Diagnostic[] = []): ParsedExperimentFile[] {
  return listExperimentFiles(flagsDir, problems).map(readExperimentFile);
}

/** readExperimentsSync for callers that await: the reading is synchronous (see yaml-files.ts for why). */
export function readExperiments(flagsDir: string, problems: Diagnostic[] = []): Promise<ParsedExperimentFile[]> {
  return new Promise((resolve) => resolve(readExperimentsSync(flagsDir, problems)));
}

/** Reads and validates the experiments against the flag set (SPEC 1.3); entries that cannot be listed are among its findings. */
export function readExperimentSetSync(flagsDir: string, flags: FlagsForExperiments): ExperimentSet {
  const problems: Diagnostic[] = [];
  const set = validateExperimentFiles(readExperimentsSync(flagsDir, problems), flags);
  if (problems.length > 0) set.diagnostics = [...set.diagnostics, ...problems].sort(compareDiagnostics);
  return set;
}

/** readExperimentSetSync for callers that await, and the library's `loadExperiments`. */
export function readExperimentSet(flagsDir: string, flags: FlagsForExperiments): Promise<ExperimentSet> {
  return new Promise((resolve) => resolve(readExperimentSetSync(flagsDir, flags)));
}
