/**
 * `flags experiment results ID [--alpha 0.05] [--correction holm|bh|none] [--json]
 *   [--log PATH|GLOB]… [--engine streaming|duckdb] [--counts FILE|-]`
 * (SPEC 4.3, 8): count the experiment's events (one streaming pass over one
 * or many logs, the embedded DuckDB over the same files, or a warehouse's
 * result of `flags experiment sql`) into SufficientStats, analyse, report.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError, UsageError } from '../../errors.js';
import { CountsError, parseCounts, statsFromRows } from '../../experiments/counts.js';
import { analyzeExperiment, describeVerdict } from '../../experiments/results.js';
import { statsQueryPlan, sufficientStatsToTally, tallyLineInWindow, tallyToSufficientStats } from '../../experiments/stats-adapter.js';
import { CORRECTIONS, type Correction } from '../../experiments/stats.js';
import type { SufficientStats } from '../../experiments/sufficient-stats.js';
import { createTally, summarizeTally, tallyMalformed, type TallySummary } from '../../experiments/tally.js';
import { buildStatsQuery } from '../../experiments/warehouse-sql.js';
import { expandLogSources, readEventSources } from '../../store/event-sources.js';
import type { CommandContext } from '../context.js';
import { readStdin } from '../context-args.js';
import { renderResultsReport } from '../render/experiment.js';
import { createProgress } from '../render/progress.js';
import { eventLogPath, findExperiment, loadExperiments } from './experiment-common.js';

export interface ResultsOptions {
  alpha?: string;
  correction?: string;
  /** Paths or globs (repeatable); one string from older callers. */
  log?: string[] | string;
  engine?: string;
  counts?: string;
}

export const ENGINES = ['streaming', 'duckdb'] as const;

