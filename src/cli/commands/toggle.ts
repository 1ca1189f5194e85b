/**
 * `flags toggle KEY [--on|--off] [--env E]` (SPEC 3): sets `enabled`, or
 * `environments.E.enabled`; without --on/--off it flips. The message states
 * the real outcome, including when the change has no effect.
 */
import { UsageError } from '../../errors.js';
import { setEnabled, type EffectiveState, type ToggleResult } from '../../store/flag-edits.js';
import { noEffectFix, servesOnlyDefault } from '../../schema/no-effect.js';
import type { CommandContext } from '../context.js';
import { warnRunningExperiment } from '../running-experiment.js';
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
  const message = toggleMessage(result);
  // The message explains these findings in words; repeating them as warnings would be noise.
  const explained = ['INEFFECTIVE_OVERRIDE', 'ENABLED_WITH_KILL_SWITCH', ...(message.includes(NO_EFFECT_WORDS) ? ['NO_EFFECT'] : [])];
  renderEdit(ctx, result, message, { explained });
  await warnRunningExperiment(ctx, key, result.changed, opts.env === undefined ? 'turning it on or off' : `turning it on or off in ${opts.env}`);
}

/**
 * What the toggle did and what the flag now serves. It never says "enabled"
 * (or "already enabled") alone for a flag or an environment that still
 * serves its default value to everyone: it says so, and what would change it.
 */
export function toggleMessage(r: ToggleResult): string {
  if (r.env !== undefined) return envToggleMessage(r, r.env);
  const state = r.enabled ? 'enabled' : 'disabled';
  const head = r.changed ? `Flag ${r.key} ${state}` : `Flag ${r.key} already ${state} (nothing changed)`;
  if (!r.enabled) return head;
  // Turned on but still off: say why, in the evaluator's order (SPEC 2).
  const off = offNote(r.key, r.effective);
  if (off) return head + off;
  return head + noEffectNote(r);
}

function envToggleMessage(r: ToggleResult, env: string): string {
  const state = r.enabled ? 'enabled' : 'disabled';
  if (!r.enabled || r.effective.on) {
    const head = r.changed ? `Flag ${r.key} ${state} in ${env}` : `Flag ${r.key} already ${state} in ${env} (nothing changed)`;
    return r.enabled ? head + noEffectNote(r, env) : head;
  }
  // The override says enabled, but the environment serves the default: lead with what it serves.
  const did = r.changed ? `its ${env} override is now enabled` : `nothing changed: its ${env} override already has enabled: true`;
  return `Flag ${r.key} is still off in ${env} (serves its default value ${servedDefault(r)}); ${did}` + offNote(r.key, r.effective, env);
}

function servedDefault(r: ToggleResult): string {
  return r.flag ? JSON.stringify(r.flag.defaultValue) : 'defaultValue';
}

const NO_EFFECT_WORDS = 'it serves its default value';

/** `, but it serves its default value … to everyone …` when no path serves anything else, or ''. */
function noEffectNote(r: ToggleResult, env?: string): string {
  if (!r.flag || !servesOnlyDefault(r.flag, env)) return '';
  const where = env === undefined ? 'everyone' : `everyone in ${env}`;
  return `, but ${NO_EFFECT_WORDS} ${servedDefault(r)} to ${where}: no rule, fallthrough, variant or override serves anything else; give it a value with ${noEffectFix(r.flag)}`;
}

/** Why a flag that was turned on still serves its default value, or ''. */
export function offNote(key: string, effective: EffectiveState, env?: string): string {
  switch (effective.reason) {
    case 'KILL_SWITCH':
      return `, but its kill switch is on: it keeps serving its default value until \`flags revive ${key}\``;
    case 'DISABLED':
      return env === undefined
        ? ''
        : `, but the flag is disabled globally and an override without a value does not turn it on ` +
            `(turn the flag on with \`flags toggle ${key} --on\`, or give ${env} a value with \`flags set ${key} environments.${env}.value VALUE\`)`;
    default:
      return '';
  }
}
