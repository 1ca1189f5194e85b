/**
 * `flags diff` output: the SPEC 3 JSON object, a terminal view, and markdown
 * written to be posted as a pull-request comment (a summary line, a table of
 * flags by risk, details per flag in collapsible sections).
 */
import { mdCode, mdHtml, mdText } from './markdown.js';
import { oneLine } from './terminal.js';
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../../errors.js';
import type { BlastRadius, SegmentRadius, Transition } from '../../review/blast-radius.js';
import type { FieldChange } from '../../review/diff-flags.js';
import type { FlagReview, ReviewedFlag } from '../../review/review.js';
import type { Risk } from '../../review/risk.js';
import { assessAddedFlag } from '../../review/added-risk.js';
import { hasExperimentChanges, type ExperimentDiff } from '../../review/diff-experiments.js';
import type { Flag } from '../../schema/flag.js';
import { renderFlagDetails } from './flag.js';

export interface DiffReport {
  /** The revision as the user gave it. */
  base: string;
  commit: string;
  /** false: the revision has no flags directory, so every flag is new. */
  baseHasFlagsDir: boolean;
  review: FlagReview;
  /** Key → file (relative to the current directory) in the working tree. */
  files: ReadonlyMap<string, string>;
  /** Key → file at the base revision, for removed flags. */
  baseFiles: ReadonlyMap<string, string>;
  /** Errors of the working tree's (or head's) files (relative paths): those flags were not compared. */
  invalid: Diagnostic[];
  /** Experiment definitions of the new side that are not UTF-8 (relative paths): not compared. */
  invalidExperiments?: Diagnostic[];
  /** Errors of the base's files (a file that is not UTF-8 among them), except those the new side has too. */
  invalidAtBase?: Diagnostic[];
  /** The contexts file as given, when the blast radius was measured over it. */
  contextsLabel?: string;
  usersPerSegment: number;
  /** `flags diff A B`: the second revision instead of the working tree. */
  head?: { revision: string; commit: string };
  /** Changes to experiment definitions (flags/experiments/*.yaml). */
  experiments?: ExperimentDiff;
  /** The added flags as defined in the new set (content and risk are shown). */
  addedFlags?: ReadonlyMap<string, Flag>;
}

/** An added flag with its risk (added-risk.ts). */
function addedView(report: DiffReport, key: string): { flag?: Flag; risk: Risk; reasons: string[] } {
  const flag = report.addedFlags?.get(key);
  if (!flag) return { risk: 'low', reasons: ['new flag'] };
  return { flag, ...assessAddedFlag(flag) };
}

function headLabel(report: DiffReport): string {
  return report.head ? `${report.head.revision} (${report.head.commit.slice(0, 7)})` : 'working tree';
}

/** A flag using a changed segment that the base does not serve: reviewed as an added flag. */
const NEW_USER = 'not served at the base (see added flags)';

/** A segment list longer than this shows its changed segments and a count of the others. */
const MAX_LISTED_SEGMENTS = 16;
/** Diagnostics listed before "and N more". */
const MAX_LISTED_DIAGNOSTICS = 10;

// ---------------------------------------------------------------- json

/** Exactly SPEC 3's object. */
export function renderDiffJson(report: DiffReport): unknown {
  return {
    base: report.base,
    added: report.review.added,
    removed: report.review.removed,
    changed: report.review.changed.map((c) => ({
      key: c.key,
      file: report.files.get(c.key) ?? null,
      risk: c.risk,
      changes: c.changes.map((ch) => ({ path: ch.path, before: ch.before, after: ch.after })),
      blastRadius: jsonRadius(c.blastRadius),
    })),
    // SPEC 6: changed segments with the flags that use them.
    ...(report.review.segmentChanges && {
      segments: report.review.segmentChanges.map((s) => ({
        key: s.key,
        status: s.status,
        changes: s.changes.map((ch) => ({ path: ch.path, before: ch.before, after: ch.after })),
        flags: s.flags.map((f) => ({ key: f.key, blastRadius: f.blastRadius && jsonRadius(f.blastRadius) })),
      })),
    }),
    // Present when flags were added (issue 12): their risk and content.
    ...(report.review.added.length > 0 && {
      addedFlags: report.review.added.map((key) => {
        const v = addedView(report, key);
        return { key, file: report.files.get(key) ?? null, risk: v.risk, reasons: v.reasons, flag: v.flag ?? null };
      }),
    }),
    ...(report.head && { head: report.head.revision }),
    ...(hasExperimentChanges(report.experiments) && { experiments: report.experiments }),
    // Present when a side has invalid files: what they define was not compared.
    ...((headInvalid(report).length > 0 || baseInvalid(report).length > 0) && {
      invalid: { base: baseInvalid(report).map(jsonDiagnostic), head: headInvalid(report).map(jsonDiagnostic) },
    }),
  };
}

