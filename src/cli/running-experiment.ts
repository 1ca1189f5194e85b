/**
 * Editing the flag of a running experiment changes who gets which arm in the
 * middle of the experiment (issue 12): the edit still happens, and one warning
 * line says whose data it affects.
 */
import { readExperiments } from '../store/experiment-repo.js';
import type { CommandContext } from './context.js';

/** Ids of the running experiments whose flag is `key` (read as written: a broken definition still counts). */
export async function runningExperimentsOf(flagsDir: string, key: string): Promise<string[]> {
  let files;
  try {
    files = await readExperiments(flagsDir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const f of files) {
    const js = f.js as Record<string, unknown> | null | undefined;
    if (js && typeof js === 'object' && js.flagKey === key && js.status === 'running' && typeof js.id === 'string') out.push(js.id);
  }
  return out.sort();
}

/** The warning line, when the edit changed something and the flag serves a running experiment. */
export async function warnRunningExperiment(ctx: CommandContext, key: string, changed: boolean, what: string): Promise<void> {
  if (!changed) return;
  const ids = await runningExperimentsOf(ctx.flagsDir, key);
  if (ids.length === 0) return;
  const list = ids.join(', ');
  ctx.err(
    ctx.chalk.yellow(
      `warning: ${key} is the flag of running experiment${ids.length === 1 ? '' : 's'} ${list}: ${what} changes which users are exposed to which arm, ` +
        `so results mix data from before and after this change (pause or complete the experiment with \`flags experiment pause ${ids[0]}\` to keep its data clean)`,
    ),
  );
}
