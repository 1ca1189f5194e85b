/**
 * `flags experiment …` end to end: temp copies of the repository's flags, in
 * real git repositories for the lifecycle, the real binary for the full
 * lifecycle and for eight concurrent writers, in-process runs elsewhere.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cdf from '@stdlib/stats-base-dists-normal-cdf';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { removeDir, runBin, runBinAsync, runMain, tempProject, type RunResult } from '../helpers/cli.js';
import { changedLines, commitAll, git } from '../helpers/git.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const project = () => {
  const d = tempProject();
  dirs.push(d);
  return d;
};
const LOG = 'flags/experiments/events.jsonl';
const readLog = (d: string, file = LOG) => (existsSync(path.join(d, file)) ? readFileSync(path.join(d, file), 'utf8') : '');
const logLines = (d: string, file = LOG) => readLog(d, file).split('\n').filter((l) => l !== '');

const gitProject = (): string => commitAll(project(), 'flags');

const CREATE = [
  'experiment', 'create', 'checkout-button',
  '--flag', 'checkout-button-color',
  '--name', 'Checkout button colour',
  '--description', 'Does a green button sell more?',
  '--control', 'blue:Blue',
  '--treatment', 'green:Green',
  '--metric', 'purchase',
  '--secondary-metric', 'add-to-cart',
];
const run = (d: string, args: string[], env: Record<string, string> = {}) => runMain(args, { cwd: d, env });
async function ok(d: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const r = await run(d, args, env);
  expect(r, `flags ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return r;
}
/** An edit of the flag of a running experiment: it lands, and warns that the experiment's data is affected (issue 12). */
async function okWarnsRunning(d: string, args: string[]): Promise<RunResult> {
  const r = await run(d, args);
  expect(r.code, `flags ${args.join(' ')}`).toBe(0);
  expect(r.stderr).toMatch(/^warning: checkout-button-color is the flag of running experiment checkout-button: .*\n$/);
  return r;
}
async function created(args = CREATE): Promise<string> {
  const d = project();
  await ok(d, args);
  return d;
}
async function running(args = CREATE): Promise<string> {
  const d = await created(args);
  await ok(d, ['experiment', 'start', args[2]]);
  return d;
}
/**
 * Running, and started before the generated logs below (dated January 2026,
 * T0): results count only events inside the experiment's window (SPEC 8).
 */
async function runningSinceJanuary(args = CREATE): Promise<string> {
  const d = await running(args);
  const file = path.join(d, 'flags/experiments', `${args[2]}.yaml`);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^startDate: .*$/m, 'startDate: 2026-01-01T00:00:00Z'));
  return d;
}

