/**
 * `flags revive KEY` (SPEC 3): `killSwitch: false`. `enabled` stays as it is,
 * so a killed flag stays off until someone turns it on on purpose.
 */
import { revive, type ReviveResult } from '../../store/flag-edits.js';
import type { CommandContext } from '../context.js';
import { editOptions, renderEdit } from '../render/edit.js';

export async function runRevive(ctx: CommandContext, key: string, _opts: object): Promise<void> {
  const result = await revive(ctx.flagsDir, key, editOptions(ctx));
  renderEdit(ctx, result, reviveMessage(result), { explained: ['ENABLED_WITH_KILL_SWITCH'] });
}

export function reviveMessage(r: ReviveResult): string {
  const head = r.changed ? `Kill switch deactivated for ${r.key}` : `Kill switch of ${r.key} is not active (nothing changed)`;
  return r.enabled
    ? `${head}; the flag is enabled and serving again`
    : `${head}; the flag stays disabled until you run \`flags toggle ${r.key} --on\``;
}
