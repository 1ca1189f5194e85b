/**
 * Issue 13, item 2: a kill must reach running services. A flag whose new
 * version is invalid keeps its last valid version in a running evaluator; a
 * `flags kill` (or `toggle --off`, `--env … --off`) written into that invalid
 * version used to be ignored there: the CLI said "Kill switch activated" and
 * the service kept serving the feature. Now the safety fields of the invalid
 * version are applied on top of the last valid one, and nothing else is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvaluator, withSafetyFields, type LiveEvaluator } from '../../src/store/live-evaluator.js';
import { flagYaml, projectWith, removeDir, runMain } from '../helpers/cli.js';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

const ON = flagYaml('f1').replace('rules: []', 'rules: []\nfallthrough:\n  value: true') + 'environments:\n  production:\n    enabled: true\n';

async function running(files: Record<string, string>, watch = false): Promise<{ root: string; file: string; ev: LiveEvaluator }> {
  const root = projectWith(files);
  const ev = await createEvaluator({ dir: path.join(root, 'flags'), watch, pollInterval: 100 });
  cleanup.push(() => (ev.close(), removeDir(root)));
  return { root, file: path.join(root, 'flags/f1.yaml'), ev };
}

async function until(check: () => boolean, ms = 8000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const breakIt = (file: string) => writeFileSync(file, readFileSync(file, 'utf8').replace('owner: team', 'ownr: typo'));

describe('a kill written into an invalid flag reaches a running evaluator', () => {
  it('watching: the issue\'s reproduction (ownr: typo, then flags kill)', async () => {
    const { root, file, ev } = await running({ 'f1.yaml': ON }, true);
    expect(ev.evaluate('f1', {})).toEqual({ value: true, reason: 'FALLTHROUGH' });
    breakIt(file);
    await until(() => ev.diagnostics().some((d) => d.code === 'UNKNOWN_FIELD'));
    expect(ev.evaluate('f1', {})).toEqual({ value: true, reason: 'FALLTHROUGH' }); // the last valid version, as before
    const k = await runMain(['kill', 'f1'], { cwd: root });
    expect(k.code).toBe(0);
    expect(k.stdout).toBe('Kill switch activated for f1\n');
    expect(k.stderr).toContain('running services keep its last valid version with the file\'s kill switch and `enabled: false` applied');
    await until(() => ev.evaluate('f1', {}).reason === 'KILL_SWITCH');
    expect(ev.evaluate('f1', {})).toEqual({ value: false, reason: 'KILL_SWITCH' });
    expect(ev.isEnabled('f1', {})).toBe(false);
  });

  it('toggle --off and toggle --off --env reach it too; revive and --on are refused on an invalid flag', async () => {
    const { root, file, ev } = await running({ 'f1.yaml': ON });
    breakIt(file);
    await ev.reload();
    expect(ev.evaluate('f1', { environment: 'production' })).toMatchObject({ value: true });
    expect((await runMain(['toggle', 'f1', '--off', '--env', 'production'], { cwd: root })).code).toBe(0);
    await ev.reload();
    expect(ev.evaluate('f1', { environment: 'production' })).toMatchObject({ value: false, reason: 'ENVIRONMENT_DISABLED' });
    expect(ev.evaluate('f1', { environment: 'staging' })).toMatchObject({ value: true });
    expect((await runMain(['toggle', 'f1', '--off'], { cwd: root })).code).toBe(0);
    await ev.reload();
    expect(ev.evaluate('f1', { environment: 'staging' })).toMatchObject({ value: false, reason: 'DISABLED' });
    expect((await runMain(['toggle', 'f1', '--on'], { cwd: root })).code).toBe(1);
  });

  it('nothing else of the invalid version is served', async () => {
    const { file, ev } = await running({ 'f1.yaml': ON });
    // Invalid (ownr), and it would also change the value and turn a disabled environment on: none of it applies.
    writeFileSync(file, ON.replace('owner: team', 'ownr: typo').replace('value: true', 'value: "on"').replace('defaultValue: false', 'defaultValue: true'));
    await ev.reload();
    expect(ev.evaluate('f1', {})).toEqual({ value: true, reason: 'FALLTHROUGH' });
    expect(ev.flags().get('f1')).toMatchObject({ defaultValue: false, fallthrough: { value: true }, killSwitch: false });
  });

  it('withSafetyFields: only killSwitch true, enabled false and environments.*.enabled false, from a mapping', () => {
    const last = { key: 'a', enabled: true, killSwitch: false, environments: { prod: { enabled: true, value: 1 } } } as never;
    expect(withSafetyFields(last, null)).toBe(last);
    expect(withSafetyFields(last, ['x'])).toBe(last);
    expect(withSafetyFields(last, { killSwitch: 'yes', enabled: 0, environments: { prod: { enabled: 'no' } } })).toBe(last);
    expect(withSafetyFields(last, { killSwitch: true })).toMatchObject({ killSwitch: true, enabled: true });
    expect(withSafetyFields(last, { enabled: false, killSwitch: false })).toMatchObject({ enabled: false, killSwitch: false });
    expect(withSafetyFields(last, { environments: { prod: { enabled: false }, __proto__: { enabled: false }, dev: { enabled: false } } })).toMatchObject({
      environments: { prod: { enabled: false, value: 1 }, dev: { enabled: false } },
    });
    expect(({} as Record<string, unknown>).enabled).toBeUndefined();
  });
});
