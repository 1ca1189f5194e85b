import type { Flag } from '../../src/schema/flag.js';
import { makeFlag } from '../helpers/flags.js';

export { makeFlag };

/** The four predefined flags of the seed, as flags/default-flags.yaml defines them. */
export const PREDEFINED: Flag[] = [
  makeFlag({
    key: 'self-evolution-enabled',
    type: 'boolean',
    defaultValue: false,
    rules: [{ id: 'enterprise-only', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], value: true }],
  }),
  makeFlag({
    key: 'parallel-agents-limit',
    type: 'number',
    defaultValue: 4,
    rules: [
      { id: 'enterprise-higher-limit', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], value: 15 },
      { id: 'professional-medium-limit', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'professional' }], value: 10 },
    ],
  }),
  makeFlag({
    key: 'new-orchestrator-v2',
    type: 'boolean',
    defaultValue: false,
    rules: [{ id: 'beta-testers', conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['tenant-beta-1', 'tenant-beta-2'] }], value: true }],
    fallthrough: { percentage: 10, value: true },
  }),
  makeFlag({
    key: 'model-provider',
    type: 'string',
    defaultValue: 'anthropic',
    rules: [
      { id: 'openai-override', conditions: [{ attribute: 'tenant.settings.preferredProvider', operator: 'equals', value: 'openai' }], value: 'openai' },
    ],
  }),
];

export function predefined(key: string): Flag {
  const f = PREDEFINED.find((x) => x.key === key);
  if (!f) throw new Error(`no predefined flag ${key}`);
  return f;
}
