/**
 * `flags experiment results ID [--alpha 0.05] [--correction holm|bh|none]
 * [--since T] [--until T] [--sequential] [--format text|json|markdown|html]
 * [--log PATH|GLOB]… [--engine streaming|duckdb] [--counts FILE|-]`
 * (SPEC 4.3 and 8): count the experiment's events into SufficientStats — one
 * streaming pass over one or many logs (a second one only when revenue sums
 * need it), the embedded DuckDB over the same files, or a warehouse's result
 * of `flags experiment sql` — then analyse and report. Every path yields the
 * same SufficientStats, so every path gives the same report.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError, UsageError } from '../../errors.js';
import { CountsError, parseCounts, statsFromRows } from '../../experiments/counts.js';
import { analyzeExperiment, describeVerdict } from '../../experiments/results.js';
import { CORRECTIONS, type Correction } from '../../experiments/stats.js';
import type { SufficientStats } from '../../experiments/sufficient-stats.js';
import { beginSecondPass, createTally, needsSecondPass, readerNotes, tallyLine, tallyLineBytes, tallyMalformed, tallyStats, type ReaderNotes } from '../../experiments/tally.js';
import { buildStatsQuery, type StatsQueryPlan } from '../../experiments/warehouse-sql.js';
import { analysisWindow } from '../../experiments/window.js';
import { statsQueryPlan } from '../../experiments/query-plan.js';
import type { Experiment } from '../../schema/experiment.js';
import { decodeUtf8Text, utf8ErrorLine } from '../../schema/utf8.js';
import { MAX_EVENT_LINE_BYTES } from '../../store/event-log.js';
import { expandLogSources, readEventSources } from '../../store/event-sources.js';
import { parseNumberOption } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';
import { readStdinBytes } from '../context-args.js';
import { renderResultsReport, type ResultsReportInput } from '../render/experiment-results.js';
import { createProgress } from '../render/progress.js';
import { eventLogPath, findExperiment, loadExperiments } from './experiment-common.js';

export interface ResultsOptions {
  alpha?: string;
  correction?: string;
  /** Paths or globs (repeatable); one string from older callers. */
  log?: string[] | string;
  since?: string;
  until?: string;
  sequential?: boolean;
  format?: string;
  engine?: string;
  counts?: string;
}

const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export const ENGINES = ['streaming', 'duckdb'] as const;

/** What was counted, for the report: the stats and where they came from. */
interface Counted {
  stats: SufficientStats;
  reader: ReaderNotes;
  /** The log as the user would write it (single-log runs), for the report's source line. */
  log: string;
  logExists: boolean;
  /** Replaces "N events from LOG" when the counts came from elsewhere or from several files. */
  source?: string;
}

