/**
 * `flags experiment results ID [--alpha 0.05] [--correction holm|bh|none]
 * [--since T] [--until T] [--sequential] [--format text|json|markdown|html]
 * [--log PATH]` (SPEC 4.3 and 8): one streaming pass over the event log into
 * SufficientStats (a second one only when revenue sums need it), the
 * analysis, then the report.
 */
import { UsageError } from '../../errors.js';
import { analyzeExperiment, describeVerdict } from '../../experiments/results.js';
import { CORRECTIONS, type Correction } from '../../experiments/stats.js';
import { beginSecondPass, createTally, needsSecondPass, readerNotes, tallyLine, tallyMalformed, tallyStats } from '../../experiments/tally.js';
import { analysisWindow } from '../../experiments/window.js';
import { experimentMetrics } from '../../schema/experiment.js';
import { readEventLines } from '../../store/event-log.js';
import type { CommandContext } from '../context.js';
import { renderResultsReport, type ResultsReportInput } from '../render/experiment-results.js';
import { createProgress } from '../render/progress.js';
import { eventLogPath, findExperiment, loadExperiments } from './experiment-common.js';

export interface ResultsOptions {
  alpha?: string;
  correction?: string;
  log?: string;
  since?: string;
  until?: string;
  sequential?: boolean;
  format?: string;
}

const FORMATS = ['text', 'json', 'markdown', 'html'] as const;

export async function runExperimentResults(ctx: CommandContext, id: string, opts: ResultsOptions): Promise<void> {
  const alpha = parseAlpha(opts.alpha ?? '0.05');
  const correction = (opts.correction ?? 'holm') as Correction;
  if (!(CORRECTIONS as readonly string[]).includes(correction)) throw new UsageError(`--correction must be one of ${CORRECTIONS.join(', ')}, got "${opts.correction}"`);
  const format = opts.format ?? (ctx.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${opts.format}"`);
  const { flags, experiments } = await loadExperiments(ctx);
  const experiment = findExperiment(ctx, experiments, id);
  const window = analysisWindow(experiment, { since: opts.since, until: opts.until });
  if (!window.ok) throw new UsageError(window.message);
  const log = eventLogPath(ctx, opts.log);

  const tally = createTally({
    experimentId: experiment.id,
    primaryMetric: experiment.primaryMetric,
    arms: [experiment.control.key, ...experiment.treatment.map((t) => t.key)],
    metrics: experimentMetrics(experiment),
    window: window.window,
  });
  const progress = createProgress(ctx.io.stderr, `reading ${ctx.relative(log)}`);
  let read;
  try {
    read = readEventLines(log, (line) => tallyLine(tally, line), { onProgress: (bytes, total) => progress.update(bytes, total, tally.lineNumber) });
    if (needsSecondPass(tally)) {
      // Rare: see tally.ts. The same file again, for the few users whose revenue sums are not final.
      beginSecondPass(tally);
      readEventLines(log, (line) => tallyLine(tally, line));
    }
  } finally {
    progress.done();
  }
  if (read.tornLastLine) {
    tallyMalformed(tally, `torn last line (${read.tornLastLine.bytes} bytes without a newline: a crash or a write in progress)`, read.tornLastLine.line);
  }
  const stats = tallyStats(tally);
  // The flag's variant order decides the real split (see bucketShares); without a valid flag, the configured weights.
  const variants = flags.flags.get(experiment.flagKey)?.variants;
  const analysis = analyzeExperiment(experiment, stats, {
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
    log: ctx.relative(log),
    logExists: read.exists,
    reader: readerNotes(tally),
    timeline: stats.timeline ?? [],
  };
  if (format === 'markdown') return ctx.out((await import('../render/results-markdown.js')).renderResultsMarkdown(input));
  if (format === 'html') return ctx.out((await import('../render/results-html.js')).renderResultsHtml(input));
  ctx.out(renderResultsReport(ctx, input));
}

function parseAlpha(raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) throw new UsageError(`--alpha must be a number between 0 and 1 (e.g. 0.05), got "${raw}"`);
  return n;
}