function jsonDiagnostic(d: Diagnostic): unknown {
  return { file: d.file, line: d.line, column: d.column, code: d.code, message: d.message };
}

function jsonRadius(r: BlastRadius): unknown {
  const out: Record<string, unknown> = { source: r.source, sampled: r.sampled, changed: r.changed, share: r.share, transitions: r.transitions };
  if (r.segments) out.segments = r.segments.map((s) => ({ segment: s.segment, sampled: s.sampled, changed: s.changed, transitions: s.transitions }));
  if (r.uncovered) out.uncovered = r.uncovered;
  return out;
}

// ---------------------------------------------------------------- shared wording

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A share as a percentage with one decimal that never rounds a change away (`<0.1%`) or into everyone (`>99.9%`). */
export function formatShare(count: number, total: number): string {
  if (total === 0) return '0.0%';
  const p = (count / total) * 100;
  if (count > 0 && p < 0.05) return '<0.1%';
  if (count < total && p >= 99.95) return '>99.9%';
  return `${p.toFixed(1)}%`;
}

/** A value as JSON; an absent one as "(none)". */
export function formatValue(v: unknown): string {
  return v === undefined ? '(none)' : (JSON.stringify(v) ?? String(v));
}

function arrow(t: Transition): string {
  return `${formatValue(t.from)} → ${formatValue(t.to)}`;
}

/** `tenant.type=free`, `tenant.id=(missing)`, several joined by ", ". */
export function formatSegment(segment: Record<string, unknown>, all: readonly SegmentRadius[]): string {
  const entries = Object.entries(segment);
  if (entries.length === 0) return all.length === 1 ? 'every context (no rule targets an attribute)' : 'none of the targeted attributes set';
  return entries.map(([a, v]) => `${a}=${v === null ? '(missing)' : typeof v === 'string' && /^[\w.@:/+-]+$/.test(v) ? v : JSON.stringify(v)}`).join(', ');
}

/** `40.1% false → true` (shares of the segment's samples), or `unchanged`. */
export function formatSegmentChange(s: SegmentRadius): string {
  if (s.changed === 0) return 'unchanged';
  if (s.sampled === 1) return `changes: ${s.transitions.map(arrow).join(', ')}`;
  return s.transitions.map((t) => `${formatShare(t.count, s.sampled)} ${arrow(t)}`).join(', ');
}

/** `false → true: 1,204 of 3,000 (40.1%)`. */
export function formatTransitionTotal(t: Transition, sampled: number): string {
  return `${arrow(t)}: ${formatCount(t.count)} of ${formatCount(sampled)} (${formatShare(t.count, sampled)})`;
}

/** One line for the summary table: who is affected. */
export function summarizeRadius(r: BlastRadius): string {
  if (r.source === 'contexts') {
    if (r.changed === 0) return `none of ${formatCount(r.sampled)} contexts`;
    return `${formatCount(r.changed)} of ${formatCount(r.sampled)} contexts (${formatShare(r.changed, r.sampled)})`;
  }
  const segments = r.segments ?? [];
  const changed = segments.filter((s) => s.changed > 0);
  const uncovered = r.uncovered?.length ? `; not covered: ${r.uncovered.join(', ')}` : '';
  if (changed.length === 0) return `none of ${segments.length} segment${segments.length === 1 ? '' : 's'}${uncovered}`;
  const max = changed.reduce((m, s) => Math.max(m, s.changed / s.sampled), 0);
  return `${changed.length} of ${segments.length} segment${segments.length === 1 ? '' : 's'} (up to ${formatShare(Math.round(max * 1e6), 1e6)})${uncovered}`;
}

