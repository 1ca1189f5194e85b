/**
 * Issue 12 items 3 and 4: an enabled flag that serves its default to everyone
 * is called out (validate NO_EFFECT, toggle's message), `create` can write a
 * fallthrough, and `toggle --env` states what the environment really serves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagYaml, projectWith, removeDir, REPO_FLAGS, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
function fresh(): string {
  const d = projectWith({ 'keep.yaml': flagYaml('keep').replace('enabled: true', 'enabled: false') });
  dirs.push(d);
  return d;
}

describe('an enabled flag that changes nothing (item 3)', () => {
  it('create + toggle --on: the message says it serves its default to everyone, with the fix; validate warns NO_EFFECT', async () => {
    const d = fresh();
    expect((await runMain(['create', 'dark-mode', '--type', 'boolean', '--default', 'false'], { cwd: d })).code).toBe(0);
    const r = await runMain(['toggle', 'dark-mode', '--on'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Flag dark-mode enabled, but it serves its default value false to everyone: no rule, fallthrough, variant or override serves anything else; ' +
        'give it a value with `flags set dark-mode fallthrough.value true` or `flags rollout dark-mode 10`\n',
    );
    expect(r.stderr).toBe('');
    const v = await runMain(['validate', '--json'], { cwd: d });
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).diagnostics.map((x: { code: string; line: number }) => `${x.code} ${x.line}`)).toEqual(['NO_EFFECT 6']);
    expect((await runMain(['validate', '--strict'], { cwd: d })).code).toBe(1);
  });

  it('both fixes the message names work: rollout creates the fallthrough of a boolean flag, and then the warning is gone', async () => {
    const d = fresh();
    await runMain(['create', 'dark-mode', '--type', 'boolean', '--default', 'false'], { cwd: d });
    await runMain(['toggle', 'dark-mode', '--on'], { cwd: d });
    const r = await runMain(['rollout', 'dark-mode', '10'], { cwd: d });
    expect(r.stdout).toBe('Rollout of dark-mode (fallthrough): 0% → 10%\n');
    expect((await runMain(['show', 'dark-mode', '--json'], { cwd: d })).stdout).toContain('"fallthrough": {\n    "percentage": 10,\n    "value": true\n  }');
    expect((await runMain(['validate', '--strict'], { cwd: d })).code).toBe(0);
    const other = fresh();
    await runMain(['create', 'dark-mode', '--type', 'boolean', '--default', 'false'], { cwd: other });
    await runMain(['toggle', 'dark-mode', '--on'], { cwd: other });
    expect((await runMain(['set', 'dark-mode', 'fallthrough.value', 'true'], { cwd: other })).code).toBe(0);
    expect((await runMain(['validate', '--strict'], { cwd: other })).code).toBe(0);
  });

  it('create --on-value and --rollout write a fallthrough; the message says what it serves once on', async () => {
    const d = fresh();
    const r = await runMain(['create', 'dark-mode', '--type', 'boolean', '--default', 'false', '--rollout', '10'], { cwd: d });
    expect(r.stdout).toBe('Created flag dark-mode in flags/dark-mode.yaml (disabled; turn it on with `flags toggle dark-mode --on`: it then serves true to 10% of contexts no rule matches)\n');
    expect(readFileSync(path.join(d, 'flags/dark-mode.yaml'), 'utf8')).toContain('rules: []\nfallthrough:\n  percentage: 10\n  value: true\ntags: []\n');
    expect((await runMain(['toggle', 'dark-mode', '--on'], { cwd: d })).stdout).toBe('Flag dark-mode enabled\n');
    const s = await runMain(['create', 'theme', '--type', 'string', '--default', 'light', '--on-value', 'dark'], { cwd: d });
    expect(s.stdout).toContain('it then serves "dark" to every context no rule matches');
    expect((await runMain(['eval', 'theme', '--json'], { cwd: d })).stdout).toContain('"value": "light"');
    await runMain(['toggle', 'theme', '--on'], { cwd: d });
    expect(JSON.parse((await runMain(['eval', 'theme', '--json'], { cwd: d })).stdout)).toMatchObject({ value: 'dark', reason: 'FALLTHROUGH' });
  });

  it('create --rollout of a non-boolean flag needs --on-value; a bad percentage is a usage error (exit 2)', async () => {
    const d = fresh();
    const a = await runMain(['create', 'theme', '--type', 'string', '--default', 'light', '--rollout', '5'], { cwd: d });
    expect(a).toMatchObject({ code: 2, stderr: 'error: --rollout of a string flag needs --on-value: the value to roll out\n' });
    const b = await runMain(['create', 'x', '--type', 'boolean', '--default', 'false', '--rollout', '150'], { cwd: d });
    expect(b.code).toBe(2);
  });

  it("the repository's own flags stay clean under --strict", async () => {
    const d = tempDir();
    dirs.push(d);
    expect((await runMain(['validate', '--strict', '--dir', REPO_FLAGS], { cwd: d })).code).toBe(0);
  });
});

describe('toggle --env says what the environment really serves (item 4)', () => {
  const FLAG = flagYaml('checkout').replace('enabled: true', 'enabled: false').replace('rules: []', 'rules: []\nfallthrough:\n  value: true');

  it('a flag off globally: never "already enabled" while staging serves the default', async () => {
    const d = projectWith({ 'checkout.yaml': FLAG });
    dirs.push(d);
    const first = await runMain(['toggle', 'checkout', '--on', '--env', 'staging'], { cwd: d });
    expect(first.stdout).toMatch(/^Flag checkout is still off in staging \(serves its default value false\); its staging override is now enabled, but the flag is disabled globally/);
    const again = await runMain(['toggle', 'checkout', '--on', '--env', 'staging'], { cwd: d });
    expect(again.stdout).not.toContain('already enabled');
    expect(again.stdout).toMatch(/^Flag checkout is still off in staging \(serves its default value false\); nothing changed: its staging override already has enabled: true/);
    expect(again.stdout).toContain('`flags toggle checkout --on`');
    expect(again.stdout).toContain('`flags set checkout environments.staging.value VALUE`');
    // Once the flag is on globally, staging is on too, and the message says so.
    await runMain(['toggle', 'checkout', '--on'], { cwd: d });
    expect((await runMain(['toggle', 'checkout', '--on', '--env', 'staging'], { cwd: d })).stdout).toBe('Flag checkout already enabled in staging (nothing changed)\n');
  });

  it('an environment with its own value is on even when the flag is off globally', async () => {
    const d = projectWith({ 'checkout.yaml': FLAG + '\nenvironments:\n  staging:\n    enabled: false\n    value: true\n' });
    dirs.push(d);
    expect((await runMain(['toggle', 'checkout', '--on', '--env', 'staging'], { cwd: d })).stdout).toBe('Flag checkout enabled in staging\n');
  });
});
