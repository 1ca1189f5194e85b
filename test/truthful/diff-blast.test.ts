/**
 * Issue 12 item 2: the blast radius without --contexts is built per rule from
 * the combination of its conditions, and says when a changed rule is matched
 * by no sample instead of claiming nothing changes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { blastRadiusOverSegments } from '../../src/review/blast-radius.js';
import { ruleSegments } from '../../src/review/rule-segments.js';
import type { Flag } from '../../src/schema/flag.js';
import { flagYamlWithRules, removeDir, runMain } from '../helpers/cli.js';
import { edit, repoWith } from '../helpers/git.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Two rules over many attributes: their cross product is too large, so the attribute segments vary one at a time. */
const CHECKOUT = flagYamlWithRules(
  'new-checkout',
  `  - id: mobile-new
    conditions:
      - attribute: platform
        operator: in
        value: [ios, android]
      - attribute: app.version
        operator: semver_gte
        value: 2.3.0
    value: true
  - id: business
    conditions:
      - attribute: tenant.type
        operator: in
        value: [pro, enterprise, team, edu, gov]
      - attribute: country
        operator: in
        value: [us, de, fr, uk]
    value: true
  - id: staff
    conditions:
      - attribute: user.email
        operator: regex
        value: "@acme\\\\.com$"
    value: true
`,
);

function repo(): string {
  const d = repoWith({ 'flags/new-checkout.yaml': CHECKOUT });
  dirs.push(d);
  return d;
}

describe('diff blast radius per rule (real git)', () => {
  it('a threshold change in a two-condition rule moves the contexts just below the new threshold', async () => {
    const d = repo();
    edit(d, 'flags/new-checkout.yaml', 'value: 2.3.0', 'value: 2.5.0');
    const r = await runMain(['diff', '--json'], { cwd: d });
    expect(r.code).toBe(0);
    const radius = JSON.parse(r.stdout).changed[0].blastRadius;
    expect(radius.changed).toBeGreaterThan(0);
    expect(radius.uncovered).toEqual([]);
    const moved = radius.segments.filter((s: { changed: number }) => s.changed > 0).map((s: { segment: Record<string, unknown> }) => s.segment);
    // Both platforms, on the versions between the two thresholds (either side of each boundary is sampled).
    expect(moved).toContainEqual({ platform: 'ios', 'app.version': '2.3.0' });
    expect(moved).toContainEqual({ platform: 'android', 'app.version': '2.3.0' });
    expect(moved).toContainEqual({ platform: 'ios', 'app.version': '2.4.999' });
    expect(moved.every((s: Record<string, unknown>) => s.platform === 'ios' || s.platform === 'android')).toBe(true);
    const text = (await runMain(['diff'], { cwd: d })).stdout;
    expect(text).not.toContain('no value changes');
    expect(text).toMatch(/true → false: [\d,]+ of [\d,]+ samples/);
  });

  it('a kill lists the transitions of every rule and says which rule no sample matched, in text, markdown and JSON', async () => {
    const d = repo();
    expect((await runMain(['kill', 'new-checkout'], { cwd: d })).code).toBe(0);
    const json = JSON.parse((await runMain(['diff', '--json'], { cwd: d })).stdout).changed[0].blastRadius;
    expect(json.uncovered).toEqual(['staff']);
    const moved = json.segments.filter((s: { changed: number }) => s.changed > 0).map((s: { segment: Record<string, unknown> }) => s.segment);
    expect(moved).toContainEqual({ platform: 'ios', 'app.version': '2.3.0' });
    expect(moved.some((s: Record<string, unknown>) => s['tenant.type'] === 'pro' && s.country === 'us')).toBe(true);
    const text = (await runMain(['diff'], { cwd: d })).stdout;
    expect(text).toContain('not covered: rule staff matched no sample, so what this change does to its contexts is not counted; pass --contexts');
    const md = (await runMain(['diff', '--format', 'markdown'], { cwd: d })).stdout;
    expect(md).toContain('**not covered: rule staff matched no sample');
    expect(md).toContain('not covered: staff');
  });

  it('a rule change whose every rule is sampled reports no uncovered rule', async () => {
    const d = repo();
    edit(d, 'flags/new-checkout.yaml', '[us, de, fr, uk]', '[us, de]');
    const radius = JSON.parse((await runMain(['diff', '--json'], { cwd: d })).stdout).changed[0].blastRadius;
    expect(radius.uncovered).toEqual([]);
    const moved = radius.segments.filter((s: { changed: number }) => s.changed > 0).map((s: { segment: Record<string, unknown> }) => s.segment);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((s: Record<string, unknown>) => s.country === 'fr' || s.country === 'uk')).toBe(true);
  });
});

describe('rule segments (pure)', () => {
  const flag = (rules: Flag['rules']): Flag =>
    ({ key: 'f', name: 'f', description: '', type: 'boolean', defaultValue: false, enabled: true, rules, tags: [], owner: '', killSwitch: false }) as Flag;

  it('satisfies numeric ranges on one attribute together and samples either side of each bound', () => {
    const f = flag([{ id: 'adults', conditions: [{ attribute: 'age', operator: 'gte', value: 18 }, { attribute: 'age', operator: 'lt', value: 65 }], value: true }]);
    const { segments, unmatched } = ruleSegments(f);
    expect(unmatched).toEqual([]);
    const ages = segments.map((s) => s.age);
    expect(ages).toEqual(expect.arrayContaining([17, 18, 19, 64, 65, 66, null]));
    expect(segments[0].age).toBe(18);
  });

  it('with one-at-a-time attribute segments forced, the combination is still sampled', () => {
    const before = flag([{ id: 'r', conditions: [{ attribute: 'a', operator: 'equals', value: 'x' }, { attribute: 'b', operator: 'gt', value: 5 }], value: true }]);
    const after = { ...before, enabled: false };
    const r = blastRadiusOverSegments(before, after, { usersPerSegment: 10, maxCrossSegments: 1 });
    expect(r.changed).toBeGreaterThan(0);
    expect(r.uncovered).toEqual([]);
  });
});