function sourceSentence(report: DiffReport, r: BlastRadius, code: (s: string) => string = (s) => s): string {
  if (r.source === 'contexts') return `over the ${formatCount(r.sampled)} contexts of ${code(report.contextsLabel ?? 'the contexts file')}`;
  return `per segment built from the attribute values the rules mention, each crossed with ${formatCount(report.usersPerSegment)} user ids (no ${code('--contexts')} file given)`;
}

function countsLine(report: DiffReport): string {
  const { review } = report;
  const by: Record<Risk, number> = { high: 0, medium: 0, low: 0 };
  for (const c of review.changed) by[c.risk]++;
  const parts: string[] = [];
  const n = review.changed.length;
  const risks = (['high', 'medium', 'low'] as const).filter((r) => by[r] > 0).map((r) => `${by[r]} ${r}`);
  parts.push(`${n} changed${risks.length ? ` (${risks.join(', ')})` : ''}`);
  parts.push(`${review.added.length} added`);
  parts.push(`${review.removed.length} removed`);
  return parts.join(', ');
}

/** `not covered: rule a, b matched no sample; pass --contexts`, or '' when every affected rule was sampled. */
export function uncoveredLine(r: BlastRadius): string {
  const u = r.uncovered ?? [];
  if (u.length === 0) return '';
  return `not covered: rule${u.length === 1 ? '' : 's'} ${u.join(', ')} matched no sample, so what this change does to ${u.length === 1 ? 'its' : 'their'} contexts is not counted; pass --contexts`;
}

function noChange(r: BlastRadius): string {
  if (r.source === 'contexts') return `no value changes (${formatCount(r.sampled)} contexts)`;
  const n = r.segments?.length ?? 0;
  return `no value changes in ${n === 1 ? 'the' : `any of ${n}`} segment${n === 1 ? '' : 's'} (${formatCount(r.sampled)} samples)`;
}

function hasChanges(review: FlagReview): boolean {
  return review.changed.length + review.added.length + review.removed.length + (review.segmentChanges?.length ?? 0) > 0;
}

function invalidFiles(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.map((d) => d.file))];
}

function baseInvalid(report: DiffReport): Diagnostic[] {
  return report.invalidAtBase ?? [];
}

function headInvalid(report: DiffReport): Diagnostic[] {
  return [...report.invalid, ...(report.invalidExperiments ?? [])];
}

/** `1 flag file has errors; their flags were not compared` (what they define, when experiment definitions are among them). */
function headInvalidSentence(report: DiffReport): string {
  const files = invalidFiles(headInvalid(report));
  const what = report.invalidExperiments?.length ? `what ${files.length === 1 ? 'it defines' : 'they define'} was` : 'their flags were';
  return `${files.length} flag file${files.length === 1 ? ' has' : 's have'} errors; ${what} not compared`;
}

/** `1 flag file is invalid at HEAD (e994800); what it defines there was not compared`, `base` formatting the revision. */
function baseInvalidSentence(report: DiffReport, code: (s: string) => string = (s) => s): string {
  const n = invalidFiles(baseInvalid(report)).length;
  return `${n} flag file${n === 1 ? ' is' : 's are'} invalid at ${code(report.base)} (${code(shortCommit(report))}); what ${n === 1 ? 'it defines' : 'they define'} there was not compared`;
}

function shortCommit(report: DiffReport): string {
  return report.commit.slice(0, 7);
}

// ---------------------------------------------------------------- text

