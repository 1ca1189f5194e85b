/**
 * What the `flags experiment …` commands share: finding one experiment among
 * the definitions, where the event log is, the clock. Kept apart from the
 * command modules so `expose` and `convert` (run per event, often by scripts)
 * load neither the editing code nor the statistics.
 */
import path from 'node:path';
import { FlagsError } from '../../errors.js';
import type { Experiment } from '../../schema/experiment.js';
import { didYouMean } from '../../schema/suggest.js';
import { experimentsDir, readExperimentSet, type ExperimentSet } from '../../store/experiment-repo.js';
import type { FlagSet } from '../../store/flag-repo.js';
import type { CommandContext } from '../context.js';

export interface LoadedExperiments {
  flags: FlagSet;
  experiments: ExperimentSet;
}

/** The flag set and every experiment definition, validated, with one warning line for broken experiment files. */
export async function loadExperiments(ctx: CommandContext): Promise<LoadedExperiments> {
  const flags = await ctx.loadFlags();
  const experiments = await readExperimentSet(ctx.flagsDir, flags);
  const broken = new Set(experiments.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  if (broken.size > 0) {
    ctx.err(ctx.chalk.yellow(`warning: ${broken.size} experiment file${broken.size === 1 ? ' has' : 's have'} errors; run \`flags validate\``));
  }
  return { flags, experiments };
}

/** One valid experiment by id, or an error that says why there is none. */
export function findExperiment(ctx: CommandContext, set: ExperimentSet, id: string): Experiment {
  const experiment = set.experiments.get(id);
  if (experiment) return experiment;
  const files = set.files.filter((f) => f.id === id || path.basename(f.file).replace(/\.ya?ml$/i, '') === id);
  if (files.length > 1) {
    throw new FlagsError('DUPLICATE_EXPERIMENT_ID', `experiment "${id}" is defined in ${files.length} files (${files.map((f) => ctx.relative(f.file)).join(', ')}); remove the duplicate`);
  }
  if (files.length === 1) {
    throw new FlagsError('EXPERIMENT_INVALID', `experiment "${id}" (${ctx.relative(files[0].file)}) has errors; run \`flags validate\``);
  }
  const ids = set.files.flatMap((f) => (f.id === undefined ? [] : [f.id]));
  throw new FlagsError('EXPERIMENT_NOT_FOUND', `no experiment "${id}" in ${ctx.relative(experimentsDir(ctx.flagsDir))}${didYouMean(id, ids)}`);
}

/** The event log: `--log PATH` (relative to the current directory), else FLAGS_EVENT_LOG, flags.config.yaml's eventLog, the flags directory's (SPEC 4.2, 5). */
export function eventLogPath(ctx: CommandContext, option: string | undefined): string {
  return option === undefined ? ctx.settings.eventLog.value : path.resolve(ctx.io.cwd, option);
}

/** Options for appending to that log: the default one must stay inside the flags directory (an explicit path is the user's choice). */
export function eventLogWriteOptions(ctx: CommandContext, option: string | undefined): { root?: string } {
  return option === undefined && !ctx.io.env.FLAGS_EVENT_LOG ? { root: ctx.flagsDir } : {};
}

/** Event timestamps: the command layer reads the clock; milliseconds keep a user's exposure and conversion in order. */
export function nowIso(ctx: CommandContext): string {
  return ctx.now().toISOString();
}
