/**
 * `flags experiment results ID [--alpha 0.05] [--correction holm|bh|none] [--json] [--log PATH]`
 * (SPEC 4.3): one streaming pass over the event log into the tally, the
 * analysis, then the report (or exactly SPEC 4.3's object with --json).
 */
import { UsageError } from '../../errors.js';
import { analyzeExperiment, describeVerdict } from '../../experiments/results.js';
import { CORRECTIONS, type Correction } from '../../experiments/stats.js';
import { createTally, summarizeTally, tallyLine, tallyMalformed } from '../../experiments/tally.js';
import { MAX_EVENT_LINE_BYTES, readEventLines } from '../../store/event-log.js';
import type { CommandContext } from '../context.js';
import { renderResultsReport } from '../render/experiment.js';
import { createProgress } from '../render/progress.js';
import { eventLogPath, findExperiment, loadExperiments } from './experiment-common.js';

export interface ResultsOptions {
  alpha?: string;
  correction?: string;
  log?: string;
}

export async function runExperimentResults(ctx: CommandContext, id: string, opts: ResultsOptions): Promise<void> {
  const alpha = parseAlpha(opts.alpha ?? '0.05');
  const correction = (opts.correction ?? 'holm') as Correction;
  if (!(CORRECTIONS as readonly string[]).includes(correction)) throw new UsageError(`--correction must be one of ${CORRECTIONS.join(', ')}, got "${opts.correction}"`);
  const { flags, experiments } = await loadExperiments(ctx);
  const experiment = findExperiment(ctx, experiments, id);
  const log = eventLogPath(ctx, opts.log);

  const tally = createTally({
    experimentId: experiment.id,
    primaryMetric: experiment.primaryMetric,
    arms: [experiment.control.key, ...experiment.treatment.map((t) => t.key)],
  });
  const progress = createProgress(ctx.io.stderr, `reading ${ctx.relative(log)}`);
  let read;
  try {
    read = readEventLines(log, (line) => tallyLine(tally, line), {
      onProgress: (bytes, total) => progress.update(bytes, total, tally.lineNumber),
      // Not held in memory: counted as malformed like any other unusable line.
      onOverlongLine: (line, bytes) => {
        tally.lineNumber = line;
        tallyMalformed(tally, `line of ${bytes.toLocaleString('en-US')} bytes, over the ${MAX_EVENT_LINE_BYTES / 1048576} MiB limit (not read)`, line);
      },
    });
  } finally {
    progress.done();
  }
  if (read.tornLastLine) {
    tallyMalformed(tally, `torn last line (${read.tornLastLine.bytes} bytes without a newline: a crash or a write in progress)`, read.tornLastLine.line);
  }
  const summary = summarizeTally(tally);
  // The flag's variant order decides the real split (see bucketShares); without a valid flag, the configured weights.
  const variants = flags.flags.get(experiment.flagKey)?.variants;
  const analysis = analyzeExperiment(experiment, summary, { alpha, correction, ...(variants?.length ? { variants } : {}) });

  if (ctx.json) return ctx.printJson(analysis.results);
  ctx.out(renderResultsReport(ctx, { experiment, analysis, verdict: describeVerdict(analysis), log, logExists: read.exists, events: summary.events }));
}

function parseAlpha(raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) throw new UsageError(`--alpha must be a number between 0 and 1 (e.g. 0.05), got "${raw}"`);
  return n;
}