export function renderDiffText(report: DiffReport, chalk: ChalkInstance): string {
  const { review } = report;
  const lines: string[] = [];
  lines.push(chalk.bold(`flags diff ${report.base} (${shortCommit(report)}) → ${headLabel(report)}`));
  if (!report.baseHasFlagsDir) lines.push(`${report.base} has no flags directory: every flag is new`);
  lines.push(hasChanges(review) ? countsLine(report) : 'no flag changes');

  const riskLabel = (risk: Risk) => {
    const text = risk.toUpperCase().padEnd(6);
    return risk === 'high' ? chalk.red.bold(text) : risk === 'medium' ? chalk.yellow(text) : chalk.dim(text);
  };

  for (const key of review.removed) {
    lines.push('');
    lines.push(`${riskLabel('high')}  ${chalk.bold(key)}  removed${report.baseFiles.has(key) ? ` (was in ${report.baseFiles.get(key)})` : ''}`);
    lines.push('        flag removed: callers get their own default value');
  }
  for (const c of review.changed) {
    lines.push('');
    lines.push(`${riskLabel(c.risk)}  ${chalk.bold(c.key)}  ${chalk.dim(report.files.get(c.key) ?? '')}`);
    for (const reason of c.reasons) lines.push(`        ${reason}`);
    for (const ch of c.changes) lines.push(`  ${chalk.cyan(ch.path)}: ${renderChangeValues(ch, chalk)}`);
    lines.push(`  blast radius ${sourceSentence(report, c.blastRadius)}:`);
    for (const l of radiusLines(c.blastRadius)) lines.push(`    ${l}`);
  }
  if (review.added.length > 0) {
    lines.push('');
    for (const key of review.added) {
      const was = review.previouslyInvalid.includes(key) ? ` (invalid at ${report.base})` : '';
      const v = addedView(report, key);
      lines.push(`${riskLabel(v.risk)}  ${chalk.bold(key)}  ${chalk.green('added')}  ${chalk.dim(report.files.get(key) ?? '')}${was}`);
      for (const reason of v.reasons) lines.push(`        ${reason}`);
      if (v.flag) for (const l of renderFlagDetails(v.flag, chalk).split('\n')) lines.push(l === '' ? '' : `    ${l}`);
    }
  }
  // ---- SPEC 6: changed segments ----
  for (const seg of review.segmentChanges ?? []) {
    lines.push('');
    lines.push(`${chalk.bold('SEGMENT')} ${chalk.bold(seg.key)}  ${seg.status}${seg.previouslyInvalid ? ` (invalid at ${report.base})` : ''}`);
    for (const ch of seg.changes) lines.push(`  ${chalk.cyan(ch.path)}: ${renderChangeValues(ch, chalk)}`);
    if (seg.flags.length === 0) lines.push('  used by no flag');
    for (const f of seg.flags) {
      if (f.blastRadius === null) {
        lines.push(`  used by ${chalk.bold(f.key)}: ${NEW_USER}`);
        continue;
      }
      lines.push(`  used by ${chalk.bold(f.key)}: blast radius ${sourceSentence(report, f.blastRadius)}:`);
      for (const l of radiusLines(f.blastRadius)) lines.push(`    ${l}`);
    }
  }
  if (hasExperimentChanges(report.experiments)) lines.push(...experimentLines(report.experiments!, chalk));
  if (headInvalid(report).length > 0) {
    lines.push('', chalk.yellow(`${headInvalidSentence(report)} (run \`flags validate\`):`));
    lines.push(...diagnosticLines(headInvalid(report)));
  }
  if (baseInvalid(report).length > 0) {
    lines.push('', chalk.yellow(`${baseInvalidSentence(report)}:`));
    lines.push(...diagnosticLines(baseInvalid(report)));
  }
  // Each entry is one line: a line break from a file value is shown, never obeyed.
  return lines.map(oneLine).join('\n');
}

function diagnosticLines(diagnostics: readonly Diagnostic[]): string[] {
  const lines = diagnostics.slice(0, MAX_LISTED_DIAGNOSTICS).map((d) => `  ${d.file}:${d.line}:${d.column}  ${d.code}  ${d.message}`);
  if (diagnostics.length > MAX_LISTED_DIAGNOSTICS) lines.push(`  … and ${diagnostics.length - MAX_LISTED_DIAGNOSTICS} more`);
  return lines;
}

function renderChangeValues(ch: FieldChange, chalk: ChalkInstance): string {
  return `${chalk.red(formatValue(ch.before))} → ${chalk.green(formatValue(ch.after))}`;
}

/** The transitions in total, then the segments (changed ones first when there are many). */
function radiusLines(r: BlastRadius): string[] {
  const lines: string[] = [];
  if (r.changed === 0) lines.push(noChange(r));
  if (uncoveredLine(r)) lines.push(uncoveredLine(r));
  for (const t of r.transitions) {
    lines.push(r.source === 'contexts' ? formatTransitionTotal(t, r.sampled) : `${arrow(t)}: ${formatCount(t.count)} of ${formatCount(r.sampled)} samples across all segments (${formatShare(t.count, r.sampled)})`);
  }
  const segments = r.changed === 0 ? [] : (r.segments ?? []);
  const shown = segments.length > MAX_LISTED_SEGMENTS ? segments.filter((s) => s.changed > 0) : segments;
  for (const s of shown) lines.push(`${formatSegment(s.segment, segments)}: ${formatSegmentChange(s)}`);
  if (shown.length < segments.length) lines.push(`${segments.length - shown.length} other segments: unchanged`);
  for (const note of r.notes ?? []) lines.push(`(${note})`);
  return lines;
}

