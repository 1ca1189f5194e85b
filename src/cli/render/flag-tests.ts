/** Output of `flags test` (and `validate --tests`): failures with the actual evaluation, then a summary. */
import { Chalk, type ChalkInstance } from 'chalk';
import path from 'node:path';
import type { Diagnostic } from '../../errors.js';
import type { EvaluationResult } from '../../evaluation/index.js';
import { canonicalJson } from '../../hygiene/flag-state.js';
import type { CaseResult, FlagTestResult, RolloutResult } from '../../hygiene/flag-tests.js';
import { escapeGithubData, escapeGithubProperty, renderDiagnosticLine, renderDiagnosticsGithub } from './diagnostics.js';

export interface TestReport {
  /** Spec files read. */
  files: number;
  results: FlagTestResult[];
  failed: number;
  /** Findings in the spec files (paths relative to the current directory). */
  diagnostics: Diagnostic[];
  passed: boolean;
}

const json = (v: unknown) => (v === undefined ? 'nothing' : canonicalJson(v));
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
const pct = (x: number) => `${(x * 100).toFixed(2).replace(/\.?0+$/, '')}%`;

/** Why the flag answered what it did, in words (the shape of an `--explain`). */
export function explainResult(r: EvaluationResult<unknown>, env?: string): string {
  const why: Record<string, string> = {
    KILL_SWITCH: 'the kill switch is on',
    ENVIRONMENT_DISABLED: `the flag is disabled in environment "${env ?? '?'}"`,
    ENVIRONMENT_OVERRIDE: `environment "${env ?? '?'}" overrides the value`,
    DISABLED: 'the flag is disabled',
    RULE_MATCH: `rule "${r.ruleId ?? '?'}" matched`,
    SPLIT: `variant "${r.variant ?? '?'}" of the split`,
    FALLTHROUGH: 'no rule matched; the fallthrough served it',
    DEFAULT: 'no rule matched and the context is outside any rollout: the default value',
    ERROR: r.errorCode === 'FLAG_NOT_FOUND' ? 'no flag has this key' : r.errorCode === 'PARSE_ERROR' ? 'the flag is invalid and not served (run `flags validate`)' : `error ${r.errorCode ?? ''}`,
  };
  const ids = [r.ruleId && `ruleId ${r.ruleId}`, r.variant && `variant ${r.variant}`, r.errorCode && `errorCode ${r.errorCode}`].filter(Boolean).join(', ');
  return `${json(r.value)}, reason ${r.reason}${ids ? ` (${ids})` : ''}: ${why[r.reason] ?? r.reason}`;
}

function title(r: FlagTestResult): string {
  return `${r.flag}${r.description ? ` — ${r.description}` : ''}`;
}

/** The lines under a failed test: what differs, and what the flag actually did. */
export function failureDetails(r: FlagTestResult): string[] {
  if (r.kind === 'case') {
    return [...r.mismatches, `context: ${json(r.context)}`, `actual: ${explainResult(r.actual, r.context.environment as string | undefined)}`];
  }
  return rolloutDetails(r);
}

function rolloutDetails(r: RolloutResult): string[] {
  if (r.error !== undefined) return [r.error];
  if (r.contexts === 0) return ['no contexts to count'];
  const lines = [`share of ${json(r.value)}: expected ${pct(r.expectedShare)} ± ${pct(r.tolerance)}, got ${pct(r.share)} (${r.matched.toLocaleString('en-US')} of ${r.contexts.toLocaleString('en-US')} contexts)`];
  lines.push(`served: ${r.values.map((v) => `${json(v.value)} ${pct(v.count / r.contexts)}`).join(', ')}`);
  return lines;
}

function failureMessage(r: FlagTestResult): string {
  return `${title(r)}: ${failureDetails(r).join('; ')}`;
}

export function renderTestsText(report: TestReport, chalk: ChalkInstance): string {
  const lines: string[] = [];
  for (const d of report.diagnostics) lines.push(renderDiagnosticLine(d, chalk));
  if (report.diagnostics.length > 0) lines.push('');
  for (const r of report.results) {
    if (r.passed) continue;
    lines.push(`${chalk.red('✗')} ${chalk.bold(`${r.file}:${r.line}:${r.column}`)}  ${title(r)}`);
    for (const d of failureDetails(r)) lines.push(`    ${d}`);
    lines.push('');
  }
  lines.push(summary(report, chalk));
  return lines.join('\n');
}

function summary(report: TestReport, chalk: ChalkInstance): string {
  const n = report.results.length;
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const where = `${plural(report.files, 'spec file')}`;
  const invalid = errors > 0 ? `, ${plural(errors, 'error')} in the specs` : '';
  if (report.passed) return chalk.green(`✓ ${plural(n, 'test')} passed (${where})`);
  if (report.failed === 0) return chalk.red(`✗ ${plural(errors, 'error')} in the specs; ${plural(n, 'other test')} passed (${where})`);
  return chalk.red(`✗ ${report.failed} of ${plural(n, 'test')} failed${invalid} (${where})`);
}

/** `::error` annotations at each failed test (and each invalid spec), then the summary as a log line. */
export function renderTestsGithub(report: TestReport): string {
  const lines: string[] = [];
  if (report.diagnostics.length > 0) lines.push(renderDiagnosticsGithub(report.diagnostics));
  for (const r of report.results) {
    if (r.passed) continue;
    const props = [`file=${escapeGithubProperty(r.file.split(path.sep).join('/'))}`, `line=${r.line}`, `col=${r.column}`, `title=${escapeGithubProperty(`flag test ${r.flag}`)}`].join(',');
    lines.push(`::error ${props}::${escapeGithubData(failureMessage(r))}`);
  }
  // Workflow commands are parsed by the runner: never coloured.
  lines.push(summary(report, new Chalk({ level: 0 })));
  return lines.join('\n');
}

export function renderTestsJson(report: TestReport): unknown {
  return {
    passed: report.passed,
    files: report.files,
    total: report.results.length,
    failed: report.failed,
    diagnostics: report.diagnostics,
    results: report.results.map((r) => (r.kind === 'case' ? caseJson(r) : rolloutJson(r))),
  };
}

function caseJson(r: CaseResult) {
  return { kind: r.kind, file: r.file, line: r.line, column: r.column, flag: r.flag, description: r.description, passed: r.passed, context: r.context, expect: r.expect, actual: r.actual, mismatches: r.mismatches };
}

function rolloutJson(r: RolloutResult) {
  return {
    kind: r.kind,
    file: r.file,
    line: r.line,
    column: r.column,
    flag: r.flag,
    description: r.description,
    passed: r.passed,
    value: r.value,
    expectedShare: r.expectedShare,
    tolerance: r.tolerance,
    contexts: r.contexts,
    matched: r.matched,
    share: r.share,
    values: r.values,
    ...(r.error !== undefined && { error: r.error }),
  };
}
