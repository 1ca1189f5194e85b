/**
 * Issue 12 item 12: one shape for every error. One line on stderr, exit 2 for
 * a bad option value or argument, "did you mean" for a misspelt flag key, and
 * with --json an {"error": {code, message}} object on stdout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runMain, tempProject } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = tempProject();
});
afterAll(() => removeDir(dir));

function oneErrorLine(stderr: string): void {
  expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
}

describe('exit 2 for every bad option value or argument', () => {
  it.each([
    [['rollout', 'model-provider', 'abc']],
    [['rollout', 'model-provider', '150']],
    [['set', 'model-provider', 'enabled', 'maybe']],
    [['set', 'model-provider', 'enabeld', 'true']],
    [['set', 'model-provider', 'rules.nope.value', 'x']],
    [['set', 'parallel-agents-limit', 'defaultValue', 'many']],
    [['create', 'x', '--type', 'boolean', '--default', 'maybe']],
    [['create', '-bad key', '--type', 'boolean', '--default', 'true']],
    [['eval', 'model-provider', '--set', 'novalue']],
    [['experiment', 'results', 'x', '--alpha', '2']],
    [['lst']],
    [['toggle', 'model-provider', '--bogus']],
  ])('%j', async (argv) => {
    const r = await runMain(argv, { cwd: dir });
    expect(r.code).toBe(2);
    oneErrorLine(r.stderr);
  });
});

describe('"did you mean" for an unknown flag key', () => {
  it.each([['show'], ['eval'], ['toggle'], ['kill'], ['set', 'owner', 'x'], ['rollout', '10']])('%s', async (command, ...rest) => {
    const r = await runMain([command, 'model-provder', ...rest], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no flag "model-provder" in flags (did you mean "model-provider"?)');
    oneErrorLine(r.stderr);
  });
});

describe('one line on stderr', () => {
  it('invalid JSON on stdin (the parser quotes the input with its newline)', async () => {
    const r = await runMain(['eval', 'model-provider', '--context', '-'], { cwd: dir, stdin: '{ bad\n json' });
    expect(r.code).toBe(1);
    oneErrorLine(r.stderr);
  });

  it('toggle --off of a flag with several errors: the edit lands, one warning line, exit 0', async () => {
    const p = tempProject();
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        `${p}/flags/broken.yaml`,
        'key: broken\nname: b\ndescription: ""\ntype: boolean\ndefaultValue: 3\nenabled: true\nrules:\n  - id: r\n    conditions: []\n    value: "x"\ntags: []\nowner: 5\nbogus: 1\n',
      );
      const r = await runMain(['toggle', 'broken', '--off'], { cwd: p });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Flag broken disabled\n');
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^warning: flag broken has 4 errors \(first: flags\/broken\.yaml:\d+:\d+ [A-Z_]+\): `flags eval` and services started now do not serve it until they are fixed; running services keep its last valid version with the file's kill switch and `enabled: false` applied; run `flags validate`$/);
    } finally {
      removeDir(p);
    }
  });

  it('commander usage errors with a suggestion are one line', async () => {
    const r = await runMain(['lst'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'lst' (Did you mean list?)\n");
  });
});

describe('--json errors are an object on stdout', () => {
  it.each([
    [['show', 'nope', '--json'], 'FLAG_NOT_FOUND', 1],
    [['rollout', 'model-provider', 'abc', '--json'], 'USAGE', 2],
    [['set', 'model-provider', 'enabled', 'maybe', '--json'], 'INVALID_VALUE', 2],
    [['--json', 'toggle', 'model-provider', '--bogus'], 'USAGE', 2],
    [['experiment', 'show', 'nope', '--json'], 'EXPERIMENT_NOT_FOUND', 1],
  ])('%j → %s', async (argv, code, exit) => {
    const r = await runMain(argv as string[], { cwd: dir });
    expect(r.code).toBe(exit);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    oneErrorLine(r.stderr);
  });
});
