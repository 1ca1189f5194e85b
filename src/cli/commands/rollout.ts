/**
 * `flags rollout KEY PERCENT [--rule ID]` (SPEC 3): the rollout percentage of
 * the fallthrough, or of one rule. `25` and `25%` are the same.
 */
import { setRollout, type RolloutResult } from '../../store/flag-edits.js';
import { parsePercentage } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';
import { warnRunningExperiment } from '../running-experiment.js';
import { editOptions, renderEdit } from '../render/edit.js';

export async function runRollout(ctx: CommandContext, key: string, percent: string, opts: { rule?: string; env?: string }): Promise<void> {
  if (opts.env !== undefined) {
    // SPEC 6: per-environment rollout.
    const { setEnvRollout } = await import('../../store/rule-edits.js');
    const r = await setEnvRollout(ctx.flagsDir, key, parsePercentage(percent), { ...editOptions(ctx), env: opts.env, rule: opts.rule });
    const what = 'rule' in r.target ? `rule ${r.target.rule} of ${r.key} in ${r.env}` : `${r.key} in ${r.env} (fallthrough)`;
    const head = r.changed ? `Rollout of ${what}: ${r.before === undefined ? 'not set' : `${r.before}%`} → ${r.percentage}%` : `Rollout of ${what} is already ${r.percentage}% (nothing changed)`;
    renderEdit(ctx, r, head);
    return;
  }
  const result = await setRollout(ctx.flagsDir, key, parsePercentage(percent), { ...editOptions(ctx), rule: opts.rule });
  renderEdit(ctx, result, rolloutMessage(result));
  await warnRunningExperiment(ctx, key, result.changed, 'a rollout change');
}

export function rolloutMessage(r: RolloutResult): string {
  const what = 'rule' in r.target ? `rule ${r.target.rule} of ${r.key}` : `${r.key} (fallthrough)`;
  const head = r.changed
    ? `Rollout of ${what}: ${r.before === undefined ? 'everyone' : `${r.before}%`} → ${r.percentage}%`
    : `Rollout of ${what} is already ${r.percentage}% (nothing changed)`;
  // A rollout of a flag that is off changes nothing yet; say so instead of implying it is live.
  if (r.flag?.killSwitch) return `${head} (the kill switch is on: it takes effect after \`flags revive ${r.key}\`)`;
  if (r.flag && !r.flag.enabled) return `${head} (the flag is disabled: it takes effect after \`flags toggle ${r.key} --on\`)`;
  return head;
}
