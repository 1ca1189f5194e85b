/**
 * `flags stale` from the user's side (issue 20), in temporary git repositories
 * whose history is written in the past, plus the pure classification.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagState, servedValues } from '../../src/hygiene/flag-state.js';
import { classifyFlag } from '../../src/hygiene/stale.js';
import { FlagSchema } from '../../src/schema/flag.js';
import { removeDir, runBin, runMain, tempDir } from '../helpers/cli.js';
import { DAY, flag, HistoryRepo, listFile } from './git-history.js';

const NOW = new Date('2027-06-01T12:00:00Z');

describe('flag state (pure)', () => {
  const make = (patch: object) => FlagSchema.parse({ key: 'k', name: 'k', description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'o', ...patch });
  it.each([
    ['killed', { killSwitch: true, enabled: false }, 'killed', [false]],
    ['disabled', { enabled: false }, 'disabled', [false]],
    ['disabled but overridden on in one environment', { enabled: false, environments: { prod: { enabled: true, value: true } } }, 'live', [true, false]],
    ['full fallthrough', { fallthrough: { value: true } }, 'one-value', [true]],
    ['full fallthrough, percentage 100', { fallthrough: { value: true, percentage: 100 } }, 'one-value', [true]],
    ['partial rollout', { fallthrough: { value: true, percentage: 10 } }, 'live', [true, false]],
    ['a catch-all rule hides what follows', { rules: [{ id: 'all', conditions: [], value: true }], fallthrough: { value: false } }, 'one-value', [true]],
    ['a targeted rule', { rules: [{ id: 'b', conditions: [{ attribute: 'a', operator: 'exists' }], value: true }] }, 'live', [true, false]],
    ['rule and fallthrough agree', { rules: [{ id: 'b', conditions: [{ attribute: 'a', operator: 'exists' }], value: true }], fallthrough: { value: true } }, 'one-value', [true]],
    ['a split', { variants: [{ key: 'a', name: 'a', value: true, weight: 50 }, { key: 'b', name: 'b', value: false, weight: 50 }] }, 'live', [true, false]],
    ['a split with one arm left', { variants: [{ key: 'a', name: 'a', value: true, weight: 100 }, { key: 'b', name: 'b', value: false, weight: 0 }] }, 'one-value', [true]],
  ])('%s', (_name, patch, state, values) => {
    const f = make(patch);
    expect(flagState(f)).toBe(state);
    expect(servedValues(f)).toEqual(values);
  });

  it('classifies by state, age and references; permanent flags are never due', () => {
    const base = { key: 'k', file: 'f', flag: make({ killSwitch: true, enabled: false }), state: 'killed' as const, lastChange: null, uncommitted: false, expiredDays: null };
    const at = (days: number) => ({ commit: 'c'.repeat(40), time: NOW.getTime() - days * DAY, author: 'a' });
    const opts = { now: NOW.getTime(), sinceDays: 30 };
    expect(classifyFlag({ ...base, stateSince: at(45), references: [] }, opts)).toMatchObject({ action: 'remove', reason: 'killed 45 days ago, 0 references' });
    expect(classifyFlag({ ...base, stateSince: at(45), references: [{ file: 'a.ts', line: 1 }] }, opts)).toMatchObject({ action: 'clean-up-code', reason: 'killed 45 days ago, 1 reference' });
    expect(classifyFlag({ ...base, stateSince: at(29), references: [] }, opts).action).toBe('wait');
    expect(classifyFlag({ ...base, stateSince: at(400), references: [], flag: make({ killSwitch: true, temporary: false }) }, opts).action).toBe('permanent');
  });

  it('an ended experiment counts from its end date, even when the flag changed later', () => {
    const flag = make({ fallthrough: { value: true, percentage: 50 } });
    const at = (days: number) => ({ commit: 'c'.repeat(40), time: NOW.getTime() - days * DAY, author: 'a' });
    const endDate = new Date(NOW.getTime() - 40 * DAY).toISOString();
    const entry = classifyFlag(
      { key: 'k', file: 'f', flag, state: 'experiment-ended', stateSince: at(5), lastChange: at(5), uncommitted: false, references: [], expiredDays: null, experiment: { id: 'exp-1', status: 'completed', endDate } },
      { now: NOW.getTime(), sinceDays: 30 },
    );
    expect(entry).toMatchObject({ action: 'remove', daysInState: 40, reason: `experiment exp-1 completed on ${endDate.slice(0, 10)}, 0 references` });
  });

  it('a live temporary flag past its expiresAt is to review', () => {
    const flag = make({ fallthrough: { value: true, percentage: 50 }, expiresAt: '2027-05-01' });
    const at = { commit: 'c'.repeat(40), time: NOW.getTime() - 2 * DAY, author: 'a' };
    const entry = classifyFlag(
      { key: 'k', file: 'f', flag, state: 'live', stateSince: at, lastChange: at, uncommitted: false, references: [{ file: 'a.ts', line: 1 }], expiredDays: 31 },
      { now: NOW.getTime(), sinceDays: 30 },
    );
    expect(entry).toMatchObject({ action: 'review', reason: 'expired 31 days ago, serves 2 values, 1 reference' });
  });
});

describe('flags stale', () => {
  let repo: HistoryRepo;
  beforeAll(() => {
    repo = new HistoryRepo(NOW);
    repo.write({ '.gitignore': 'dist/\n' });
    // 200 days ago: everything created. old-banner and unused-live share a list file.
    repo.commit(200, {
      'flags/shared.yaml': listFile(flag('old-banner', { fallthrough: '{percentage: 10, value: true}' }), flag('unused-live', { fallthrough: '{percentage: 50, value: true}' })),
      'flags/checkout-v2.yaml': flag('checkout-v2', { fallthrough: '{percentage: 20, value: true}' }),
      'flags/db-breaker.yaml': flag('db-breaker', { extra: 'temporary: false' }),
      'flags/new-search.yaml': flag('new-search', { fallthrough: '{percentage: 5, value: true}' }),
      'flags/fresh-kill.yaml': flag('fresh-kill'),
      'flags/moved.yaml': flag('moved', { enabled: false }),
      'src/app.ts': [
        "if (flags.isEnabled('checkout-v2')) render();",
        "const limit = flags.getNumber(\"checkout-v2\", 4);",
        'track(`checkout-v2`);',
        "search(flags.isEnabled('new-search'));",
        "kill(flags.isEnabled('db-breaker'));",
        "// old-banner was here (a comment naming the key without quotes is not a reference)",
        '',
      ].join('\n'),
    }, 'create the flags');
    // 120 days ago: old-banner fully rolled out.
    repo.commit(120, { 'flags/shared.yaml': listFile(flag('old-banner', { fallthrough: '{value: true}' }), flag('unused-live', { fallthrough: '{percentage: 50, value: true}' })) });
    // 60 days ago: unused-live changed for the last time (same file: old-banner must keep its date).
    repo.commit(60, { 'flags/shared.yaml': listFile(flag('old-banner', { fallthrough: '{value: true}' }), flag('unused-live', { fallthrough: '{percentage: 60, value: true}' })) });
    // 45 days ago: checkout-v2 killed; moved goes into the list file, unchanged (not a change).
    repo.commit(45, {
      'flags/checkout-v2.yaml': flag('checkout-v2', { killSwitch: true, enabled: false, fallthrough: '{percentage: 20, value: true}' }),
      'flags/moved.yaml': null,
      'flags/shared.yaml': listFile(flag('old-banner', { fallthrough: '{value: true}' }), flag('unused-live', { fallthrough: '{percentage: 60, value: true}' }), flag('moved', { enabled: false })),
    });
    // 10 days ago: only timestamps and a comment in old-banner's file: no change of the flag.
    repo.commit(10, {
      'flags/shared.yaml': '# shared flags\n' + listFile(flag('old-banner', { fallthrough: '{value: true}', updatedAt: '2027-05-22T00:00:00Z' }), flag('unused-live', { fallthrough: '{percentage: 60, value: true}' }), flag('moved', { enabled: false })),
    });
    // 5 days ago: new-search rolled further, fresh-kill killed; a generated file and an ignored build name every key.
    repo.commit(5, {
      'flags/new-search.yaml': flag('new-search', { fallthrough: '{percentage: 25, value: true}' }),
      'flags/fresh-kill.yaml': flag('fresh-kill', { killSwitch: true, enabled: false }),
      'src/flags.generated.ts': "// @generated by flagyard: do not edit\nexport type Flags = { 'old-banner': boolean; 'unused-live': boolean; 'moved': boolean };\n",
    });
    repo.write({ 'dist/app.js': "isEnabled('old-banner'); isEnabled('moved');\n" });
  });
  afterAll(() => repo.remove());

  const stale = (args: string[] = []) => runMain(['stale', ...args], { cwd: repo.dir, now: NOW });

  it('classifies every flag with its evidence, what to do first on top', async () => {
    const r = await stale();
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^\S/.test(l));
    expect(lines.map((l) => l.replace(/ {2,}/g, '  ').trim())).toEqual([
      'remove  moved  disabled for 200 days, 0 references',
      'remove  old-banner  served one value (true) for 120 days, 0 references',
      'clean up code checkout-v2  killed 45 days ago, 3 references',
      'review  unused-live  serves 2 values but 0 references in code, unchanged for 60 days',
      'wait  fresh-kill  killed 5 days ago, 0 references; due after 30 days',
      'active  new-search  serves 2 values, changed 5 days ago, 1 reference',
      'permanent  db-breaker  permanent flag (temporary: false), served one value (false) for 200 days',
      expect.stringMatching(/^7 flags: 2 remove, 1 clean up code, 1 review, 1 wait, 1 active, 1 permanent \(due after 30 days; 6 commits read; code searched: \.\)$/),
    ]);
    expect(r.stdout).toContain('src/app.ts:1, src/app.ts:2, src/app.ts:3');
    expect(r.stdout).toMatch(/last change [0-9a-f]{10} by Ada, 120 days ago/);
  });

  it('--json: per flag action, state, ages, last change and references', async () => {
    const r = await stale(['--json']);
    const out = JSON.parse(r.stdout);
    const byKey = Object.fromEntries(out.flags.map((f: { key: string }) => [f.key, f]));
    expect(out.flags.map((f: { key: string }) => f.key)).toEqual(['moved', 'old-banner', 'checkout-v2', 'unused-live', 'fresh-kill', 'new-search', 'db-breaker']);
    expect(byKey['old-banner']).toMatchObject({ action: 'remove', state: 'one-value', daysInState: 120, daysSinceChange: 120, uncommitted: false, references: [], file: 'flags/shared.yaml' });
    expect(byKey['old-banner'].lastChange).toMatchObject({ date: new Date(NOW.getTime() - 120 * DAY).toISOString(), author: 'Ada' });
    expect(byKey['checkout-v2'].references).toEqual([{ file: 'src/app.ts', line: 1 }, { file: 'src/app.ts', line: 2 }, { file: 'src/app.ts', line: 3 }]);
  });

  it('--since moves the threshold; --code narrows the search; --pattern says how code names flags', async () => {
    const later = JSON.parse((await stale(['--since', '50d', '--json'])).stdout);
    expect(later.flags.find((f: { key: string }) => f.key === 'checkout-v2').action).toBe('wait');
    const noCode = JSON.parse((await stale(['--code', 'flags', '--json'])).stdout);
    expect(noCode.flags.find((f: { key: string }) => f.key === 'checkout-v2').action).toBe('remove');
    // Only isEnabled('KEY'): getNumber("checkout-v2") and `checkout-v2` no longer count.
    const custom = JSON.parse((await stale(['--pattern', "isEnabled\\('{key}'", '--json'])).stdout);
    expect(custom.flags.find((f: { key: string }) => f.key === 'checkout-v2').references).toEqual([{ file: 'src/app.ts', line: 1 }]);
  });

  it('counts an uncommitted change as a change today', async () => {
    repo.write({ 'flags/old-banner-extra.yaml': flag('brand-new', { enabled: false }) });
    try {
      const out = JSON.parse((await stale(['--json'])).stdout);
      expect(out.flags.find((f: { key: string }) => f.key === 'brand-new')).toMatchObject({ action: 'wait', uncommitted: true, lastChange: null, daysInState: 0 });
    } finally {
      repo.write({ 'flags/old-banner-extra.yaml': null });
    }
  });

  it('--format markdown: a table for an issue or a pull request', async () => {
    const r = await stale(['--format', 'markdown']);
    expect(r.stdout).toContain('| action | flag | why | evidence |');
    expect(r.stdout).toContain('| remove | `old-banner` | served one value (true) for 120 days, 0 references |');
  });

  it.each([
    [['--since', 'soon'], '--since must be a number of days'],
    [['--pattern', 'isEnabled'], '--pattern must contain {key}'],
    [['--pattern', '({key}'], 'is not a regular expression'],
    [['--format', 'yaml'], 'invalid'],
    [['--code', '../..'], 'is outside the git repository'],
    [['--code', 'srcc'], '--code srcc: no such file or directory'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const r = await stale(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('the real binary, and outside a git repository one clear line (exit 1)', () => {
    const r = runBin(['stale', '--format', 'markdown'], { cwd: repo.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('`checkout-v2`');
    const plain = tempDir();
    try {
      mkdirSync(`${plain}/flags`);
      writeFileSync(`${plain}/flags/a.yaml`, flag('a'));
      const outside = runBin(['stale'], { cwd: plain });
      expect(outside.code).toBe(1);
      expect(outside.stderr).toMatch(/^error: .*is not inside a git repository/);
    } finally {
      removeDir(plain);
    }
  });
});