export async function runExperimentResults(ctx: CommandContext, id: string, opts: ResultsOptions): Promise<void> {
  const alpha = parseAlpha(opts.alpha ?? '0.05');
  const correction = (opts.correction ?? 'holm') as Correction;
  if (!(CORRECTIONS as readonly string[]).includes(correction)) throw new UsageError(`--correction must be one of ${CORRECTIONS.join(', ')}, got "${opts.correction}"`);
  const format = opts.format ?? (ctx.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${opts.format}"`);
  const engine = opts.engine ?? 'streaming';
  if (!(ENGINES as readonly string[]).includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got "${opts.engine}"`);
  const logs = opts.log === undefined ? [] : Array.isArray(opts.log) ? opts.log : [opts.log];
  if (opts.counts !== undefined && (logs.length > 0 || opts.engine !== undefined)) {
    throw new UsageError('--counts reads a query result instead of the event logs: leave out --log and --engine');
  }
  const { flags, experiments } = await loadExperiments(ctx);
  const experiment = findExperiment(ctx, experiments, id);
  const window = analysisWindow(experiment, { since: opts.since, until: opts.until });
  if (!window.ok) throw new UsageError(window.message);
  const plan = statsQueryPlan(experiment, window.window);

  const counted =
    opts.counts !== undefined ? await readCounts(ctx, opts.counts, plan) : engine === 'duckdb' ? await countWithDuckDb(ctx, logs, plan) : await countStreaming(ctx, logs, experiment, plan, window.window);

  // The flag's variant order decides the real split (see bucketShares); without a valid flag, the configured weights.
  const variants = flags.flags.get(experiment.flagKey)?.variants;
  const analysis = analyzeExperiment(experiment, counted.stats, {
    alpha,
    correction,
    ...(opts.sequential ? { mode: 'sequential' as const } : {}),
    window: { since: window.since, until: window.until },
    ...(variants?.length ? { variants } : {}),
  });

  if (format === 'json') return ctx.printJson(analysis.results);
  const input: ResultsReportInput = {
    experiment,
    analysis,
    verdict: describeVerdict(analysis),
    log: counted.log,
    logExists: counted.logExists,
    reader: counted.reader,
    timeline: counted.stats.timeline ?? [],
    ...(counted.source ? { source: counted.source } : {}),
  };
  if (format === 'markdown') return ctx.out((await import('../render/results-markdown.js')).renderResultsMarkdown(input));
  if (format === 'html') return ctx.out((await import('../render/results-html.js')).renderResultsHtml(input));
  ctx.out(renderResultsReport(ctx, input));
}

const NO_READER: ReaderNotes = { malformedExamples: [], unknownVariantExposures: 0, otherExperimentEvents: 0, events: 0 };

async function readCounts(ctx: CommandContext, counts: string, plan: StatsQueryPlan): Promise<Counted> {
  const label = counts === '-' ? 'stdin' : ctx.relative(path.resolve(ctx.io.cwd, counts));
  let bytes: Buffer;
  try {
    bytes = counts === '-' ? await readStdinBytes(ctx.io.stdin) : readFileSync(path.resolve(ctx.io.cwd, counts));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new FlagsError('COUNTS_READ', missing ? `--counts ${label}: no such file` : `cannot read --counts ${label}: ${(e as Error).message}`);
  }
  // Decoded loosely, a Latin-1 arm name read as "caf\uFFFD": counts of an arm the experiment does not have.
  const decoded = decodeUtf8Text(bytes);
  if (!decoded.ok) throw new FlagsError('COUNTS_INVALID', utf8ErrorLine(label, decoded));
  const text = decoded.text;
  let stats: SufficientStats;
  try {
    stats = parseCounts(text, plan);
  } catch (e) {
    if (!(e instanceof CountsError)) throw e;
    throw new FlagsError('COUNTS_INVALID', `${label}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}`);
  }
  return { stats, reader: NO_READER, log: label, logExists: true, source: `counts from ${label} (the result of \`flags experiment sql\`)` };
}

function logFiles(ctx: CommandContext, logs: string[], engine: string) {
  // One pattern from --log, FLAGS_EVENT_LOG or the default path keeps SPEC 4.2's "the log does not exist yet".
  const patterns = logs.length > 0 ? logs : [eventLogPath(ctx, undefined)];
  const expanded = expandLogSources(patterns, ctx.io.cwd);
  for (const m of expanded.missing) if (patterns.length > 1 || engine === 'duckdb') ctx.err(ctx.chalk.yellow(`warning: --log ${m}: no such file, skipped`));
  for (const g of expanded.emptyGlobs) ctx.err(ctx.chalk.yellow(`warning: --log ${g} matches no file`));
  const files = expanded.files;
  const single = patterns.length === 1 && files.length <= 1 && expanded.emptyGlobs.length === 0;
  const log = single ? path.resolve(ctx.io.cwd, patterns[0]!) : '';
  const where = single ? ctx.relative(log) : files.length === 1 ? ctx.relative(files[0]!) : `${files.length} files`;
  return { patterns, files, single, log, where };
}

async function countWithDuckDb(ctx: CommandContext, logs: string[], plan: StatsQueryPlan): Promise<Counted> {
  const { patterns, files, where } = logFiles(ctx, logs, 'duckdb');
  if (files.length === 0) throw new FlagsError('EVENT_LOG_MISSING', `--engine duckdb: no event log to read (${patterns.join(', ')})`);
  const { runDuckDbOverFiles } = await import('../../store/duckdb-engine.js');
  const stats = statsFromRows(await runDuckDbOverFiles(files, buildStatsQuery(plan, 'duckdb')), plan);
  return { stats, reader: NO_READER, log: where, logExists: true, source: `counted by DuckDB from ${where}` };
}

async function countStreaming(ctx: CommandContext, logs: string[], experiment: Experiment, plan: StatsQueryPlan, window: { since?: number; until?: number }): Promise<Counted> {
  const { files, single, log, where } = logFiles(ctx, logs, 'streaming');
  const tally = createTally({ experimentId: experiment.id, primaryMetric: experiment.primaryMetric, arms: plan.arms, metrics: plan.metrics, window });
  // Several files: a malformed line is reported as file:line (line numbers restart per file).
  let prefix = '';
  const onLine = (line: string, n: number) => (single ? tallyLine(tally, line) : tallyLine(tally, line, `${prefix}:${n}`));
  // The same, from the line's bytes: canonical lines are read in place, never decoded (issue 21.2).
  const onLineBytes = (buf: Buffer, start: number, end: number, n: number) => tallyLineBytes(tally, buf, start, end, single ? undefined : () => `${prefix}:${n}`);
  const onFile = (file: string) => {
    prefix = ctx.relative(file);
  };
  // Not held in memory: counted as malformed like any other unusable line.
  const onOverlongLine = (line: number, bytes: number) => {
    const reason = `line of ${bytes.toLocaleString('en-US')} bytes, over the ${MAX_EVENT_LINE_BYTES / 1048576} MiB limit (not read)`;
    if (single) {
      tally.lineNumber = line;
      tallyMalformed(tally, reason, line);
    } else tallyMalformed(tally, `${prefix}:${line}: ${reason}`);
  };
  const progress = createProgress(ctx.io.stderr, `reading ${where}`);
  let reports;
  try {
    reports = await readEventSources(files, onLine, { onLineBytes, onFile, onOverlongLine, onProgress: (bytes, total) => progress.update(bytes, total, tally.lineNumber) });
    if (needsSecondPass(tally)) {
      // Rare: see tally.ts. The same files again, for the few users whose revenue sums are not final.
      beginSecondPass(tally);
      await readEventSources(files, onLine, { onLineBytes, onFile });
    }
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
  const stats = tallyStats(tally);
  const reader = readerNotes(tally);
  const logExists = files.length > 0;
  const source = single ? undefined : `${reader.events.toLocaleString('en-US')} events from ${where}`;
  return { stats, reader, log: single ? ctx.relative(log) : where, logExists, ...(source ? { source } : {}) };
}

function parseAlpha(raw: string): number {
  const expected = 'a number between 0 and 1 (e.g. 0.05)';
  const n = parseNumberOption(raw, '--alpha', expected);
  if (n <= 0 || n >= 1) throw new UsageError(`--alpha must be ${expected}, got "${raw}"`);
  return n;
}
