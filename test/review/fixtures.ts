/** Builders of plain, valid flags for the review tests. */
import type { Flag } from '../../src/schema/flag.js';

export function makeFlag(overrides: Partial<Flag> & { key?: string } = {}): Flag {
  return {
    key: 'new-orchestrator-v2',
    name: 'New Orchestrator V2',
    description: 'Use the new orchestrator implementation',
    type: 'boolean',
    defaultValue: false,
    enabled: true,
    rules: [
      {
        id: 'beta-testers',
        description: 'Beta tenants always get the new orchestrator',
        conditions: [{ attribute: 'tenant.id', operator: 'in', value: ['tenant-beta-1', 'tenant-beta-2'] }],
        value: true,
      },
    ],
    fallthrough: { percentage: 10, value: true },
    tags: ['orchestrator', 'beta'],
    owner: 'core-team',
    killSwitch: false,
    ...overrides,
  };
}

export function setOf(...flags: Flag[]): { flags: Map<string, Flag>; invalidKeys: Set<string> } {
  return { flags: new Map(flags.map((f) => [f.key, f])), invalidKeys: new Set() };
}
