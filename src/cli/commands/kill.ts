/**
 * `flags kill KEY` (SPEC 3): `killSwitch: true` and `enabled: false`. Written
 * even when the flag has other errors: a kill switch must work during an incident.
 */
import { kill, type KillResult } from '../../store/flag-edits.js';
import type { CommandContext } from '../context.js';
import { warnRunningExperiment } from '../running-experiment.js';
import { editOptions, renderEdit } from '../render/edit.js';

export async function runKill(ctx: CommandContext, key: string, _opts: object): Promise<void> {
  const result = await kill(ctx.flagsDir, key, editOptions(ctx));
  renderEdit(ctx, result, killMessage(result));
  await warnRunningExperiment(ctx, key, result.changed, 'the kill switch');
}

export function killMessage(r: KillResult): string {
  return r.changed
    ? `Kill switch activated for ${r.key}`
    : `Kill switch already active for ${r.key} (nothing changed)`;
}
