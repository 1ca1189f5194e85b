/**
 * Flags as test data: the one home for the factories the schema, evaluation,
 * review and CLI tests build flags with. `flagYaml` in ./cli.ts is the same
 * minimal flag as file text.
 */
import type { Flag } from '../../src/schema/flag.js';

/**
 * The fields every flag must have, with the smallest valid values (the name
 * is the key), overridden by `fields`: plain input, as a flag file holds it,
 * for tests that hand it to the schema.
 */
export function flagInput(fields: Record<string, unknown> & { key?: string } = {}): Record<string, unknown> {
  const key = fields.key ?? 'f';
  return { key, name: key, description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'team', ...fields };
}

/** A valid flag with the given fields, defaults filled in as the schema would: the smallest object evaluate accepts. */
export function makeFlag(fields: Partial<Flag> & Pick<Flag, 'key'>): Flag {
  return { ...flagInput({ key: fields.key }), killSwitch: false, ...fields } as Flag;
}

/** `new-orchestrator-v2` exactly as flags/default-flags.yaml defines it, with the schema's defaults filled in. */
export function newOrchestratorV2(): Flag {
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
  };
}

/**
 * A number flag with every place a number is typed to: a rule with no
 * percentage, a 10% fallthrough, two 50/50 variants and a staging environment
 * with its own 20% fallthrough (the command-line number tests edit it).
 */
export const NUM = `key: num
name: num
description: ""
type: number
defaultValue: 1
enabled: true
rules:
  - id: r1
    conditions:
      - attribute: plan
        operator: equals
        value: pro
    value: 2
fallthrough:
  percentage: 10
  value: 3
variants:
  - key: a
    name: A
    value: 1
    weight: 50
  - key: b
    name: B
    value: 2
    weight: 50
environments:
  staging:
    enabled: true
    fallthrough:
      percentage: 20
      value: 3
tags: []
owner: team
`;
