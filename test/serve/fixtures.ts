/**
 * A flag set for the serving tests that uses every evaluation feature (rules
 * of every operator family, rollouts, variants, environments, kill switch),
 * beside the repository's own flags.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { REPO_FLAGS, tempDir } from '../helpers/cli.js';

export const FEATURE_FLAGS = `flags:
  - key: checkout-redesign
    name: Checkout redesign
    description: ""
    type: boolean
    defaultValue: false
    enabled: true
    rules:
      - id: staff
        description: Our own people first
        conditions:
          - { attribute: user.email, operator: regex, value: "@example\\\\.com$" }
        value: true
      - id: new-apps
        conditions:
          - { attribute: attributes.appVersion, operator: semver_gte, value: "2.1" }
          - { attribute: tenant.type, operator: not_in, value: [free] }
        percentage: 50
        value: true
    fallthrough: { percentage: 20, value: true }
    environments:
      staging: { enabled: true, value: true }
      production: { enabled: true }
      dev: { enabled: false }
    tags: []
    owner: web
  - key: button-color
    name: Button colour
    description: ""
    type: string
    defaultValue: blue
    enabled: true
    rules:
      - id: big-spenders
        conditions:
          - { attribute: attributes.spend, operator: gte, value: 1000 }
        value: gold
    variants:
      - { key: control, name: Control, value: blue, weight: 50 }
      - { key: green, name: Green, value: green, weight: 30 }
      - { key: red, name: Red, value: red, weight: 20 }
    environments:
      production: { enabled: true, value: blue }
    tags: []
    owner: web
  - key: search-limits
    name: Search limits
    description: ""
    type: json
    defaultValue: { results: 10 }
    enabled: true
    rules:
      - id: has-beta
        conditions:
          - { attribute: attributes.beta, operator: exists }
          - { attribute: user.name, operator: contains, value: a }
        value: { results: 50, fuzzy: true }
    tags: []
    owner: search
  - key: legacy-export
    name: Legacy export
    description: ""
    type: boolean
    defaultValue: false
    enabled: false
    killSwitch: true
    rules: []
    tags: []
    owner: data
`;

/** A temp project holding the repository's flags plus FEATURE_FLAGS. */
export function servingProject(): string {
  const dir = tempDir('flags-serve-');
  cpSync(REPO_FLAGS, path.join(dir, 'flags'), { recursive: true });
  mkdirSync(path.join(dir, 'flags'), { recursive: true });
  writeFileSync(path.join(dir, 'flags', 'features.yaml'), FEATURE_FLAGS);
  return dir;
}

/** Contexts that reach every branch of those flags. */
export const contextArbitrary = fc.record(
  {
    environment: fc.constantFrom('staging', 'production', 'dev', 'other'),
    user: fc.record({
      id: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
      email: fc.constantFrom('a@example.com', 'b@elsewhere.org', 'x@example.com.evil', ''),
      name: fc.constantFrom('ann', 'bob', 'zed'),
    }, { requiredKeys: [] }),
    tenant: fc.record({
      id: fc.constantFrom('tenant-beta-1', 'tenant-beta-2', 't3', 't4'),
      type: fc.constantFrom('enterprise', 'professional', 'free', 'starter'),
      settings: fc.record({ preferredProvider: fc.constantFrom('openai', 'anthropic') }),
    }, { requiredKeys: [] }),
    attributes: fc.record({
      appVersion: fc.constantFrom('1.9', '2.1', '2.1.1', 'v3', 'garbage', '2.0.0-beta'),
      spend: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constant('1500')),
      beta: fc.boolean(),
    }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

export function sampleContexts(n: number, seed = 15): Record<string, unknown>[] {
  return fc.sample(contextArbitrary, { numRuns: n, seed });
}
