/** Expiry (issue 20): expiresAt / temporary, EXPIRED from validate, create --expires. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkExpiry, daysExpired } from '../../src/schema/expiry.js';
import { FlagSchema } from '../../src/schema/flag.js';
import { flagYaml, projectWith, removeDir, runMain } from '../helpers/cli.js';

const NOW = new Date('2027-03-13T10:00:00Z');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const project = (files: Record<string, string>) => {
  const d = projectWith(files);
  dirs.push(d);
  return d;
};

describe('expiry (pure)', () => {
  const base = FlagSchema.parse({ key: 'k', name: 'k', description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'o' });

  it.each([
    ['no expiresAt', {}, null],
    ['the day before', { expiresAt: '2027-03-14' }, null],
    ['on the day itself (start of the day, UTC)', { expiresAt: '2027-03-13' }, 0],
    ['12 days after', { expiresAt: '2027-03-01' }, 12],
    ['a timestamp an hour earlier', { expiresAt: '2027-03-13T09:00:00Z' }, 0],
    ['permanent flags never expire', { expiresAt: '2020-01-01', temporary: false }, null],
    ['temporary: true is the default made explicit', { expiresAt: '2027-03-01', temporary: true }, 12],
  ])('%s', (_name, patch, days) => {
    const flag = { ...base, ...patch };
    expect(daysExpired(flag, NOW)).toBe(days);
    expect(checkExpiry(flag, NOW).length).toBe(days === null ? 0 : 1);
  });

  it('accepts a date or a timestamp and refuses anything else', () => {
    expect(FlagSchema.safeParse({ ...base, expiresAt: '2027-03-01' }).success).toBe(true);
    expect(FlagSchema.safeParse({ ...base, expiresAt: 'next spring' }).success).toBe(false);
    expect(FlagSchema.safeParse({ ...base, temporary: 'no' }).success).toBe(false);
  });
});

describe('flags validate: EXPIRED', () => {
  it('warns at the expiresAt line of a temporary flag past its date, not of a permanent one', async () => {
    const dir = project({
      // Each serves something when on (an enabled flag serving only its default is a NO_EFFECT warning).
      'old-banner.yaml': flagYaml('old-banner', 'expiresAt: 2027-03-01\nfallthrough: {value: true}\n'),
      'db-kill.yaml': flagYaml('db-kill', 'expiresAt: 2020-01-01\ntemporary: false\nfallthrough: {value: true}\n'),
      'fresh.yaml': flagYaml('fresh', 'expiresAt: 2027-06-01\nfallthrough: {value: true}\n'),
    });
    const r = await runMain(['validate'], { cwd: dir, now: NOW });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('flags/old-banner.yaml:10:12  warning  EXPIRED  flag "old-banner" expired on 2027-03-01 (12 days ago)');
    expect(r.stdout).not.toContain('db-kill');
    expect(r.stdout).not.toContain('fresh');
    const strict = await runMain(['validate', '--strict', '--format', 'json'], { cwd: dir, now: NOW });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'EXPIRED', severity: 'warning', flagKey: 'old-banner', path: 'expiresAt', line: 10, column: 12 }),
    ]);
  });

  it('reports a malformed expiresAt as a schema error at its place', async () => {
    const dir = project({ 'x.yaml': flagYaml('x', 'expiresAt: soon\n') });
    const r = await runMain(['validate'], { cwd: dir, now: NOW });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/flags\/x\.yaml:10:12 +error +INVALID_VALUE/);
  });
});

describe('flags create --expires', () => {
  it('writes expiresAt, and validate warns once the date has passed', async () => {
    const dir = project({ 'a.yaml': flagYaml('a') });
    const r = await runMain(['create', 'promo', '--type', 'boolean', '--default', 'false', '--expires', '2027-03-01'], { cwd: dir, now: NOW });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'flags/promo.yaml'), 'utf8')).toContain('\nexpiresAt: 2027-03-01\n');
    expect((await runMain(['validate'], { cwd: dir, now: new Date('2027-02-28T23:59:59Z') })).stdout).not.toContain('EXPIRED');
    expect((await runMain(['validate'], { cwd: dir, now: NOW })).stdout).toContain('EXPIRED');
  });

  it.each(['2027-02-30', 'tomorrow', '2027-3-1', '--'])('refuses --expires %s as a usage error', async (value) => {
    const dir = project({ 'a.yaml': flagYaml('a') });
    const r = await runMain(['create', 'promo', '--type', 'boolean', '--default', 'false', `--expires=${value}`], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--expires must be a date like 2027-03-01');
  });
});
