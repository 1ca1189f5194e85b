/**
 * The plans of the flag edits (toggle, kill, revive, set a field, roll out):
 * pure functions from the flag's data as the file holds it to an EditPlan,
 * the plain data edit-cycle.ts applies. Refusals that depend on the flag
 * (no such rule, no fallthrough) are thrown here, before anything is written.
 */
import { isDeepStrictEqual } from 'node:util';
import { FlagsError } from '../errors.js';
import { isPlainObject, ownAt } from '../objects.js';
import type { EditPlan, EffectiveState, FlagEditResult, FlagFieldSet, KillResult, RawFlag, ReviveResult, RolloutResult, SetFieldResult, ToggleResult } from './edit-results.js';
import { resolveFieldPath, ruleIds } from './field-path.js';
import { parseFieldValue } from './flag-values.js';

export function planToggle(raw: RawFlag, enabled: boolean | 'flip', env?: string): EditPlan<Omit<ToggleResult, keyof FlagEditResult>> {
  if (env === undefined) {
    const target = enabled === 'flip' ? raw.enabled !== true : enabled;
    return {
      sets: raw.enabled === target ? [] : [{ path: ['enabled'], value: target }],
      safety: target === false,
      describe: (after) => ({ action: 'toggle', enabled: after.enabled === true, effective: effectiveState(after) }),
    };
  }
  const current = ownAt(raw, ['environments', env, 'enabled']);
  const target = enabled === 'flip' ? !effectiveState(raw, env).on : enabled;
  return {
    sets: current === target ? [] : [{ path: ['environments', env, 'enabled'], value: target, before: ['createdAt', 'updatedAt'] }],
    safety: target === false,
    describe: (after) => ({
      action: 'toggle',
      env,
      enabled: ownAt(after, ['environments', env, 'enabled']) === true,
      effective: effectiveState(after, env),
    }),
  };
}

export function planKill(raw: RawFlag): EditPlan<Omit<KillResult, keyof FlagEditResult>> {
  const sets: FlagFieldSet[] = [];
  if (raw.enabled !== false) sets.push({ path: ['enabled'], value: false });
  // Beside `enabled`, so the reviewer sees the two lines of a kill together.
  if (raw.killSwitch !== true) sets.push({ path: ['killSwitch'], value: true, after: ['enabled'] });
  return { sets, safety: true, describe: () => ({ action: 'kill', killSwitch: true, enabled: false }) };
}

export function planRevive(raw: RawFlag): EditPlan<Omit<ReviveResult, keyof FlagEditResult>> {
  // Only an existing `killSwitch` is rewritten: a flag without one is not killed, and adding `false` would be noise.
  const sets: FlagFieldSet[] = Object.hasOwn(raw, 'killSwitch') && raw.killSwitch !== false ? [{ path: ['killSwitch'], value: false }] : [];
  return {
    sets,
    safety: false,
    describe: (after) => ({ action: 'revive', killSwitch: false, enabled: after.enabled === true, effective: effectiveState(after) }),
  };
}

export function planSetField(raw: RawFlag, fieldPath: string, rawValue: string): EditPlan<Omit<SetFieldResult, keyof FlagEditResult>> {
  const field = resolveFieldPath(raw, fieldPath);
  const value = parseFieldValue(field, rawValue, raw.type);
  const before = ownAt(raw, field.path);
  const safety =
    (field.display === 'enabled' && value === false) ||
    (field.display === 'killSwitch' && value === true) ||
    (field.path[0] === 'environments' && field.path[2] === 'enabled' && value === false);
  const describe = (after: RawFlag) => ({ action: 'set' as const, path: field.display, before, after: ownAt(after, field.path) });
  // SPEC 6: `environments.staging.value true` on a flag without a staging entry
  // writes the whole entry, `staging: {enabled: true, value: true}`: an entry
  // needs `enabled`, and a value is only served by an enabled one.
  if (field.path[0] === 'environments' && field.path[2] !== 'enabled' && !isPlainObject(ownAt(raw, ['environments', field.path[1]]))) {
    return { sets: [{ path: ['environments', field.path[1]], value: { enabled: true, [field.path[2]]: value }, before: field.before }], safety, describe };
  }
  return {
    sets: isDeepStrictEqual(before, value) ? [] : [{ path: field.path, value, before: field.before }],
    safety,
    describe,
  };
}

export function planRollout(raw: RawFlag, percent: number, rule?: string): EditPlan<Omit<RolloutResult, keyof FlagEditResult>> {
  let fieldPath: string;
  if (rule === undefined && !isPlainObject(raw.fallthrough) && raw.type === 'boolean' && typeof raw.defaultValue === 'boolean') {
    // A boolean flag has one value to roll out: the one that is not its default.
    const value = !raw.defaultValue;
    return {
      sets: [
        { path: ['fallthrough', 'value'], value, before: ['tags', 'owner'] },
        { path: ['fallthrough', 'percentage'], value: percent, before: ['value'] },
      ],
      safety: false,
      describe: (after) => ({ action: 'rollout', target: { fallthrough: true }, before: 0, percentage: ownAt(after, ['fallthrough', 'percentage']) as number }),
    };
  }
  if (rule === undefined) {
    if (!isPlainObject(raw.fallthrough)) {
      const rules = ruleIds(raw);
      throw new FlagsError(
        'NO_FALLTHROUGH',
        `flag "${String(raw.key)}" has no fallthrough to roll out; add one with \`flags set ${String(raw.key)} fallthrough.value VALUE\`` +
          (rules.length ? `, or roll out a rule with --rule (rules: ${rules.join(', ')})` : ''),
      );
    }
    fieldPath = 'fallthrough.percentage';
  } else {
    fieldPath = `rules.${rule}.percentage`;
  }
  const field = resolveFieldPath(raw, fieldPath);
  const before = ownAt(raw, field.path);
  return {
    sets: before === percent ? [] : [{ path: field.path, value: percent, before: field.before }],
    safety: false,
    describe: (after) => ({
      action: 'rollout',
      target: rule === undefined ? { fallthrough: true } : { rule },
      before: typeof before === 'number' ? before : undefined,
      percentage: ownAt(after, field.path) as number,
    }),
  };
}

/** The evaluator's order (SPEC 2 steps 2–4): kill switch, then the environment override, then `enabled`. */
export function effectiveState(raw: RawFlag, env?: string): EffectiveState {
  if (raw.killSwitch === true) return { on: false, reason: 'KILL_SWITCH' };
  if (env !== undefined) {
    const o = ownAt(raw, ['environments', env]);
    if (isPlainObject(o)) {
      if (o.enabled === false) return { on: false, reason: 'ENVIRONMENT_DISABLED' };
      if (o.value !== undefined) return { on: true, reason: 'ENVIRONMENT_OVERRIDE' };
    }
  }
  return raw.enabled === true ? { on: true, reason: 'ENABLED' } : { on: false, reason: 'DISABLED' };
}
