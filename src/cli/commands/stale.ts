/**
 * `flags stale [--since 30d] [--code PATH…] [--pattern P…] [--format text|json|markdown]`
 * (issue 20): which flags are done, with the evidence. Reads the working
 * tree's flags, the history of every flag in one `git log` pass, and the code
 * references in one `git grep`; the classification is pure (hygiene/stale.ts).
 * Exit 0 whatever it finds: it is a report, like `flags diff`.
 */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { flagState } from '../../hygiene/flag-state.js';
import { classifyFlags, type StaleInput } from '../../hygiene/stale.js';
import { daysExpired } from '../../schema/expiry.js';
import { codePathInRepo, DEFAULT_REFERENCE_PATTERNS, findCodeReferences, compileReferencePatterns } from '../../store/code-refs.js';
import { readExperimentSet } from '../../store/experiment-repo.js';
import { readFlagHistory, stateSinceOf, versionOf } from '../../store/flag-history.js';
import type { CommandContext } from '../context.js';
import { renderStaleJson, renderStaleMarkdown, renderStaleText, unreadableWarnings, type StaleReport } from '../render/stale.js';

export const STALE_FORMATS = ['text', 'json', 'markdown'] as const;
export type StaleFormat = (typeof STALE_FORMATS)[number];

export interface StaleOptions {
  since?: string;
  code?: string[];
  pattern?: string[];
  format?: StaleFormat;
}

/** `30d`, `6w`, `90` (days). */
export function parseDays(raw: string, option: string): number {
  const m = /^(\d{1,5})([dw]?)$/.exec(raw.trim());
  if (!m) throw new UsageError(`${option} must be a number of days like 30d or 6w, got "${raw}"`);
  return Number(m[1]) * (m[2] === 'w' ? 7 : 1);
}

export async function runStale(ctx: CommandContext, opts: StaleOptions): Promise<void> {
  if (ctx.json && opts.format !== undefined && opts.format !== 'json') throw new UsageError(`--json means --format json; it cannot be combined with --format ${opts.format}`);
  const format: StaleFormat = ctx.json ? 'json' : (opts.format ?? 'text');
  const sinceDays = parseDays(opts.since ?? '30d', '--since');
  const patterns = opts.pattern?.length ? opts.pattern : DEFAULT_REFERENCE_PATTERNS;
  compileReferencePatterns(patterns); // usage errors before any git work
  const now = ctx.now();

  const flags = await ctx.loadFlags();
  const history = await readFlagHistory(ctx.flagsDir);
  // Past versions that are not UTF-8 were skipped, not decoded: say so (their changes count at the next readable version).
  const strip = history.where.prefix === '' ? 0 : history.where.prefix.length + 1;
  const unreadable = history.unreadable.map((v) => ({ file: ctx.relative(path.join(ctx.flagsDir, ...v.path.slice(strip).split('/'))), commit: v.commit, message: v.problem }));
  for (const line of unreadableWarnings(unreadable)) ctx.err(ctx.chalk.yellow(line));
  const codePaths = (opts.code ?? []).map((p) => codePathInRepo(history.where, ctx.io.cwd, p));
  const keys = [...flags.flags.keys()];
  const references = await findCodeReferences(history.where, keys, { paths: codePaths, patterns });
  const experiments = await readExperimentSet(ctx.flagsDir, flags);

  const inputs: StaleInput[] = [];
  for (const [key, flag] of flags.flags) {
    // An experiment that is over, and no other one still using the flag.
    const uses = [...experiments.experiments.values()].filter((e) => e.flagKey === key);
    const ended = uses.length > 0 && uses.every((e) => e.status === 'completed' || e.status === 'cancelled') ? uses[uses.length - 1] : undefined;
    const state = flagState(flag, { experimentEnded: ended !== undefined });
    const changes = history.changes.get(key) ?? [];
    const last = changes.length > 0 && changes[changes.length - 1].state !== 'deleted' ? changes[changes.length - 1] : null;
    const uncommitted = last === null || last.value !== versionOf(flag).value;
    // An uncommitted edit that keeps the state (a description) keeps its date; one that changes it starts it now.
    // (The history's states ignore experiments: an ended experiment's flag counts from its end date, stale.ts.)
    const since = stateSinceOf(changes);
    const stateSince = since && (!uncommitted || last?.state === flagState(flag)) ? since : null;
    inputs.push({
      key,
      file: ctx.relative(flags.entries.get(key)![0].file),
      flag,
      state,
      stateSince: stateSince && { commit: stateSince.commit, time: stateSince.time, author: stateSince.author },
      lastChange: last && { commit: last.commit, time: last.time, author: last.author },
      uncommitted,
      references: references.get(key) ?? [],
      ...(ended && { experiment: { id: ended.id, status: ended.status, endDate: ended.endDate } }),
      expiredDays: daysExpired(flag, now),
    });
  }
  const entries = classifyFlags(inputs, { now: now.getTime(), sinceDays });
  const report: StaleReport = {
    now: now.toISOString(),
    sinceDays,
    commits: history.commits,
    code: codePaths.length > 0 ? codePaths : ['.'],
    patterns,
    entries,
    invalid: [...flags.invalidKeys].sort(),
    unreadable,
  };
  if (format === 'json') return ctx.printJson(renderStaleJson(report));
  if (format === 'markdown') return ctx.out(renderStaleMarkdown(report));
  ctx.out(renderStaleText(report, ctx.chalk));
}
