/**
 * The risk of a flag that is new in the change (issue 12): code may already
 * ask for the key (and get its own default today), so a new flag that is on
 * and serves something else changes behaviour the moment it merges. Pure.
 */
import type { Flag } from '../schema/flag.js';
import { servesOnlyDefault } from '../schema/no-effect.js';
import type { Risk } from './risk.js';

export interface AddedRisk {
  risk: Risk;
  reasons: string[];
}

export function assessAddedFlag(flag: Flag): AddedRisk {
  const liveEnvs = Object.entries(flag.environments ?? {})
    .filter(([, o]) => o.enabled && (flag.enabled || o.value !== undefined))
    .map(([name]) => name);
  if (flag.killSwitch) return { risk: 'low', reasons: ['new flag, kill switch on: serves its default'] };
  if (flag.enabled && !servesOnlyDefault(flag)) {
    return { risk: 'high', reasons: ['new flag enabled and serving values other than its default: callers that already ask for it change at once'] };
  }
  const envValues = liveEnvs.filter((e) => flag.environments![e].value !== undefined && !servesOnlyDefault(flag, e));
  if (envValues.length > 0) return { risk: 'medium', reasons: [`new flag serving a value in ${envValues.join(', ')}`] };
  if (flag.enabled) return { risk: 'low', reasons: ['new flag enabled, but every path serves its default'] };
  return { risk: 'low', reasons: ['new flag, disabled'] };
}
