/**
 * `flags toggle KEY [--on|--off] [--env E]` (SPEC 3): sets `enabled`, or
 * `environments.E.enabled`; without --on/--off it flips. The message states
 * the real outcome, including when the change has no effect.
 */
import { UsageError } from '../../errors.js';
import { setEnabled, type EffectiveState, type ToggleResult } from '../../store/flag-edits.js';
import type { CommandContext } from '../context.js';
import { editOptions, renderEdit } from '../render/edit.js';

export interface ToggleOptions {
  on?: boolean;
  off?: boolean;
  env?: string;
}

export async function runToggle(ctx: CommandContext, key: string, opts: ToggleOptions): Promise<void> {
  if (opts.on && opts.off) throw new UsageError('use either --on or --off, not both');
  const enabled = opts.on ? true : opts.off ? false : 'flip';
  const result = await setEnabled(ctx.flagsDir, key, enabled, { ...editOptions(ctx), env: opts.env });
  // The message below explains these two findings in words; repeating them as warnings would be noise.
  renderEdit(ctx, result, toggleMessage(result), { explained: ['INEFFECTIVE_OVERRIDE', 'ENABLED_WITH_KILL_SWITCH'] });
}

export function toggleMessage(r: ToggleResult): string {
  const where = r.env === undefined ? '' : ` in ${r.env}`;
  const state = `${r.enabled ? 'enabled' : 'disabled'}${where}`;
  const head = r.changed ? `Flag ${r.key} ${state}` : `Flag ${r.key} already ${state} (nothing changed)`;
  if (!r.enabled) return head;
  // Turned on but still off: say why, in the evaluator's order (SPEC 2).
  return head + offNote(r.key, r.effective, r.env);
}

/** Why a flag that was turned on still serves its default value, or ''. */
export function offNote(key: string, effective: EffectiveState, env?: string): string {
  switch (effective.reason) {
    case 'KILL_SWITCH':
      return `, but its kill switch is on: it keeps serving its default value until \`flags revive ${key}\``;
    case 'DISABLED':
      return env === undefined
        ? ''
        : `, but it stays off there: the flag is disabled globally, and an override without a value does not turn it on ` +
            `(turn the flag on with \`flags toggle ${key} --on\`, or give ${env} a value with \`flags set ${key} environments.${env}.value VALUE\`)`;
    default:
      return '';
  }
}