// ---------------------------------------------------------------- markdown

/** A marker bots can find to update their own comment instead of adding one per push. */
export const MARKDOWN_MARKER = '<!-- flags-diff -->';

export function renderDiffMarkdown(report: DiffReport): string {
  const { review } = report;
  const out: string[] = [MARKDOWN_MARKER, '### Feature flag changes', ''];
  const against = `${mdCode(report.base)} (${mdCode(shortCommit(report))})`;
  if (!hasChanges(review)) {
    out.push(`No flag changes compared with ${against}.`);
  } else {
    out.push(`Compared with ${against}: **${countsLine(report)}**.`);
    out.push('');
    if (!report.baseHasFlagsDir) {
      out.push(`${mdCode(report.base)} has no flags directory: every flag is new.`);
      out.push('');
    }
    const source = review.source === 'contexts' ? `contexts in ${mdCode(report.contextsLabel ?? 'the contexts file')}` : 'segments';
    out.push(`| risk | flag | why | value changes (${source}) |`);
    out.push('|---|---|---|---|');
    for (const key of review.removed) out.push(`| **high** | ${mdCode(key)} | removed | every caller gets its own default |`);
    for (const c of review.changed) {
      const risk = c.risk === 'high' ? '**high**' : c.risk;
      out.push(`| ${risk} | ${mdCode(c.key)} | ${mdText(c.reasons.join('; '))} | ${mdText(summarizeRadius(c.blastRadius))} |`);
    }
    for (const key of review.added) {
      const was = review.previouslyInvalid.includes(key) ? ` (invalid at ${mdCode(report.base)})` : '';
      const v = addedView(report, key);
      out.push(`| ${v.risk === 'high' ? '**high**' : v.risk} | ${mdCode(key)} | added${was}: ${mdText(v.reasons.join('; '))} | new flag |`);
    }

    for (const c of review.changed) out.push('', ...markdownDetails(report, c));
    for (const key of review.added) {
      const v = addedView(report, key);
      if (!v.flag) continue;
      out.push('', '<details>', `<summary><b>${htmlText(key)}</b> · added · ${v.risk}</summary>`, '', '```', ...renderFlagDetails(v.flag, NO_COLOR).split('\n').map((l) => l.replace(/`{3,}/g, '`\u200b``')), '```', '', '</details>');
    }
  }
  // ---- SPEC 6: changed segments ----
  if (review.segmentChanges?.length) {
    out.push('', '#### Segments', '', '| segment | change | flag using it | value changes |', '|---|---|---|---|');
    for (const seg of review.segmentChanges) {
      const what = seg.status === 'changed' ? seg.changes.map((c) => mdCode(c.path)).join(', ') : `${seg.status}${seg.previouslyInvalid ? ` (invalid at ${mdCode(report.base)})` : ''}`;
      if (seg.flags.length === 0) out.push(`| ${mdCode(seg.key)} | ${what} | – | – |`);
      for (const f of seg.flags) out.push(`| ${mdCode(seg.key)} | ${what} | ${mdCode(f.key)} | ${mdText(f.blastRadius ? summarizeRadius(f.blastRadius) : NEW_USER)} |`);
    }
  }
  if (hasExperimentChanges(report.experiments)) out.push('', ...experimentMarkdown(report.experiments!));
  if (headInvalid(report).length > 0) {
    out.push('', `> [!WARNING]`, `> ${headInvalidSentence(report)}. Run ${mdCode('flags validate')}.`, ...markdownDiagnostics(headInvalid(report)));
  }
  if (baseInvalid(report).length > 0) {
    out.push('', `> [!WARNING]`, `> ${baseInvalidSentence(report, mdCode)}.`, ...markdownDiagnostics(baseInvalid(report)));
  }
  return out.join('\n') + '\n';
}

function markdownDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  const out = diagnostics.slice(0, MAX_LISTED_DIAGNOSTICS).map((d) => `> - ${mdCode(`${d.file}:${d.line}:${d.column}`)} ${d.code}: ${mdText(d.message)}`);
  if (diagnostics.length > MAX_LISTED_DIAGNOSTICS) out.push(`> - … and ${diagnostics.length - MAX_LISTED_DIAGNOSTICS} more`);
  return out;
}

function markdownDetails(report: DiffReport, c: ReviewedFlag): string[] {
  const out: string[] = [];
  const file = report.files.get(c.key);
  out.push('<details>');
  out.push(`<summary><b>${htmlText(c.key)}</b> · ${c.risk}${file ? ` · <code>${htmlText(file)}</code>` : ''}</summary>`);
  out.push('');
  out.push('| field | before | after |');
  out.push('|---|---|---|');
  for (const ch of c.changes) out.push(`| ${mdCode(ch.path)} | ${mdValue(ch.before)} | ${mdValue(ch.after)} |`);
  out.push('');
  out.push(`**Blast radius** ${sourceSentence(report, c.blastRadius, mdCode)}:`);
  out.push('');
  const r = c.blastRadius;
  if (r.changed === 0) out.push(`- ${noChange(r)}`);
  if (uncoveredLine(r)) out.push(`- **${mdText(uncoveredLine(r))}**`);
  for (const t of r.transitions) {
    out.push(`- ${mdCode(arrow(t))}: ${formatCount(t.count)} of ${formatCount(r.sampled)}${r.source === 'segments' ? ' samples across all segments' : ''} (${formatShare(t.count, r.sampled)})`);
  }
  // With no change anywhere, listing every segment as unchanged says nothing more.
  const segments = r.changed === 0 ? [] : (r.segments ?? []);
  const shown = segments.length > MAX_LISTED_SEGMENTS ? segments.filter((s) => s.changed > 0) : segments;
  for (const s of shown) out.push(`- ${mdCode(formatSegment(s.segment, segments))}: ${mdText(formatSegmentChange(s))}`);
  if (shown.length < segments.length) out.push(`- ${segments.length - shown.length} other segments: unchanged`);
  for (const note of r.notes ?? []) out.push(`- _${mdText(note)}_`);
  out.push('');
  out.push('</details>');
  return out;
}

function mdValue(v: unknown): string {
  return v === undefined ? '_(none)_' : mdCode(formatValue(v));
}

// Markdown escaping lives in one place (issue 13.5): markdown.ts.
export { mdCode, mdText } from './markdown.js';
const htmlText = mdHtml;

/** Plain text for code blocks: a chalk stand-in that adds nothing. */
const NO_COLOR = new Proxy(((s: string) => s) as unknown as ChalkInstance, { get: () => NO_COLOR, apply: (_t, _this, args: unknown[]) => String(args[0]) });

// ---------------------------------------------------------------- experiments

function experimentLines(d: ExperimentDiff, chalk: ChalkInstance): string[] {
  const lines = ['', chalk.bold(`experiments: ${d.changed.length} changed, ${d.added.length} added, ${d.removed.length} removed`)];
  for (const id of d.added) lines.push(`  ${chalk.green('added')}    ${chalk.bold(id)}`);
  for (const id of d.removed) lines.push(`  ${chalk.red('removed')}  ${chalk.bold(id)}`);
  for (const c of d.changed) {
    lines.push(`  ${chalk.yellow('changed')}  ${chalk.bold(c.id)}`);
    for (const ch of c.changes) lines.push(`    ${chalk.cyan(ch.path)}: ${formatValue(ch.before)} → ${formatValue(ch.after)}`);
  }
  return lines;
}

function experimentMarkdown(d: ExperimentDiff): string[] {
  const out = ['**Experiments**', '', '| experiment | change | before | after |', '|---|---|---|---|'];
  for (const id of d.added) out.push(`| ${mdCode(id)} | added | | |`);
  for (const id of d.removed) out.push(`| ${mdCode(id)} | removed | | |`);
  for (const c of d.changed) for (const ch of c.changes) out.push(`| ${mdCode(c.id)} | ${mdCode(ch.path)} | ${mdValue(ch.before)} | ${mdValue(ch.after)} |`);
  return out;
}
