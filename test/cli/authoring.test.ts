/**
 * SPEC 6 from the user's side: segments on disk (validation, list, show,
 * eval --explain), authoring commands with their exact diffs, and one run of
 * the real binary in a git repository (diff of a changed segment).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWhen } from '../../src/schema/when.js';
import { projectWith, removeDir, runBin, runMain } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

const CHECKOUT = `key: checkout
name: Checkout
description: ""
type: boolean
defaultValue: false
enabled: true
rules:
  # staff first
  - id: staff
    conditions:
      - attribute: user.email
        operator: contains
        value: "@corp"
    value: true
  - id: beta
    conditions:
      - operator: in_segment
        value: [beta-testers]
    value: true
  - id: pro
    conditions:
      - attribute: tenant.type
        operator: equals
        value: pro
    percentage: 25
    value: true
fallthrough:
  percentage: 5
  value: true
variants:
  - key: blue
    name: Blue
    value: true
    weight: 70
  - key: green
    name: Green
    value: false
    weight: 30
tags: [web]
owner: web
`;
const BETA = `key: beta-testers
description: Tenants in the beta
conditions:
  - attribute: tenant.id
    operator: in
    value: [tenant-a, tenant-b]
`;

function project(extra: Record<string, string> = {}): string {
  const dir = projectWith({ 'checkout.yaml': CHECKOUT, 'segments/beta-testers.yaml': BETA, ...extra });
  dirs.push(dir);
  return dir;
}
const run = (dir: string, ...argv: string[]) => runMain(argv, { cwd: dir });
const file = (dir: string, name = 'checkout.yaml') => readFileSync(path.join(dir, 'flags', name), 'utf8');
const withoutStamp = (text: string) => text.replace(/^updatedAt: .*\n/m, '');

describe('segments on disk', () => {
  it('are not read as flags, are used in evaluation, and are listed and shown', async () => {
    const dir = project();
    expect((await run(dir, 'validate')).code).toBe(0);
    expect((await run(dir, 'eval', 'checkout', '--set', 'tenant.id=tenant-a')).stdout).toBe('true  RULE_MATCH beta\n');
    const list = await run(dir, 'list', '--segments');
    expect(list.stdout).toMatch(/beta-testers.*tenant\.id in \["tenant-a","tenant-b"\].*checkout/);
    const show = await run(dir, 'show', '--segment', 'beta-testers');
    expect(show.stdout).toContain('used by flags  checkout');
    const typo = await run(dir, 'show', '--segment', 'beta-tester');
    expect(typo.stderr).toContain('did you mean "beta-testers"');
    expect(typo.code).toBe(1);
  });

  it('validation: unknown segment with did-you-mean, cycles, unused, duplicates, condition checks', async () => {
    const dir = project({
      'typo.yaml': CHECKOUT.replace('key: checkout', 'key: typo').replace('[beta-testers]', '[beta-tester]'),
      'segments/a.yaml': 'key: a\nconditions:\n  - operator: in_segment\n    value: [b]\n',
      'segments/b.yaml': 'key: b\nconditions:\n  - operator: in_segment\n    value: [a]\n',
      'segments/lonely.yaml': 'key: lonely\nconditions:\n  - attribute: x\n    operator: gt\n    value: "3"\n  - operator: not_in_segment\n    attribute: y\n    value: [a]\n',
      'segments/dup.yaml': BETA,
    });
    const r = await run(dir, 'validate', '--format', 'json');
    const codes = (JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number; message: string }[] }).diagnostics.map((d) => `${path.basename(d.file)}:${d.line} ${d.code} ${d.message}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^typo\.yaml:18 UNKNOWN_SEGMENT unknown segment "beta-tester" \(did you mean "beta-testers"\?\)/),
        expect.stringMatching(/^a\.yaml:4 SEGMENT_CYCLE segment "a" refers to itself through "b": a → b → a/),
        expect.stringMatching(/^lonely\.yaml:5 INVALID_OPERATOR_VALUE gt needs a number/),
        expect.stringMatching(/^lonely\.yaml:7 UNEXPECTED_ATTRIBUTE/),
        expect.stringMatching(/^dup\.yaml:1 DUPLICATE_SEGMENT_KEY/),
        expect.stringMatching(/^dup\.yaml:1 FILE_NAME_MISMATCH/),
      ]),
    );
    expect(r.code).toBe(1);
    const unused = project({ 'segments/lonely.yaml': 'key: lonely\nconditions: []\n' });
    const u = await run(unused, 'validate');
    expect(u.stdout).toContain('UNUSED_SEGMENT  segment "lonely" is not used by any flag or segment');
    expect(u.code).toBe(0);
    expect((await run(unused, 'validate', '--strict')).code).toBe(1);
  });

  it('eval --explain shows every rule, each verdict with the value seen, and the bucket', async () => {
    const dir = project();
    const r = await run(dir, 'eval', 'checkout', '--set', 'tenant.type=pro', '--set', 'user.id=user-7', '--explain');
    expect(r.stdout).toContain('checkout = ');
    expect(r.stdout).toContain('✗ user.email contains "@corp"  (seen: missing)');
    expect(r.stdout).toContain('✗ in_segment ["beta-testers"]  (beta-testers: not in)');
    expect(r.stdout).toContain('✓ tenant.type equals "pro"  (seen: "pro")');
    expect(r.stdout).toMatch(/bucket key: "user-7"  \(by user\.id \|\| tenant\.id \|\| 'anonymous'\)\n  rollout bucket: \d+/);
    const j = JSON.parse((await run(dir, 'eval', 'checkout', '--set', 'user.id=user-7', '--explain', '--json')).stdout);
    expect(j.explain.rules.map((x: { id: string }) => x.id)).toEqual(['staff', 'beta', 'pro']);
    expect((await run(dir, 'eval', '--all', '--explain')).code).toBe(2);
  });
});

describe('authoring commands', () => {
  it('rule add writes one block at the place asked, and validates segment references', async () => {
    const dir = project();
    const before = file(dir);
    const r = await run(dir, 'rule', 'add', 'checkout', '--id', 'ios', '--when', 'platform in [ios, ipados]', '--when', 'app.version semver_gte 2.3', '--value', 'true', '--percentage', '10', '--before', 'pro');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Added rule ios to checkout at position 3: staff, beta, ios, pro\n');
    expect(withoutStamp(file(dir))).toBe(
      withoutStamp(before).replace(
        '  - id: pro\n',
        '  - id: ios\n    conditions:\n      - attribute: platform\n        operator: in\n        value: [ios, ipados]\n      - attribute: app.version\n        operator: semver_gte\n        value: "2.3"\n    percentage: 10\n    value: true\n  - id: pro\n',
      ) + '',
    );
    const bad = await run(dir, 'rule', 'add', 'checkout', '--id', 'x', '--when', 'in_segment [nope]', '--value', 'true');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('UNKNOWN_SEGMENT');
  });

  it('--when errors name the offending token and its column (exit 2)', async () => {
    const dir = project();
    const r = await run(dir, 'rule', 'add', 'checkout', '--id', 'x', '--when', 'tenant.type inn [pro]', '--value', 'true');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --when "tenant.type inn \[pro\]": column 13: unknown operator "inn" \(did you mean "in"\?\)/);
    expect(() => parseWhen('device.id exists now')).toThrow(/column 18: exists takes no value/);
    expect(() => parseWhen('app.version semver_gt x.y')).toThrow(/column 23: "x.y" is not a valid semantic version/);
    expect(() => parseWhen('tenant.type in [pro')).toThrow(/column \d+: the value "\[pro" is not valid YAML flow/);
    expect(() => parseWhen('equals x')).toThrow(/column 1: "equals" is an operator/);
    expect(parseWhen("user.email regex '@corp\\.com$'")).toEqual({ attribute: 'user.email', operator: 'regex', value: '@corp\\.com$' });
    expect(parseWhen('in_segment [beta-testers, staff]')).toEqual({ operator: 'in_segment', value: ['beta-testers', 'staff'] });
    expect(parseWhen('device.id exists')).toEqual({ attribute: 'device.id', operator: 'exists' });
  });

  it('rule move and back gives a byte-identical file (property)', async () => {
    const dir = project();
    const original = file(dir);
    const ids = ['staff', 'beta', 'pro'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ids), fc.integer({ min: 1, max: 3 }), async (id, position) => {
        writeFileSync(path.join(dir, 'flags/checkout.yaml'), original);
        const from = ids.indexOf(id) + 1;
        await runMain(['rule', 'move', 'checkout', id, '--position', String(position)], { cwd: dir, env: {} });
        await runMain(['rule', 'move', 'checkout', id, '--position', String(from)], { cwd: dir, env: {} });
        expect(withoutStamp(file(dir))).toBe(withoutStamp(original));
      }),
      { numRuns: 9 },
    );
  });

  it('rule remove takes the rule and its comment lines; the last one leaves `rules: []`', async () => {
    const dir = project();
    await run(dir, 'rule', 'remove', 'checkout', 'staff');
    expect(file(dir)).not.toContain('staff first');
    await run(dir, 'rule', 'remove', 'checkout', 'beta');
    await run(dir, 'rule', 'remove', 'checkout', 'pro');
    expect(file(dir)).toContain('\nrules: []\nfallthrough:');
    expect((await run(dir, 'validate')).code).toBe(0);
    const miss = await run(dir, 'rule', 'remove', 'checkout', 'pro');
    // An unknown rule id typed on the command line is a usage error (issue 12).
    expect(miss.code).toBe(2);
  });

  it('weights changes every weight in one write and keeps the sum at 100 (property)', async () => {
    const dir = project();
    const r = await run(dir, 'weights', 'checkout', 'blue=50', 'green=50');
    expect(r.stdout).toBe('Weights of checkout: blue 70% → 50%, green 30% → 50%\n');
    const bad = await run(dir, 'weights', 'checkout', 'blue=60');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('weights would sum to 110, not 100 (blue=60 green=50)');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), async (a, b) => {
        const res = await runMain(['weights', 'checkout', `blue=${a}`, `green=${b}`, '--json'], { cwd: dir, env: {} });
        const text = file(dir);
        const weights = [...text.matchAll(/weight: (\d+)/g)].map((m) => Number(m[1]));
        expect(weights.reduce((s, w) => s + w, 0)).toBe(100);
        expect(res.code).toBe(a + b === 100 ? 0 : 2);
      }),
      { numRuns: 12 },
    );
  });

  it('tag, set creating an environment entry, rollout --env, delete', async () => {
    const dir = project({ 'experiments/exp.yaml': 'id: exp\nname: Exp\nflagKey: checkout\nstatus: running\n' });
    await run(dir, 'tag', 'checkout', '--add', 'beta', '--remove', 'web');
    expect(file(dir)).toContain('tags: [beta]\n');
    const set = await run(dir, 'set', 'checkout', 'environments.staging.value', 'true');
    expect(set.code).toBe(0);
    expect(file(dir)).toContain('environments:\n  staging:\n    enabled: true\n    value: true\n');
    const roll = await run(dir, 'rollout', 'checkout', '5', '--env', 'production');
    expect(roll.stdout).toBe('Rollout of checkout in production (fallthrough): not set → 5%\n');
    expect(file(dir)).toContain('  production:\n    enabled: true\n    fallthrough:\n      percentage: 5\n      value: true\n');
    expect((await run(dir, 'show', 'checkout')).stdout).toContain('fallthrough: true for 5% of other contexts');
    const refused = await run(dir, 'delete', 'checkout');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('experiment "exp" (running) uses it');
    writeFileSync(path.join(dir, 'flags/experiments/exp.yaml'), 'id: exp\nname: Exp\nflagKey: checkout\nstatus: completed\n');
    expect((await run(dir, 'delete', 'checkout')).code).toBe(0);
    expect(existsSync(path.join(dir, 'flags/checkout.yaml'))).toBe(false);
  });
});

describe('the real binary in a git repository', () => {
  it('diff lists the flags using a changed segment with their blast radius', () => {
    const dir = project();
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    writeFileSync(path.join(dir, 'flags/segments/beta-testers.yaml'), BETA.replace('tenant-b]', 'tenant-b, tenant-c]'));
    const r = runBin(['diff', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.changed).toEqual([]);
    expect(j.segments[0]).toMatchObject({ key: 'beta-testers', status: 'changed', flags: [{ key: 'checkout' }] });
    expect(j.segments[0].flags[0].blastRadius.changed).toBeGreaterThan(0);
  });
});
