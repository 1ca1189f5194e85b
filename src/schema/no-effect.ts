/**
 * "Enabled, but it changes nothing": a flag whose every path (rules,
 * fallthrough, variants, environment overrides) serves its `defaultValue`
 * answers exactly as a disabled one would. The NO_EFFECT check and the
 * messages of `toggle` and `create` share this one definition.
 */
import { sameJsonValue } from '../objects.js';
import type { FlagCheck } from './checks.js';
import type { Flag, JsonValue } from './flag.js';

/**
 * Whether every context gets `defaultValue` while the flag is on (in `env`
 * when given: that environment's override counts, the others do not). A path
 * with a rollout of 0% or a variant of weight 0 serves nobody.
 */
export function servesOnlyDefault(flag: Flag, env?: string): boolean {
  const other = (value: JsonValue | undefined) => value !== undefined && !sameJsonValue(value, flag.defaultValue);
  const envs = Object.entries(flag.environments ?? {}).filter(([name]) => env === undefined || name === env);
  if (envs.some(([, o]) => o.enabled && other(o.value))) return false;
  // An environment's own targeting (SPEC 6) serves its rules' and fallthrough's values there.
  const targets = (o: NonNullable<Flag['environments']>[string]) =>
    (o.rules ?? []).some((r) => r.percentage !== 0 && other(r.value)) || (o.fallthrough !== undefined && o.fallthrough.percentage !== 0 && other(o.fallthrough.value));
  if (envs.some(([, o]) => o.enabled && o.value === undefined && targets(o))) return false;
  if (env !== undefined && envs.some(([, o]) => o.enabled && o.value !== undefined)) return true;
  if (flag.rules.some((r) => r.percentage !== 0 && other(r.value))) return false;
  if (flag.fallthrough && flag.fallthrough.percentage !== 0 && other(flag.fallthrough.value)) return false;
  if (flag.variants?.some((v) => v.weight > 0 && other(v.value))) return false;
  return true;
}

/** The commands that give the flag an effect, for messages: a fallthrough value, or a rollout of one. */
export function noEffectFix(flag: Flag): string {
  const value = flag.type === 'boolean' ? String(flag.defaultValue !== true) : 'VALUE';
  const set = `\`flags set ${flag.key} fallthrough.value ${value}\``;
  return flag.type === 'boolean' ? `${set} or \`flags rollout ${flag.key} 10\`` : set;
}

export const checkNoEffect: FlagCheck = (flag) =>
  flag.enabled && !flag.killSwitch && servesOnlyDefault(flag)
    ? [
        {
          code: 'NO_EFFECT',
          severity: 'warning',
          message: `flag is enabled but every path serves defaultValue (${JSON.stringify(flag.defaultValue)}), so it has no effect; give it a value to serve, e.g. ${noEffectFix(flag)}`,
          path: ['enabled'],
        },
      ]
    : [];
