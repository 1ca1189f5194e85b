/**
 * Validation findings as text (for people), JSON (SPEC 3, for programs) and
 * GitHub Actions workflow commands (inline annotations on a pull request).
 */
import type { ChalkInstance } from 'chalk';
import path from 'node:path';
import type { Diagnostic } from '../../errors.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

export interface ValidationTotals {
  /** Flags that are served (valid and defined once). */
  flags: number;
  experiments: number;
  /** Files read: flag files and experiment files. */
  files: number;
}

/**
 * Makes every path of the findings relative to `cwd`: the `file` field and the
 * places other findings name in their message (a duplicate key names the other
 * file). `files` are the absolute paths that may appear in messages.
 */
export function relativizeDiagnostics(diagnostics: readonly Diagnostic[], cwd: string, files: readonly string[] = []): Diagnostic[] {
  const rel = (f: string) => (path.isAbsolute(f) ? path.relative(cwd, f) || '.' : f);
  // Longest first, so /a/b.yaml.bak is not rewritten through /a/b.yaml.
  const known = [...new Set([...files, ...diagnostics.map((d) => d.file)])].filter((f) => path.isAbsolute(f)).sort((a, b) => b.length - a.length);
  return diagnostics.map((d) => {
    let message = d.message;
    for (const f of known) if (message.includes(f)) message = message.split(f).join(rel(f));
    return { ...d, file: rel(d.file), message };
  });
}

export function countSeverities(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/** Exit status of `validate`: errors fail; with `strict`, warnings too. */
export function isPassing(diagnostics: readonly Diagnostic[], opts: { strict?: boolean } = {}): boolean {
  const { errors, warnings } = countSeverities(diagnostics);
  return errors === 0 && !(opts.strict && warnings > 0);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `flags/checkout.yaml:14:9  error  UNKNOWN_FIELD  "enabeld" is not a flag field (did you mean "enabled"?)` */
export function renderDiagnosticLine(d: Diagnostic, chalk: ChalkInstance): string {
  const severity = d.severity === 'error' ? chalk.red(d.severity) : chalk.yellow(d.severity);
  return `${chalk.bold(`${d.file}:${d.line}:${d.column}`)}  ${severity}  ${chalk.dim(d.code)}  ${d.message}`;
}

/** One line per finding, a blank line between files, then a one-line summary. */
export function renderDiagnosticsText(
  diagnostics: readonly Diagnostic[],
  totals: ValidationTotals,
  opts: { chalk: ChalkInstance; strict?: boolean },
): string {
  const { chalk } = opts;
  const lines: string[] = [];
  let previous: string | undefined;
  for (const d of diagnostics) {
    if (previous !== undefined && d.file !== previous) lines.push('');
    previous = d.file;
    lines.push(renderDiagnosticLine(d, chalk));
  }
  if (lines.length > 0) lines.push('');
  lines.push(renderSummary(diagnostics, totals, opts));
  return lines.join('\n');
}

export function renderSummary(diagnostics: readonly Diagnostic[], totals: ValidationTotals, opts: { chalk: ChalkInstance; strict?: boolean }): string {
  const { chalk } = opts;
  const { errors, warnings } = countSeverities(diagnostics);
  const files = new Set(diagnostics.map((d) => d.file)).size;
  if (!isPassing(diagnostics, opts)) {
    const counts = warnings > 0 ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : plural(errors, 'error');
    return chalk.red(`✖ ${counts} in ${plural(files, 'file')}`) + (errors === 0 ? chalk.dim(' (--strict: warnings fail)') : '');
  }
  const what = totals.experiments > 0 ? `${plural(totals.flags, 'flag')} and ${plural(totals.experiments, 'experiment')}` : plural(totals.flags, 'flag');
  const verb = totals.flags + totals.experiments === 1 ? 'is' : 'are';
  const ok = chalk.green(`✓ ${what} in ${plural(totals.files, 'file')} ${verb} valid`);
  return warnings > 0 ? `${ok}${chalk.yellow(`, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`)}` : ok;
}

/** SPEC 3: `{ valid, diagnostics: [ { severity, code, message, file, line, column, flagKey?, path? } ] }`. */
export function renderDiagnosticsJson(diagnostics: readonly Diagnostic[], opts: { strict?: boolean } = {}): string {
  return JSON.stringify(
    {
      valid: isPassing(diagnostics, opts),
      diagnostics: diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        file: d.file,
        line: d.line,
        column: d.column,
        ...(d.flagKey !== undefined && { flagKey: d.flagKey }),
        ...(d.path !== undefined && { path: d.path }),
      })),
    },
    null,
    2,
  );
}

/** Workflow-command data: `%`, CR and LF are escaped (GitHub's toCommandValue rules). */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property values: additionally `:` and `,`, which delimit properties. */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,line=…,col=…,title=CODE::message`, one per finding. */
export function renderDiagnosticsGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const props = [
        `file=${escapeGithubProperty(d.file.split(path.sep).join('/'))}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `title=${escapeGithubProperty(d.code)}`,
      ].join(',');
      return `::${d.severity === 'error' ? 'error' : 'warning'} ${props}::${escapeGithubData(d.message)}`;
    })
    .join('\n');
}