describe('the full lifecycle with the real binary, in a git repository', () => {
  it('create, validate, start, expose, convert, pause, resume, complete; each transition is a small diff of both files', () => {
    const d = gitProject();
    const bin = (args: string[]) => {
      const r = runBin(args, { cwd: d });
      expect(r.stderr, `flags ${args.join(' ')}`).toBe('');
      expect(r.code, `flags ${args.join(' ')}`).toBe(0);
      return r.stdout;
    };
    expect(bin(CREATE)).toBe(
      'Created experiment checkout-button (draft) in flags/experiments/checkout-button.yaml\n' +
        'Created flag checkout-button-color in flags/checkout-button-color.yaml: blue 50%, green 50% (disabled until `flags experiment start checkout-button`)\n',
    );
    // Both new files pass validation, with no warning either.
    const validation = JSON.parse(bin(['validate', '--json'])) as { valid: boolean; diagnostics: unknown[] };
    expect(validation).toEqual({ valid: true, diagnostics: [] });
    expect(bin(['validate', '--strict'])).toMatch(/1 experiment/);
    expect(git(d, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual(['?? flags/checkout-button-color.yaml', '?? flags/experiments/']);
    git(d, 'add', '.');
    git(d, 'commit', '-q', '-m', 'experiment');

    expect(bin(['experiment', 'start', 'checkout-button'])).toBe('Experiment checkout-button started (draft → running); flag checkout-button-color enabled\n');
    const flagDiff = changedLines(d, 'flags/checkout-button-color.yaml');
    expect(flagDiff.slice(0, 2)).toEqual(['-enabled: false', '+enabled: true']);
    // updatedAt changes too, unless the start came within the second of the create.
    expect([0, 2]).toContain(flagDiff.length - 2);
    if (flagDiff.length > 2) expect(flagDiff.slice(2)).toEqual([expect.stringMatching(/^-updatedAt: /), expect.stringMatching(/^\+updatedAt: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);
    const expDiff = changedLines(d, 'flags/experiments/checkout-button.yaml');
    expect(expDiff).toEqual(['-status: draft', '+status: running', expect.stringMatching(/^\+startDate: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);
    expect(JSON.parse(bin(['validate', '--json']))).toEqual({ valid: true, diagnostics: [] });
    git(d, 'commit', '-q', '-am', 'start');

    expect(bin(['experiment', 'expose', 'checkout-button', '--user', 'u-1'])).toMatch(/^Exposure recorded: user u-1 → (blue|green) \(experiment checkout-button, flags\/experiments\/events.jsonl\)\n$/);
    expect(bin(['experiment', 'convert', 'checkout-button', '--user', 'u-1'])).toMatch(/^Conversion recorded: user u-1, purchase /);
    expect(logLines(d)).toHaveLength(2);

    expect(bin(['experiment', 'pause', 'checkout-button'])).toBe('Experiment checkout-button paused (running → paused); flag checkout-button-color disabled\n');
    expect(changedLines(d, 'flags/experiments/checkout-button.yaml')).toEqual(['-status: running', '+status: paused']);
    expect(bin(['experiment', 'resume', 'checkout-button'])).toBe('Experiment checkout-button resumed (paused → running); flag checkout-button-color enabled\n');
    expect(bin(['experiment', 'complete', 'checkout-button'])).toBe('Experiment checkout-button completed (running → completed); flag checkout-button-color disabled\n');
    expect(changedLines(d, 'flags/experiments/checkout-button.yaml')).toEqual(['-status: running', '+status: completed', expect.stringMatching(/^\+endDate: /)]);
    expect(JSON.parse(bin(['validate', '--json']))).toEqual({ valid: true, diagnostics: [] });

    const shown = JSON.parse(bin(['experiment', 'show', 'checkout-button', '--json']));
    expect(shown).toMatchObject({ id: 'checkout-button', status: 'completed', control: { key: 'blue', name: 'Blue' }, treatment: [{ key: 'green', name: 'Green', weight: 50 }] });
    expect(shown.startDate < shown.endDate || shown.startDate === shown.endDate).toBe(true);
    const results = JSON.parse(bin(['experiment', 'results', 'checkout-button', '--json']));
    expect(results).toMatchObject({ experimentId: 'checkout-button', status: 'completed', sampleSize: 1 });
    // No hidden temp files or locks are left behind.
    expect(git(d, 'status', '--porcelain', '--ignored').split('\n').filter((l) => /\/\./.test(l))).toEqual([]);
  });
});

describe('create', () => {
  it.each([
    ['two arms', ['--treatment', 'green'], [['blue', 50], ['green', 50]]],
    ['three arms', ['--treatment', 'green', '--treatment', 'teal'], [['blue', 34], ['green', 33], ['teal', 33]]],
    ['a given weight', ['--treatment', 'green:Green:10', '--treatment', 'teal'], [['blue', 45], ['green', 10], ['teal', 45]]],
    ['a weight without a name', ['--treatment', 'green:20%'], [['blue', 80], ['green', 20]]],
  ])('weights, %s: the flag\'s variants, the definition and validation agree', async (_, treatments, expected) => {
    const d = project();
    await ok(d, ['experiment', 'create', 'e1', '--flag', 'e1-flag', '--name', 'E1', '--control', 'blue', ...treatments, '--metric', 'm']);
    const flag = JSON.parse((await ok(d, ['show', 'e1-flag', '--json'])).stdout);
    expect(flag).toMatchObject({ type: 'string', enabled: false, defaultValue: 'blue', name: 'E1', tags: ['experiment'] });
    expect(flag.variants.map((v: { key: string; weight: number }) => [v.key, v.weight])).toEqual(expected);
    expect(flag.variants.every((v: { key: string; value: string }) => v.value === v.key)).toBe(true);
    const exp = JSON.parse((await ok(d, ['experiment', 'show', 'e1', '--json'])).stdout);
    expect(exp.treatment.map((t: { key: string; weight: number }) => [t.key, t.weight])).toEqual(expected.slice(1));
    expect(JSON.parse((await run(d, ['validate', '--json'])).stdout)).toEqual({ valid: true, diagnostics: [] });
  });

  const base = (change: Record<string, string>, extra: string[] = []) => {
    const args = [...CREATE];
    for (const [option, value] of Object.entries(change)) {
      if (option === 'id') args[2] = value;
      else args[args.indexOf(option) + 1] = value;
    }
    return [...args, ...extra];
  };
  it.each([
    // An existing flag can back an experiment (SPEC 8), but only through its variants.
    // Arms that cannot be built from the arguments are usage errors (issue 12: INVALID_ARMS exits 2).
    ['an existing flag without variants', base({ '--flag': 'model-provider' }), 2, /^error: flag "model-provider" has no variants; an experiment needs a variant per arm/],
    ['an unsafe id', base({ id: '../up' }), 2, /^error: invalid experiment id "..\/up"/],
    ['treatment weights over 100', base({ '--treatment': 'teal::70' }, ['--treatment', 'red::40']), 2, /^error: treatment weights sum to 110, over 100\n$/],
    ['a weight with three decimals', base({ '--treatment': 'teal:Teal:10.125' }), 2, /weight 10.125 must be 0–100 with at most two decimals/],
    ['a control without a key', base({ '--control': ':Blue' }), 2, /--control expects KEY\[:NAME\]/],
    ['a repeated arm', base({ '--treatment': 'blue' }), 2, /^error: arm key "blue" is used twice\n$/],
  ])('refuses %s and writes nothing', async (_, args, code, message) => {
    const d = project();
    const before = readLog(d, 'flags/default-flags.yaml');
    const r = await run(d, args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(path.join(d, 'flags/experiments'))).toBe(false);
    expect(existsSync(path.join(d, 'flags/checkout-button-color.yaml'))).toBe(false);
    expect(readLog(d, 'flags/default-flags.yaml')).toBe(before);
  });

  it('refuses an existing experiment id', async () => {
    const d = await created();
    const r = await run(d, [...CREATE.slice(0, 3), '--flag', 'another-flag', ...CREATE.slice(5)]);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe('error: experiment "checkout-button" already exists (flags/experiments/checkout-button.yaml)\n');
    expect(existsSync(path.join(d, 'flags/another-flag.yaml'))).toBe(false);
  });

  it('missing required options are usage errors (exit 2)', async () => {
    const d = project();
    expect((await run(d, ['experiment', 'create', 'x', '--flag', 'f', '--name', 'X', '--control', 'a', '--metric', 'm'])).code).toBe(2);
    expect((await run(d, ['experiment', 'create', 'x', '--flag', 'f', '--name', 'X', '--treatment', 'b', '--metric', 'm'])).code).toBe(2);
    expect((await run(d, ['experiment', 'bogus'])).code).toBe(2);
  });
});

describe('transitions', () => {
  it.each([
    ['pause', [], 'cannot pause experiment "checkout-button": it is draft; allowed from draft: start, cancel'],
    ['resume', [], 'allowed from draft: start, cancel'],
    ['complete', [], 'allowed from draft: start, cancel'],
    ['start', ['pause'], 'cannot start experiment "checkout-button": it is paused; allowed from paused: resume, complete, cancel'],
    ['pause', ['cancel'], 'it is cancelled; a cancelled experiment is final: no action is allowed'],
    ['resume', ['complete'], 'it is completed; a completed experiment is final: no action is allowed'],
  ])('%s after %j is refused (exit 1), naming the allowed actions; nothing changes', async (action, before, message) => {
    const d = await created();
    if (before.length) await ok(d, ['experiment', 'start', 'checkout-button']);
    for (const a of before) await ok(d, ['experiment', a, 'checkout-button']);
    const files = [readLog(d, 'flags/experiments/checkout-button.yaml'), readLog(d, 'flags/checkout-button-color.yaml')];
    const r = await run(d, ['experiment', action, 'checkout-button']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/^error: cannot \w+ experiment "checkout-button": [^\n]*\n$/);
    expect(r.stderr).toContain(message);
    expect([readLog(d, 'flags/experiments/checkout-button.yaml'), readLog(d, 'flags/checkout-button-color.yaml')]).toEqual(files);
  });

  it('running a transition again repairs the flag of a half-done one, and says so', async () => {
    const d = await running();
    await okWarnsRunning(d, ['toggle', 'checkout-button-color', '--off']);
    expect((await run(d, ['validate'])).stdout).toMatch(/EXPERIMENT_STATUS_MISMATCH/);
    const r = await ok(d, ['experiment', 'start', 'checkout-button']);
    expect(r.stdout).toBe('Experiment checkout-button is already running; flag checkout-button-color was disabled: enabled it to match\n');
    expect(JSON.parse((await run(d, ['validate', '--json'])).stdout)).toEqual({ valid: true, diagnostics: [] });
    expect((await ok(d, ['experiment', 'resume', 'checkout-button'])).stdout).toBe(
      'Experiment checkout-button is already running; flag checkout-button-color is enabled (nothing changed)\n',
    );
  });

  it('starting with the kill switch on says nobody enters the split', async () => {
    const d = await created();
    await ok(d, ['kill', 'checkout-button-color']);
    const r = await ok(d, ['experiment', 'start', 'checkout-button']);
    expect(r.stdout).toMatch(/flag checkout-button-color enabled, but its kill switch is on: every user gets the default \(blue\)/);
  });

  it('an unknown experiment is exit 1 with a suggestion', async () => {
    const d = await created();
    const r = await run(d, ['experiment', 'start', 'checkout-buton']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: no experiment "checkout-buton" in flags/experiments (did you mean "checkout-button"?)\n' });
    expect((await run(d, ['experiment', 'show', 'nope'])).code).toBe(1);
  });
});

describe('list and show', () => {
  it('list: a table of id, status, flag, arms and start date; --json the definitions', async () => {
    const d = await running();
    await ok(d, ['experiment', 'create', 'a-first', '--flag', 'a-flag', '--name', 'A', '--control', 'x', '--treatment', 'y', '--treatment', 'z', '--metric', 'm']);
    const text = (await ok(d, ['experiment', 'list'])).stdout;
    const rows = text.split('\n').filter((l) => l.startsWith('│'));
    expect(rows[0]).toMatch(/│ id\s+│ status\s+│ flag\s+│ arms \(control first\)\s+│ started\s+│/);
    expect(rows[1]).toMatch(/│ a-first\s+│ draft\s+│ a-flag\s+│ x 34%, y 33%, z 33%\s+│ -\s+│/);
    expect(rows[2]).toMatch(/│ checkout-button\s+│ running\s+│ checkout-button-color\s+│ blue 50%, green 50%\s+│ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+│/);
    const json = JSON.parse((await ok(d, ['experiment', 'list', '--json'])).stdout);
    expect(json.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([['a-first', 'draft'], ['checkout-button', 'running']]);
  });

  it('list without experiments says so; an invalid definition is a warning line, not a failure', async () => {
    const d = project();
    expect((await ok(d, ['experiment', 'list'])).stdout).toBe('No experiments (create one with `flags experiment create`)\n');
    await ok(d, CREATE);
    writeFileSync(path.join(d, 'flags/experiments/broken.yaml'), 'id: broken\n');
    const r = await run(d, ['experiment', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: 1 experiment file has errors; run `flags validate`\n');
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });

  it('show: status, flag state, metrics, next actions, arms; findings about it', async () => {
    const d = await running();
    await okWarnsRunning(d, ['toggle', 'checkout-button-color', '--off']);
    const r = await ok(d, ['experiment', 'show', 'checkout-button']);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['checkout-button  Checkout button colour', 'Does a green button sell more?', '']);
    expect(lines[3]).toMatch(/^status    running  \(started \d{4}-/);
    expect(lines.slice(4, 11)).toEqual([
      'flag      checkout-button-color (disabled)',
      'metrics   purchase (primary), add-to-cart',
      'next      pause, complete, cancel',
      '',
      'arms',
      '  blue   control       50%  Blue',
      '  green  treatment     50%  Green',
    ]);
    expect(lines[11]).toMatch(/^warning: flags\/experiments\/checkout-button.yaml:\d+:\d+  warning  EXPERIMENT_STATUS_MISMATCH  experiment is running but flag "checkout-button-color" is disabled/);
  });
});

describe('expose and convert', () => {
  it('only running experiments accept events: draft, paused, completed are refused and nothing is written', async () => {
    const d = await created();
    const tryBoth = async (status: string) => {
      const e = await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1']);
      const c = await run(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1']);
      expect(e).toMatchObject({ code: 1, stdout: '' });
      expect(e.stderr).toMatch(new RegExp(`^error: experiment checkout-button is ${status}: only running experiments accept exposures`));
      expect(c).toMatchObject({ code: 1, stdout: '' });
      expect(c.stderr).toMatch(new RegExp(`^error: experiment checkout-button is ${status}: only running experiments accept conversions`));
      const v = await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--variant', 'blue']);
      expect(v.code).toBe(1);
      expect(existsSync(path.join(d, LOG))).toBe(false);
    };
    await tryBoth('draft');
    await ok(d, ['experiment', 'start', 'checkout-button']);
    await ok(d, ['experiment', 'pause', 'checkout-button']);
    await tryBoth('paused');
    await ok(d, ['experiment', 'complete', 'checkout-button']);
    await tryBoth('completed');
  });

  it('expose records the variant the user really gets: the one `flags eval` reports', async () => {
    const d = await running([...CREATE, '--treatment', 'teal']);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const user = `user-${i}`;
      const evaluated = JSON.parse((await ok(d, ['eval', 'checkout-button-color', '--set', `user.id=${user}`, '--json'])).stdout);
      expect(evaluated.reason).toBe('SPLIT');
      const r = await ok(d, ['experiment', 'expose', 'checkout-button', '--user', user, '--json']);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ recorded: true, event: { type: 'exposure', experimentId: 'checkout-button', userId: user, variant: evaluated.variant } });
      const last = JSON.parse(logLines(d).at(-1)!);
      expect(last).toEqual(out.event);
      expect(Date.parse(last.timestamp)).not.toBeNaN();
      seen.add(evaluated.variant);
    }
    expect([...seen].sort()).toEqual(['blue', 'green', 'teal']);
    expect(logLines(d)).toHaveLength(30);
  });

  it('a user served by a rule, an environment override or the kill switch is not in the experiment: nothing recorded, exit 0', async () => {
    const d = await running();
    const file = path.join(d, 'flags/checkout-button-color.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('rules: []', 'rules:\n  - id: staff\n    conditions:\n      - attribute: attributes.plan\n        operator: equals\n        value: staff\n    value: green')
        .replace('tags:', 'environments:\n  qa:\n    enabled: true\n    value: blue\ntags:'),
    );
    expect(JSON.parse((await run(d, ['validate', '--json'])).stdout).valid).toBe(true);

    const rule = await ok(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--set', 'attributes.plan=staff']);
    expect(rule.stdout).toBe('User u1 is not in experiment checkout-button: flag checkout-button-color serves "green" by rule staff (RULE_MATCH); nothing recorded\n');
    const env = await ok(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--set', 'environment=qa', '--json']);
    expect(JSON.parse(env.stdout)).toMatchObject({ recorded: false, evaluation: { reason: 'ENVIRONMENT_OVERRIDE', value: 'blue' } });
    expect(existsSync(path.join(d, LOG))).toBe(false);

    // The same user without the attribute is in the split.
    await ok(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1']);
    expect(logLines(d)).toHaveLength(1);

    await okWarnsRunning(d, ['kill', 'checkout-button-color']);
    const killed = await ok(d, ['experiment', 'expose', 'checkout-button', '--user', 'u2']);
    expect(killed.stdout).toBe('User u2 is not in experiment checkout-button: flag checkout-button-color serves "blue": its kill switch is on (KILL_SWITCH); nothing recorded\n');
    expect(logLines(d)).toHaveLength(1);
  });

  it('a flag that is invalid or missing is an error (exit 1), not a silent "not in the experiment"', async () => {
    const d = await running();
    const file = path.join(d, 'flags/checkout-button-color.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('weight: 50\ntags', 'weight: 70\ntags'));
    const r = await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: cannot expose user u1: flag checkout-button-color of experiment checkout-button has errors and is not served; run `flags validate`\n');
    writeFileSync(file, '');
    expect((await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1'])).code).toBe(1);
    expect(existsSync(path.join(d, LOG))).toBe(false);
  });

  it('--variant records a given arm, which must be an arm', async () => {
    const d = await running();
    const r = await ok(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--variant', 'green']);
    expect(r.stdout).toBe('Exposure recorded: user u1 → green (experiment checkout-button, flags/experiments/events.jsonl)\n');
    const bad = await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--variant', 'red']);
    expect(bad).toMatchObject({ code: 2, stderr: 'error: "red" is not an arm of experiment checkout-button (its arms: blue, green)\n' });
    expect((await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--variant', 'blue', '--set', 'a=1'])).code).toBe(2);
    expect((await run(d, ['experiment', 'expose', 'checkout-button', '--user', 'u1', '--set', 'user.id=u2'])).code).toBe(2);
    expect((await run(d, ['experiment', 'expose', 'checkout-button'])).code).toBe(2);
    expect(logLines(d)).toHaveLength(1);
  });

  it('convert: the primary metric by default, a secondary one, a value; other metrics are refused', async () => {
    const d = await running();
    await ok(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1']);
    await ok(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1', '--metric', 'add-to-cart', '--value', '19.99']);
    const [a, b] = logLines(d).map((l) => JSON.parse(l));
    expect(a).toEqual({ type: 'conversion', experimentId: 'checkout-button', userId: 'u1', metric: 'purchase', timestamp: expect.stringMatching(/Z$/) });
    expect(b).toMatchObject({ metric: 'add-to-cart', value: 19.99 });
    const bad = await run(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1', '--metric', 'signup']);
    expect(bad).toMatchObject({ code: 2, stderr: 'error: "signup" is not a metric of experiment checkout-button (primary: purchase; secondary: add-to-cart)\n' });
    expect((await run(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1', '--value', 'lots'])).code).toBe(2);
    expect(logLines(d)).toHaveLength(2);
  });

  it('--log and $FLAGS_EVENT_LOG choose the log (the option wins); a missing folder is refused', async () => {
    const d = await running();
    await ok(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1', '--log', 'mine.jsonl']);
    await ok(d, ['experiment', 'convert', 'checkout-button', '--user', 'u2'], { FLAGS_EVENT_LOG: 'env.jsonl' });
    await ok(d, ['experiment', 'convert', 'checkout-button', '--user', 'u3', '--log', 'mine.jsonl'], { FLAGS_EVENT_LOG: 'env.jsonl' });
    expect(logLines(d, 'mine.jsonl').map((l) => JSON.parse(l).userId)).toEqual(['u1', 'u3']);
    expect(logLines(d, 'env.jsonl').map((l) => JSON.parse(l).userId)).toEqual(['u2']);
    expect(existsSync(path.join(d, LOG))).toBe(false);
    const r = await run(d, ['experiment', 'convert', 'checkout-button', '--user', 'u1', '--log', 'no/such/dir.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the folder .*no\/such does not exist/);
  });

  it('eight processes exposing and converting at once lose no line and tear none', async () => {
    const d = await running();
    const perWorker = 6;
    const workers = Array.from({ length: 8 }, async (_, w) => {
      const results: RunResult[] = [];
      for (let i = 0; i < perWorker; i++) {
        const user = `w${w}-u${i >> 1}`;
        const args = i % 2 === 0 ? ['experiment', 'expose', 'checkout-button', '--user', user] : ['experiment', 'convert', 'checkout-button', '--user', user];
        results.push(await runBinAsync(args, { cwd: d }));
      }
      return results;
    });
    const all = (await Promise.all(workers)).flat();
    for (const r of all) expect(r).toMatchObject({ code: 0, stderr: '' });
    const text = readLog(d);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').slice(0, -1);
    expect(lines).toHaveLength(8 * perWorker);
    const events = lines.map((l) => JSON.parse(l) as { type: string; userId: string });
    const keys = events.map((e) => `${e.type}:${e.userId}`).sort();
    const expected = Array.from({ length: 8 }, (_, w) => Array.from({ length: perWorker / 2 }, (_, u) => [`conversion:w${w}-u${u}`, `exposure:w${w}-u${u}`])).flat(2).sort();
    expect(keys).toEqual(expected);
    const results = JSON.parse((await ok(d, ['experiment', 'results', 'checkout-button', '--json'])).stdout);
    expect(results.sampleSize).toBe(8 * (perWorker / 2));
    expect(results.excluded.malformedLines).toBe(0);
  });
});

// ---- results on generated logs ----

// After the experiment's startDate (set by `start` from the clock): SPEC 8 excludes events before it.
const T0 = Date.now() + 86_400_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const exposure = (user: string, variant: string, minutes: number, id = 'checkout-button') =>
  JSON.stringify({ type: 'exposure', experimentId: id, userId: user, variant, timestamp: at(minutes) });
const conversion = (user: string, minutes: number, metric = 'purchase', id = 'checkout-button') =>
  JSON.stringify({ type: 'conversion', experimentId: id, userId: user, metric, timestamp: at(minutes) });

/** `users` users in the arm, the first `converters` of them converting after exposure. */
function arm(variant: string, users: number, converters: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < users; i++) {
    const u = `${variant}-${i}`;
    lines.push(exposure(u, variant, i % 600));
    if (i < converters) lines.push(conversion(u, (i % 600) + 30));
  }
  return lines;
}

/** A deterministic shuffle: the answer must not depend on the order of lines. */
function shuffle<T>(xs: T[]): T[] {
  let seed = 12345;
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const SPEC_KEYS = [
  'experimentId', 'status', 'alpha', 'correction', 'arms', 'comparisons', 'overall', 'srm', 'excluded',
  'winner', 'verdict', 'sampleSize', 'controlConversion', 'treatmentConversions', 'statisticalSignificance',
  // SPEC 8 adds these after the seed's fields.
  'analysis', 'window', 'metrics', 'guardrailRegressions',
];

describe('results', () => {
  it('a generated log with known counts and noise: the counts, the statistics and the report', async () => {
    const d = await runningSinceJanuary();
    const lines = [
      ...arm('blue', 2000, 200),
      ...arm('green', 2000, 260),
      // noise, each kind once
      exposure('early', 'blue', 100), conversion('early', 50), // converted only before exposure: in blue, not a converter
      conversion('ghost', 10), // never exposed
      exposure('both', 'blue', 5), exposure('both', 'green', 6), conversion('both', 20), // two arms: excluded
      exposure('blue-0', 'blue', 0), // an exact duplicate of an earlier line
      conversion('blue-5', 700, 'add-to-cart'), // a secondary metric: not a conversion
      conversion('blue-1999', 900, 'add-to-cart'),
      exposure('someone', 'blue', 3, 'other-experiment'), // another experiment
      '{"type":"exposure","experimentId":"checkout-button","userId":"x"}', // no variant, no timestamp: malformed
    ];
    writeFileSync(path.join(d, LOG), shuffle(lines).join('\n') + '\n' + '{"type":"conversion","experimentId":"checkout-bu');

    const r = await ok(d, ['experiment', 'results', 'checkout-button', '--json']);
    const res = JSON.parse(r.stdout);
    expect(Object.keys(res)).toEqual(SPEC_KEYS);
    expect(res.arms).toEqual([
      expect.objectContaining({ key: 'blue', role: 'control', weight: 50, users: 2001, converters: 200, insufficientData: false }),
      expect.objectContaining({ key: 'green', role: 'treatment', weight: 50, users: 2000, converters: 260, insufficientData: false }),
    ]);
    expect(res.excluded).toEqual({ multipleArms: 1, conversionsBeforeExposure: 1, conversionsWithoutExposure: 1, malformedLines: 2, outsideWindow: 0 });
    expect(res.sampleSize).toBe(4001);

    // The z-test recomputed here from its definition (pooled standard error) and the normal cdf.
    const [pc, pt] = [200 / 2001, 260 / 2000];
    const pooled = 460 / 4001;
    const z = (pt - pc) / Math.sqrt(pooled * (1 - pooled) * (1 / 2001 + 1 / 2000));
    const [cmp] = res.comparisons;
    expect(cmp.treatment).toBe('green');
    expect(cmp.absoluteLift).toBeCloseTo(pt - pc, 12);
    expect(cmp.relativeLift).toBeCloseTo((pt - pc) / pc, 12);
    expect(cmp.z).toBeCloseTo(z, 9);
    expect(cmp.pValue).toBeCloseTo(2 * cdf(-Math.abs(z), 0, 1), 12);
    expect(cmp.adjustedPValue).toBe(cmp.pValue); // Holm over one comparison
    const se = Math.sqrt((pt * (1 - pt)) / 2000 + (pc * (1 - pc)) / 2001);
    expect(cmp.interval[0]).toBeCloseTo(pt - pc - 1.959963984540054 * se, 9);
    expect(cmp.interval[1]).toBeCloseTo(pt - pc + 1.959963984540054 * se, 9);
    expect(res).toMatchObject({ winner: 'green', verdict: 'winner', overall: null, controlConversion: pc, treatmentConversions: { green: pt } });
    expect(res.srm.mismatch).toBe(false);
    expect(res.statisticalSignificance).toBeCloseTo(1 - cmp.pValue, 12);

    // The same log in another order gives the same answer.
    writeFileSync(path.join(d, 'sorted.jsonl'), lines.join('\n') + '\n');
    const sorted = JSON.parse((await ok(d, ['experiment', 'results', 'checkout-button', '--json', '--log', 'sorted.jsonl'])).stdout);
    expect({ ...sorted, excluded: { ...sorted.excluded, malformedLines: 2 } }).toEqual(res);

    const text = (await ok(d, ['experiment', 'results', 'checkout-button'])).stdout;
    const out = text.split('\n');
    expect(out[0]).toMatch(/^Experiment checkout-button \(Checkout button colour\): running, started /);
    // Every line but the other experiment's and the malformed one.
    expect(out[1]).toBe(`primary metric purchase; ${(lines.length - 2).toLocaleString('en-US')} events from flags/experiments/events.jsonl`);
    // weight, then the split the bucketing really serves (issue 12: every report shows it)
    expect(text).toMatch(/│ blue \(control\) │ 50%\s+│ 50%\s+│ 2,001 │ 200\s+│ 10\.00%\s+│ \[[\d.]+%, [\d.]+%\]\s+│/);
    expect(text).toMatch(/│ green\s+│ 50%\s+│ 50%\s+│ 2,000 │ 260\s+│ 13\.00%\s+│/);
    expect(text).toMatch(/│ green\s+│ \+3\.00\s+│ \[\+[\d.]+, \+[\d.]+\]\s+│ \+30\.1%\s+│ \[\+[\d.]+%, \+[\d.]+%\]\s+│ 2\.98\s+│ 0\.0029\s+│ 0\.0029\s+│ winner │/);
    expect(text).toContain('excluded: 1 user exposed to several arms; 1 user who converted only before exposure; 1 converter never exposed\n');
    expect(text).toContain('not this experiment: 1 event of other experiments in the log, skipped\n');
    expect(text).toMatch(new RegExp(`skipped 2 malformed lines of the log \\(line \\d+: exposure without a variant; line ${lines.length + 1}: torn last line \\(48 bytes without a newline`));
    expect(out.at(-2)).toBe('verdict: green beats blue: +3.0 points (+30%), adjusted p = 0.003');
    expect(text).not.toMatch(/SAMPLE RATIO MISMATCH/);
  });

  it('a sample-ratio mismatch is printed first, loudly, and forbids a winner', async () => {
    const d = await runningSinceJanuary();
    // green converts far better, but the arms are 2000 : 1700 under a 50/50 split.
    writeFileSync(path.join(d, LOG), [...arm('blue', 2000, 200), ...arm('green', 1700, 300)].join('\n') + '\n');
    const res = JSON.parse((await ok(d, ['experiment', 'results', 'checkout-button', '--json'])).stdout);
    expect(res.srm.mismatch).toBe(true);
    expect(res.srm.pValue).toBeLessThan(0.001);
    expect(res.comparisons[0].significant).toBe(true);
    expect(res).toMatchObject({ winner: null, verdict: 'sample ratio mismatch' });
    const text = (await ok(d, ['experiment', 'results', 'checkout-button'])).stdout;
    const out = text.split('\n');
    expect(out[0]).toMatch(/^!!! SAMPLE RATIO MISMATCH: the arms' sizes do not match the split \(chi-square 24\.32, df 1, p = [\d.]+e-7\)$/);
    expect(out[1]).toBe('!!! expected blue 50.0% / green 50.0%; got blue 2,000 (54.1%) / green 1,700 (45.9%)');
    expect(text).not.toMatch(/beats|winner │/);
    expect(out.at(-2)).toMatch(/^verdict: sample ratio mismatch \(p = [\d.]+e-7\): .* no winner can be declared/);
  });

  it('not significant yet: says how many more users per arm; three arms add the overall test', async () => {
    const d = await runningSinceJanuary([...CREATE, '--treatment', 'teal']);
    writeFileSync(path.join(d, LOG), [...arm('blue', 1000, 100), ...arm('green', 1000, 110), ...arm('teal', 1000, 104)].join('\n') + '\n');
    const res = JSON.parse((await ok(d, ['experiment', 'results', 'checkout-button', '--json', '--correction', 'bh', '--alpha', '0.1'])).stdout);
    expect(res).toMatchObject({ alpha: 0.1, correction: 'bh', winner: null, verdict: 'not significant yet' });
    expect(res.arms.map((a: { weight: number }) => a.weight)).toEqual([34, 33, 33]); // whole percentages (SPEC 4.1, issue 12)
    expect(res.overall.df).toBe(2);
    const text = (await ok(d, ['experiment', 'results', 'checkout-button', '--correction', 'bh', '--alpha', '0.1'])).stdout;
    expect(text).toMatch(/all 3 arms together: chi-square [\d.]+, df 2, p = [\d.]+/);
    expect(text).toContain('p-values adjusted by Benjamini–Hochberg');
    expect(text).toContain('90% interval');
    expect(text.split('\n').at(-2)).toMatch(/^verdict: not significant yet: need roughly [\d,]+ more users per arm at this effect size$/);
  });

  it('no log yet: zero users, insufficient data; bad options are usage errors', async () => {
    const d = await runningSinceJanuary();
    const text = (await ok(d, ['experiment', 'results', 'checkout-button'])).stdout;
    expect(text).toContain('0 events from flags/experiments/events.jsonl (the log does not exist yet)');
    expect(text).toMatch(/verdict: insufficient data: blue, green need at least 100 users/);
    expect((await run(d, ['experiment', 'results', 'checkout-button', '--alpha', '1.5'])).code).toBe(2);
    expect((await run(d, ['experiment', 'results', 'checkout-button', '--correction', 'bonferroni'])).code).toBe(2);
  });

  it('shows progress on stderr only when it is a terminal, and clears it', async () => {
    const d = await runningSinceJanuary();
    writeFileSync(path.join(d, LOG), arm('blue', 300, 30).join('\n') + '\n');
    let stdout = '';
    let stderr = '';
    const code = await main(['experiment', 'results', 'checkout-button', '--json'], {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: true },
      stdin: new PassThrough(),
      cwd: d,
      env: {},
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^\rreading flags\/experiments\/events.jsonl: 330 \(100%\)\u001b\[K\r\u001b\[K$/);
    expect(JSON.parse(stdout).arms[0].users).toBe(300);
    // Piped (the other tests): no progress at all.
    expect((await ok(d, ['experiment', 'results', 'checkout-button'])).stderr).toBe('');
  });

  it('events appended by expose and convert are what results counts', async () => {
    const d = await runningSinceJanuary();
    for (let i = 0; i < 12; i++) {
      await ok(d, ['experiment', 'expose', 'checkout-button', '--user', `u${i}`]);
      if (i % 3 === 0) await ok(d, ['experiment', 'convert', 'checkout-button', '--user', `u${i}`]);
    }
    appendFileSync(path.join(d, LOG), exposure('u0', 'blue', 0) + '\n'); // an older exposure of u0 to blue, added afterwards
    const res = JSON.parse((await ok(d, ['experiment', 'results', 'checkout-button', '--json'])).stdout);
    const variants = logLines(d).slice(0, -1).map((l) => JSON.parse(l)).filter((e) => e.type === 'exposure');
    const u0 = variants.find((e) => e.userId === 'u0').variant;
    const users = res.arms.reduce((s: number, a: { users: number }) => s + a.users, 0);
    // u0 stays in the sample only if the old exposure was to the same arm.
    expect(users).toBe(u0 === 'blue' ? 12 : 11);
    expect(res.excluded.multipleArms).toBe(u0 === 'blue' ? 0 : 1);
    expect(res.arms.reduce((s: number, a: { converters: number }) => s + a.converters, 0)).toBe(u0 === 'blue' ? 4 : 3);
  });
});
