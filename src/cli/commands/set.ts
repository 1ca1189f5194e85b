/**
 * `flags set KEY PATH VALUE` (SPEC 3): one scalar field, VALUE parsed by the
 * field's type and checked against the schema before anything is written.
 */
import { setField, type SetFieldResult } from '../../store/flag-edits.js';
import type { CommandContext } from '../context.js';
import { warnRunningExperiment } from '../running-experiment.js';
import { renderValue } from '../render/flag.js';
import { editOptions, renderEdit } from '../render/edit.js';

export async function runSet(ctx: CommandContext, key: string, fieldPath: string, value: string, _opts: object): Promise<void> {
  const result = await setField(ctx.flagsDir, key, fieldPath, value, editOptions(ctx));
  renderEdit(ctx, result, setMessage(result));
  // Any field that decides what the flag serves (weights, values, rollouts, enabled) moves users between arms.
  if (!/^(name|description|owner)$|\.(name|description)$/.test(fieldPath)) await warnRunningExperiment(ctx, key, result.changed, `changing ${fieldPath}`);
}

export function setMessage(r: SetFieldResult): string {
  if (!r.changed) return `${r.key} ${r.path} is already ${renderValue(r.after)} (nothing changed)`;
  const before = r.before === undefined ? '(not set)' : renderValue(r.before);
  return `Set ${r.key} ${r.path}: ${before} → ${renderValue(r.after)}`;
}
