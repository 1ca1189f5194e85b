/**
 * The flag-changing operations of the library and the CLI (SPEC 3, "Every
 * command that changes a file"): toggle, kill, revive, set a field, roll out
 * (and create, in create-flag.ts). Each is one call of the shared cycle in
 * edit-cycle.ts (lock, re-read, plan, byte-exact edit, validate, atomic
 * write) with a pure plan from flag-plans.ts. The other pieces live in files
 * of their own and are re-exported here, the one import path of the library
 * (src/index.ts), the CLI and the other edits:
 * - edit-results.ts: options, results and the EditPlan type;
 * - field-path.ts: the field paths of `flags set`;
 * - flag-values.ts: the one reader of values typed on the command line.
 */
import { editFlag } from './edit-cycle.js';
import type { EditOptions, KillResult, ReviveResult, RolloutResult, SetFieldResult, ToggleResult } from './edit-results.js';
import { checkSegment } from './field-path.js';
import { checkNumber } from './flag-values.js';
import { planKill, planRevive, planRollout, planSetField, planToggle } from './flag-plans.js';

export type * from './edit-results.js';
export { createFlag, renderNewFlag } from './create-flag.js';
export { displayOf, editFlag, timestamp } from './edit-cycle.js';
export { resolveFieldPath, SETTABLE_FIELDS, type ResolvedField } from './field-path.js';
export { parseFieldValue, parseFlagValue } from './flag-values.js';
export { effectiveState, planKill, planRevive, planRollout, planSetField, planToggle } from './flag-plans.js';

/**
 * Sets `enabled` (or `environments.<env>.enabled`, creating the entry), or
 * flips it with `'flip'`: globally from `enabled`, in an environment from the
 * effective state there.
 */
export async function setEnabled(dir: string, key: string, enabled: boolean | 'flip', opts: EditOptions & { env?: string } = {}): Promise<ToggleResult> {
  const env = opts.env;
  if (env !== undefined) checkSegment(env, 'environment name');
  return editFlag(dir, key, opts, (raw) => planToggle(raw, enabled, env));
}

/** `killSwitch: true` and `enabled: false`. Written even when the flag has other errors. */
export async function kill(dir: string, key: string, opts: EditOptions = {}): Promise<KillResult> {
  return editFlag(dir, key, opts, planKill);
}

/** `killSwitch: false`; `enabled` stays as it is (off after a kill). */
export async function revive(dir: string, key: string, opts: EditOptions = {}): Promise<ReviveResult> {
  return editFlag(dir, key, opts, planRevive);
}

/**
 * Sets one scalar field, `rawValue` parsed by the field's type: `enabled`,
 * `defaultValue`, `fallthrough.percentage`, `rules.<ruleId>.value`,
 * `variants.<key>.weight`, `environments.<env>.enabled`, … (see SETTABLE_FIELDS).
 */
export async function setField(dir: string, key: string, fieldPath: string, rawValue: string, opts: EditOptions = {}): Promise<SetFieldResult> {
  return editFlag(dir, key, opts, (raw) => planSetField(raw, fieldPath, rawValue));
}

/** Sets the rollout percentage of the fallthrough, or of a rule with `{ rule }`. */
export async function setRollout(dir: string, key: string, percent: number, opts: EditOptions & { rule?: string } = {}): Promise<RolloutResult> {
  const value = checkNumber(percent, 'rollout percentage');
  return editFlag(dir, key, opts, (raw) => planRollout(raw, value, opts.rule));
}