export async function runExperimentResults(ctx: CommandContext, id: string, opts: ResultsOptions): Promise<void> {
  const alpha = parseAlpha(opts.alpha ?? '0.05');
  const correction = (opts.correction ?? 'holm') as Correction;
  if (!(CORRECTIONS as readonly string[]).includes(correction)) throw new UsageError(`--correction must be one of ${CORRECTIONS.join(', ')}, got "${opts.correction}"`);
  const engine = opts.engine ?? 'streaming';
  if (!(ENGINES as readonly string[]).includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got "${opts.engine}"`);
  const logs = opts.log === undefined ? [] : Array.isArray(opts.log) ? opts.log : [opts.log];
  if (opts.counts !== undefined && (logs.length > 0 || opts.engine !== undefined)) {
    throw new UsageError('--counts reads a query result instead of the event logs: leave out --log and --engine');
  }
  const { flags, experiments } = await loadExperiments(ctx);
  const experiment = findExperiment(ctx, experiments, id);
  const plan = statsQueryPlan(experiment);

  let stats: SufficientStats;
  let notes: Partial<TallySummary> = {};
  let source: string | undefined;
  let log = '';
  let logExists = true;
  let events = 0;
  if (opts.counts !== undefined) {
    const label = opts.counts === '-' ? 'stdin' : ctx.relative(path.resolve(ctx.io.cwd, opts.counts));
    let text: string;
    try {
      text = opts.counts === '-' ? await readStdin(ctx.io.stdin) : readFileSync(path.resolve(ctx.io.cwd, opts.counts), 'utf8');
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new FlagsError('COUNTS_READ', missing ? `--counts ${label}: no such file` : `cannot read --counts ${label}: ${(e as Error).message}`);
    }
    try {
      stats = parseCounts(text, plan);
    } catch (e) {
      if (!(e instanceof CountsError)) throw e;
      throw new FlagsError('COUNTS_INVALID', `${label}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}`);
    }
    source = `counts from ${label} (the result of \`flags experiment sql\`)`;
  } else {
    // One pattern from --log, FLAGS_EVENT_LOG or the default path keeps SPEC 4.2's "the log does not exist yet".
    const patterns = logs.length > 0 ? logs : [eventLogPath(ctx, undefined)];
    const expanded = expandLogSources(patterns, ctx.io.cwd);
    for (const m of expanded.missing) if (patterns.length > 1 || engine === 'duckdb') ctx.err(ctx.chalk.yellow(`warning: --log ${m}: no such file, skipped`));
    for (const g of expanded.emptyGlobs) ctx.err(ctx.chalk.yellow(`warning: --log ${g} matches no file`));
    const files = expanded.files;
    const single = patterns.length === 1 && files.length <= 1 && expanded.emptyGlobs.length === 0;
    log = single ? path.resolve(ctx.io.cwd, patterns[0]) : '';
    logExists = files.length > 0;
    const where = single ? '' : files.length === 1 ? ctx.relative(files[0]) : `${files.length} files`;

    if (engine === 'duckdb') {
      if (files.length === 0) throw new FlagsError('EVENT_LOG_MISSING', `--engine duckdb: no event log to read (${patterns.join(', ')})`);
      const { runDuckDbOverFiles } = await import('../../store/duckdb-engine.js');
      const rows = await runDuckDbOverFiles(files, buildStatsQuery(plan, 'duckdb'));
      stats = statsFromRows(rows, plan);
      source = `counted by DuckDB from ${files.length === 1 ? ctx.relative(files[0]) : `${files.length} files`}${outside(stats.excluded.outsideWindow)}`;
    } else {
      const tally = createTally({ experimentId: experiment.id, primaryMetric: experiment.primaryMetric, arms: plan.arms });
      const counter = { outsideWindow: 0 };
      let prefix = '';
      const progress = createProgress(ctx.io.stderr, `reading ${where || ctx.relative(log)}`);
      let reports;
      try {
        reports = await readEventSources(files, (line, n) => tallyLineInWindow(tally, plan.window, counter, line, n, prefix), {
          onFile: (file) => {
            prefix = single ? '' : ctx.relative(file);
          },
          onProgress: (bytes, total) => progress.update(bytes, total, tally.lineNumber),
        });
      } finally {
        progress.done();
      }
      for (const r of reports) {
        const name = ctx.relative(r.file);
        if (r.tornLastLine) {
          const torn = `torn last line (${r.tornLastLine.bytes} bytes without a newline: a crash or a write in progress)`;
          if (single) tallyMalformed(tally, torn, r.tornLastLine.line);
          else tallyMalformed(tally, `${name}:${r.tornLastLine.line}: ${torn}`);
        }
        if (r.problem) ctx.err(ctx.chalk.yellow(`warning: ${name}: ${r.problem}; ${r.lines.toLocaleString('en-US')} lines of it were analysed, the other files in full`));
      }
      const summary = summarizeTally(tally);
      stats = tallyToSufficientStats(summary, experiment.primaryMetric, counter.outsideWindow);
      notes = {
        malformedExamples: summary.malformedExamples,
        unknownVariantExposures: summary.unknownVariantExposures,
        otherExperimentEvents: summary.otherExperimentEvents,
        events: summary.events,
      };
      events = summary.events;
      if (!single || counter.outsideWindow > 0) {
        source = `${events.toLocaleString('en-US')} events from ${where || ctx.relative(log)}${logExists ? '' : ' (the log does not exist yet)'}${outside(counter.outsideWindow)}`;
      }
    }
  }

  const summary = sufficientStatsToTally(stats, experiment.primaryMetric, notes);
  // The flag's variant order decides the real split (see bucketShares); without a valid flag, the configured weights.
  const variants = flags.flags.get(experiment.flagKey)?.variants;
  const analysis = analyzeExperiment(experiment, summary, { alpha, correction, ...(variants?.length ? { variants } : {}) });

  if (ctx.json) return ctx.printJson(analysis.results);
  ctx.out(renderResultsReport(ctx, { experiment, analysis, verdict: describeVerdict(analysis), log, logExists, events, ...(source ? { source } : {}) }));
}

function outside(n: number): string {
  return n > 0 ? `; ${n.toLocaleString('en-US')} event${n === 1 ? '' : 's'} outside the analysis window excluded` : '';
}

function parseAlpha(raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) throw new UsageError(`--alpha must be a number between 0 and 1 (e.g. 0.05), got "${raw}"`);
  return n;
}
