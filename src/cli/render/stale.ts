/** Output of `flags stale`: text for people, markdown for an issue or a pull request, JSON for tools. */
import type { ChalkInstance } from 'chalk';
import type { StaleAction, StaleEntry } from '../../hygiene/stale.js';

export interface StaleReport {
  now: string;
  sinceDays: number;
  /** Commits of the first-parent history that touched the flags directory. */
  commits: number;
  /** Code paths searched (repository-relative). */
  code: string[];
  patterns: string[];
  entries: StaleEntry[];
  /** Keys not served (invalid or duplicated), left out of the report. */
  invalid: string[];
  /** Past versions of flag files that are not UTF-8 (file relative to the current directory): not read. */
  unreadable?: UnreadableVersionView[];
}

export interface UnreadableVersionView {
  file: string;
  commit: string;
  message: string;
}

/** Unreadable versions named one per line before "… and N more". */
const MAX_LISTED_UNREADABLE = 10;

/**
 * The warning lines about past versions that are not UTF-8: each skipped, so
 * a change made in it counts at the file's next readable version.
 */
export function unreadableWarnings(versions: readonly UnreadableVersionView[]): string[] {
  const lines = versions
    .slice(0, MAX_LISTED_UNREADABLE)
    .map((v) => `warning: ${v.file} at ${v.commit.slice(0, 10)} is ${v.message}; that version was not read: a change made in it counts at the next readable version`);
  if (versions.length > MAX_LISTED_UNREADABLE) lines.push(`warning: … and ${versions.length - MAX_LISTED_UNREADABLE} more versions that are not UTF-8 (--json lists them all)`);
  return lines;
}

const LABEL: Record<StaleAction, string> = {
  remove: 'remove',
  'clean-up-code': 'clean up code',
  review: 'review',
  wait: 'wait',
  active: 'active',
  permanent: 'permanent',
};

export function renderStaleText(report: StaleReport, chalk: ChalkInstance): string {
  const colour: Record<StaleAction, (s: string) => string> = {
    remove: chalk.red,
    'clean-up-code': chalk.yellow,
    review: chalk.yellow,
    wait: chalk.cyan,
    active: chalk.green,
    permanent: chalk.dim,
  };
  const lines: string[] = [];
  const width = Math.max(0, ...report.entries.map((e) => e.key.length));
  for (const e of report.entries) {
    lines.push(`${colour[e.action](LABEL[e.action].padEnd(13))} ${e.key.padEnd(width)}  ${e.reason}`);
    if (e.action === 'active' || e.action === 'permanent') continue;
    for (const ev of e.evidence.slice(1)) lines.push(`${' '.repeat(14 + width + 2)}${chalk.dim(ev)}`);
  }
  if (report.entries.length === 0) lines.push('No flags.');
  lines.push('');
  lines.push(summary(report));
  if (report.invalid.length > 0) lines.push(chalk.yellow(`Not classified (invalid or duplicated; run \`flags validate\`): ${report.invalid.join(', ')}`));
  return lines.join('\n');
}

function summary(report: StaleReport): string {
  const counts = new Map<StaleAction, number>();
  for (const e of report.entries) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  const parts = [...counts].map(([a, n]) => `${n} ${LABEL[a]}`);
  return `${report.entries.length} flag${report.entries.length === 1 ? '' : 's'}: ${parts.join(', ') || 'none'} (due after ${report.sinceDays} days; ${report.commits} commits read; code searched: ${report.code.join(', ')})`;
}

export function renderStaleMarkdown(report: StaleReport): string {
  const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
  const lines = ['## Stale flags', '', '| action | flag | why | evidence |', '|---|---|---|---|'];
  for (const e of report.entries) {
    lines.push(`| ${LABEL[e.action]} | \`${cell(e.key)}\` | ${cell(e.reason)} | ${cell(e.evidence.slice(1).join('; '))} |`);
  }
  lines.push('', summary(report));
  if (report.invalid.length > 0) lines.push('', `Not classified (invalid or duplicated): ${report.invalid.map((k) => `\`${cell(k)}\``).join(', ')}`);
  const unreadable = report.unreadable ?? [];
  if (unreadable.length > 0) {
    const listed = unreadable.slice(0, MAX_LISTED_UNREADABLE).map((v) => `\`${cell(v.file)}\` at ${v.commit.slice(0, 10)} (${cell(v.message)})`);
    if (unreadable.length > MAX_LISTED_UNREADABLE) listed.push(`and ${unreadable.length - MAX_LISTED_UNREADABLE} more`);
    lines.push('', `Past versions not read (not UTF-8; a change made in one counts at the next readable version): ${listed.join('; ')}`);
  }
  return lines.join('\n');
}

export function renderStaleJson(report: StaleReport): unknown {
  return {
    now: report.now,
    sinceDays: report.sinceDays,
    commits: report.commits,
    code: report.code,
    patterns: report.patterns,
    flags: report.entries.map((e) => ({
      key: e.key,
      file: e.file,
      action: e.action,
      reason: e.reason,
      state: e.state,
      daysInState: e.daysInState,
      daysSinceChange: e.daysSinceChange,
      lastChange: e.lastChange && { commit: e.lastChange.commit, date: new Date(e.lastChange.time).toISOString(), author: e.lastChange.author },
      uncommitted: e.uncommitted,
      expiredDays: e.expiredDays,
      references: e.references,
      evidence: e.evidence,
    })),
    invalid: report.invalid,
    ...(report.unreadable?.length && { unreadable: report.unreadable }),
  };
}
