/**
 * Finds and reads flag test specs (issue 20): `<flags dir>/tests/**\/*.yaml`
 * by default, or the files and folders given. Parsing and checking are pure
 * (schema/test-spec.ts); running them is too (hygiene/flag-tests.ts).
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FlagsError } from '../errors.js';
import { parseTestSpecFile, type ParsedTestSpec } from '../schema/test-spec.js';
import { decodeUtf8, utf8Problem } from '../schema/utf8.js';
import { MAX_FLAG_FILE_BYTES, TESTS_DIR } from './flag-repo.js';

export function defaultTestsDir(flagsDir: string): string {
  return path.join(flagsDir, TESTS_DIR);
}

/**
 * Every `*.yaml` / `*.yml` file of the given files and folders (recursively,
 * dot-folders skipped, symbolic links not followed), sorted. A path that does
 * not exist is an error naming it.
 */
export function listTestSpecFiles(paths: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(folder, name);
      const info = lstatSync(full);
      if (info.isDirectory()) walk(full);
      else if (info.isFile() && /\.ya?ml$/i.test(name)) out.add(full);
    }
  };
  for (const p of paths) {
    let info;
    try {
      info = statSync(p);
    } catch {
      throw new FlagsError('TESTS_NOT_FOUND', `no test specs at ${p}: the path does not exist`);
    }
    if (info.isDirectory()) walk(p);
    else out.add(p);
  }
  return [...out].sort();
}

export function readTestSpec(file: string): ParsedTestSpec {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_FLAG_FILE_BYTES) {
      return { file, cases: [], rollouts: [], diagnostics: [{ code: 'FILE_TOO_LARGE', severity: 'error', message: `file is larger than ${MAX_FLAG_FILE_BYTES / 1048576} MiB`, file, line: 1, column: 1 }] };
    }
    bytes = readFileSync(file);
  } catch (e) {
    return { file, cases: [], rollouts: [], diagnostics: [{ code: 'UNREADABLE_FILE', severity: 'error', message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file, line: 1, column: 1 }] };
  }
  // Decoded loosely, a Latin-1 context value was tested as "caf\uFFFD": a test that passes or fails for the wrong reason.
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { file, cases: [], rollouts: [], diagnostics: [{ code: 'INVALID_UTF8', severity: 'error', message: utf8Problem(decoded), file, line: decoded.line, column: decoded.column }] };
  return parseTestSpecFile(file, decoded.text);
}
