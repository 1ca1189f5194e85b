/**
 * Findings become Diagnostics here: located at their YAML node, the
 * set-wide duplicates that name every other place, the file-name warning of
 * one-definition files, and the one order every report is sorted in.
 */
import path from 'node:path';
import type { Diagnostic, DiagnosticCode } from '../errors.js';
import type { Finding } from './checks.js';
import { formatPath, locatePath, type PathSegment, type Position } from './locate.js';
import type { ParsedYaml } from './yaml-read.js';

/**
 * Turns findings at paths inside one YAML node (a flag of a list file, or the
 * whole document) into located Diagnostics.
 */
export function diagnosticsOf(
  parsed: Pick<ParsedYaml, 'file' | 'doc' | 'lineCounter'>,
  base: readonly PathSegment[],
  findings: readonly Finding[],
  extra: { flagKey?: string } = {},
): Diagnostic[] {
  // No findings, no document needed (a file read by flag-file-fast.ts builds it on first use).
  if (findings.length === 0) return [];
  const root = parsed.doc.contents as never;
  return findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    file: parsed.file,
    ...locatePath(root, [...base, ...f.path], parsed.lineCounter, f.anchor),
    ...(extra.flagKey !== undefined && { flagKey: extra.flagKey }),
    ...(f.path.length > 0 && { path: formatPath(f.path) }),
  }));
}


/** One finding per place of a duplicated name, each naming all the other places. */
export function duplicateDiagnostics(
  code: DiagnosticCode,
  what: string,
  places: readonly { file: string; position: { line: number; column: number } }[],
): Omit<Diagnostic, 'flagKey' | 'path'>[] {
  return places.map((place) => {
    const others = places.filter((p) => p !== place).map((p) => `${p.file}:${p.position.line}:${p.position.column}`);
    return {
      code,
      severity: 'error' as const,
      message: `${what} is also defined at ${others.join(', ')}`,
      file: place.file,
      ...place.position,
    };
  });
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** A file's name without its `.yaml` / `.yml` ending: what the definition inside should be called. */
export function fileStem(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/i, '');
}

/**
 * FILE_NAME_MISMATCH for a file that holds one definition (a one-flag file,
 * an experiment) not named after it: `checkout.yaml` for flag "checkout".
 * `what` names the field (`flag key`, `experiment id`); the warning stands at
 * `at`, the field's value.
 */
export function fileNameMismatch(
  file: string,
  what: string,
  name: string,
  at: { position: Position; path: string; flagKey?: string },
): Diagnostic | undefined {
  if (fileStem(file) === name) return undefined;
  return {
    code: 'FILE_NAME_MISMATCH',
    severity: 'warning',
    message: `file name "${path.basename(file)}" does not match the ${what} "${name}" (expected ${name}.yaml)`,
    file,
    ...at.position,
    ...(at.flagKey !== undefined && { flagKey: at.flagKey }),
    path: at.path,
  };
}
