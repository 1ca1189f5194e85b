/**
 * Valid flag files the hardening tests start from: the repository's
 * predefined flags (list form), and one-flag files that use every part of the
 * format (rules with each operator family, rollouts, variants, environments,
 * comments, flow collections, json values).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_FLAGS } from '../helpers/cli.js';

export interface SeedFile {
  name: string;
  text: string;
  keys: string[];
}

export const CHECKOUT_YAML = `# The checkout redesign, rolled out by plan and country.
key: checkout-redesign
name: Checkout redesign
description: "New checkout: one page, saved cards"
type: string
defaultValue: classic
enabled: true
killSwitch: false
rules:
  - id: staff
    description: Everyone at the company
    conditions:
      - attribute: user.email
        operator: regex
        value: '@example\\.com$'
    value: redesign
  - id: mobile-new-app
    conditions:
      - attribute: attributes.appVersion
        operator: semver_gte
        value: "2.3"
      - attribute: attributes.platform
        operator: in
        value: [ios, android]
      - attribute: attributes.age
        operator: gt
        value: 17
    percentage: 25.5
    value: redesign
variants:
  - key: classic
    name: Classic
    value: classic
    weight: 50
  - key: redesign
    name: Redesign
    value: redesign
    weight: 50
fallthrough:
  percentage: 10
  value: redesign
environments:
  staging: { enabled: true, value: redesign }
  production:
    enabled: true
tags: [checkout, web]   # reviewed weekly
owner: web-team
createdAt: 2025-01-31T12:00:00Z
updatedAt: 2025-02-01T08:30:00Z
`;

export const LIMITS_YAML = `key: limits
name: Limits
description: >-
  Per-plan limits as one json value,
  folded over two lines.
type: json
defaultValue: {"agents": 4, "burst": [1, 2, 3], "nested": {"a": {"b": null}}}
enabled: false
rules:
  - id: enterprise
    conditions: [{attribute: tenant.type, operator: equals, value: enterprise}, {attribute: tenant.id, operator: exists}]
    value: {agents: 15, burst: [], nested: {}}
  - id: not-trial
    conditions:
      - {attribute: attributes.plan, operator: not_in, value: [trial, free]}
      - {attribute: attributes.name, operator: contains, value: "co"}
    value: {agents: 8}
tags: []
owner: platform-team
`;

export function seedFiles(): SeedFile[] {
  return [
    {
      name: 'default-flags.yaml',
      text: readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8'),
      keys: ['self-evolution-enabled', 'parallel-agents-limit', 'new-orchestrator-v2', 'model-provider'],
    },
    { name: 'checkout-redesign.yaml', text: CHECKOUT_YAML, keys: ['checkout-redesign'] },
    { name: 'limits.yaml', text: LIMITS_YAML, keys: ['limits'] },
  ];
}
