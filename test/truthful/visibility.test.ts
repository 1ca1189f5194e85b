/**
 * Issue 12 items 14 and 15: invalid flags and experiments stay visible in
 * list/show/experiment show; editing the flag of a running experiment warns.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, runMain, tempProject } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
function project(): string {
  const d = tempProject();
  dirs.push(d);
  writeFileSync(path.join(d, 'flags/broken.yaml'), 'key: broken\nname: b\ndescription: ""\ntype: boolean\ndefaultValue: 3\nenabled: true\nrules: []\ntags: []\nowner: x\n');
  return d;
}

describe('invalid flags stay in view (item 14)', () => {
  it('list marks them with their number of problems and the hint', async () => {
    const d = project();
    const r = await runMain(['list'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│ broken +│ INVALID +│ +│ 1 problem +│ +│ flags\/broken\.yaml:1 +│/);
    expect(r.stdout).toContain('1 invalid flag is not served (callers get their own default); run `flags validate` or `flags show KEY`');
    const json = JSON.parse((await runMain(['list', '--json'], { cwd: d })).stdout);
    expect(json.at(-1)).toEqual({ key: 'broken', invalid: true, problems: 1, file: 'flags/broken.yaml', line: 1 });
  });

  it('show KEY prints the flag as written and its problems (exit 1)', async () => {
    const d = project();
    const r = await runMain(['show', 'broken'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken: INVALID, not served');
    expect(r.stdout).toContain("flags/broken.yaml:5:15  error  VALUE_TYPE_MISMATCH  defaultValue is number 3, but the flag's type is boolean");
    expect(r.stdout).toContain('as written in flags/broken.yaml:1:\n  key: broken\n  name: b\n');
    const json = JSON.parse((await runMain(['show', 'broken', '--json'], { cwd: d })).stdout);
    expect(json).toMatchObject({ key: 'broken', invalid: true, served: false, file: 'flags/broken.yaml' });
    expect(json.problems[0].code).toBe('VALUE_TYPE_MISMATCH');
  });

  it('experiment show of an invalid experiment prints its problems and the definition', async () => {
    const d = project();
    mkdirSync(path.join(d, 'flags/experiments'));
    writeFileSync(path.join(d, 'flags/experiments/bad.yaml'), 'id: bad\nname: [\n');
    const r = await runMain(['experiment', 'show', 'bad'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('experiment bad: INVALID (1 problem)');
    expect(r.stdout).toContain('YAML_SYNTAX');
    expect(r.stdout).toContain('as written in flags/experiments/bad.yaml:\n  id: bad\n  name: [');
  });
});

describe('editing the flag of a running experiment warns (item 15)', () => {
  it('toggle, kill and set warn, and the change is still made', async () => {
    const d = tempProject();
    dirs.push(d);
    await runMain(['experiment', 'create', 'exp', '--flag', 'exp-flag', '--name', 'E', '--control', 'a', '--treatment', 'b', '--metric', 'buy'], { cwd: d });
    // A draft experiment: no warning.
    expect((await runMain(['toggle', 'exp-flag', '--on'], { cwd: d })).stderr).not.toContain('running experiment');
    await runMain(['toggle', 'exp-flag', '--off'], { cwd: d });
    expect((await runMain(['experiment', 'start', 'exp'], { cwd: d })).code).toBe(0);
    const off = await runMain(['toggle', 'exp-flag', '--off'], { cwd: d });
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('Flag exp-flag disabled\n');
    expect(off.stderr).toMatch(/^warning: exp-flag is the flag of running experiment exp: turning it on or off changes which users are exposed to which arm/);
    const kill = await runMain(['kill', 'exp-flag'], { cwd: d });
    expect(kill.stderr).toContain('warning: exp-flag is the flag of running experiment exp: the kill switch');
    expect(JSON.parse((await runMain(['show', 'exp-flag', '--json'], { cwd: d })).stdout).killSwitch).toBe(true);
    // Nothing changed: nothing to warn about.
    expect((await runMain(['kill', 'exp-flag'], { cwd: d })).stderr).toBe('');
    const value = await runMain(['set', 'exp-flag', 'variants.b.value', 'c'], { cwd: d });
    expect(value.stderr).toContain('changing variants.b.value changes which users');
    expect((await runMain(['set', 'exp-flag', 'owner', 'team-x'], { cwd: d })).stderr).toBe('');
  });
});
