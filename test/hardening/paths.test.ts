/**
 * Paths (issue 9): flag keys cannot escape the flags directory; nothing is
 * written through a symbolic link to a file or folder outside it; the event
 * log path is used as given, and a folder that does not exist is an error
 * that names it, never created.
 *
 * The store-level tests cover the same rules one function at a time
 * (test/store/flag-edits.test.ts "files and links", createFlag's unsafe keys;
 * test/store/atomic-write.test.ts links; test/store/event-log.test.ts); these
 * run the commands a user types.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/store/event-log.js';
import { flagYaml, projectWith, removeDir, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
function track<T extends string>(dir: T): T {
  dirs.push(dir);
  return dir;
}

/** Every path below `root`, for "nothing else was written" checks. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      out.push(path.relative(root, full));
      if (lstatSync(full).isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

describe('flag keys cannot name a path', () => {
  it.each(['../x', '../../etc/passwd', 'a/b', 'a\\b', '.hidden', '..', '.', '/abs', 'x/../../y', 'x\u0000y', 'con:x', ' spaced', 'x'.repeat(129)])(
    'create %j is refused (exit 2: a bad argument) and writes nothing anywhere',
    async (key) => {
      const outer = track(tempDir('flags-paths-'));
      const project = path.join(outer, 'project');
      mkdirSync(path.join(project, 'flags'), { recursive: true });
      writeFileSync(path.join(project, 'flags', 'good.yaml'), flagYaml('good'));
      const before = tree(outer);
      const r = await runMain(['create', key, '--type', 'boolean', '--default', 'false'], { cwd: project });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/invalid flag key|outside the flags directory/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(tree(outer)).toEqual(before);
    },
  );

  it('a key that is also a path segment elsewhere (toggle ../x) is just an unknown flag', async () => {
    const dir = track(projectWith({ 'good.yaml': flagYaml('good') }));
    writeFileSync(path.join(dir, 'x.yaml'), flagYaml('x'));
    const r = await runMain(['toggle', '../x'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no flag "\.\.\/x"/);
    expect(readFileSync(path.join(dir, 'x.yaml'), 'utf8')).toBe(flagYaml('x'));
  });
});

describe('symbolic links to the outside', () => {
  function setup() {
    const outer = track(tempDir('flags-links-'));
    const outside = path.join(outer, 'outside');
    mkdirSync(outside);
    const project = path.join(outer, 'project');
    mkdirSync(path.join(project, 'flags'), { recursive: true });
    writeFileSync(path.join(project, 'flags', 'good.yaml'), flagYaml('good'));
    return { outer, outside, project, flags: path.join(project, 'flags') };
  }

  it('a flag file linked to a file outside is not read, so it cannot be edited; the outside file is untouched', async () => {
    const { outside, project, flags } = setup();
    const secret = flagYaml('linked');
    writeFileSync(path.join(outside, 'linked.yaml'), secret);
    symlinkSync(path.join(outside, 'linked.yaml'), path.join(flags, 'linked.yaml'));
    const list = await runMain(['list', '--json'], { cwd: project });
    expect(JSON.parse(list.stdout).map((f: { key: string }) => f.key)).toEqual(['good']);
    for (const argv of [['toggle', 'linked'], ['kill', 'linked'], ['set', 'linked', 'owner', 'evil'], ['rollout', 'linked', '50']]) {
      const r = await runMain(argv, { cwd: project });
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/no flag "linked"/);
    }
    expect(readFileSync(path.join(outside, 'linked.yaml'), 'utf8')).toBe(secret);
    expect(lstatSync(path.join(flags, 'linked.yaml')).isSymbolicLink()).toBe(true);
  });

  it('a linked folder leading outside is not read', async () => {
    const { outside, project, flags } = setup();
    writeFileSync(path.join(outside, 'hidden.yaml'), flagYaml('hidden'));
    symlinkSync(outside, path.join(flags, 'team'));
    const r = await runMain(['eval', 'hidden', '--json'], { cwd: project });
    expect(JSON.parse(r.stdout)).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
    expect((await runMain(['toggle', 'hidden'], { cwd: project })).code).toBe(1);
    expect(readFileSync(path.join(outside, 'hidden.yaml'), 'utf8')).toBe(flagYaml('hidden'));
  });

  it('create through a dangling link to the outside is refused and creates nothing there', async () => {
    const { outside, project, flags } = setup();
    symlinkSync(path.join(outside, 'new.yaml'), path.join(flags, 'new.yaml'));
    const r = await runMain(['create', 'new', '--type', 'boolean', '--default', 'false'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(existsSync(path.join(outside, 'new.yaml'))).toBe(false);
  });

  it('experiment create through an experiments/ folder linked to the outside is refused', async () => {
    const { outside, project, flags } = setup();
    symlinkSync(outside, path.join(flags, 'experiments'));
    const r = await runMain(['experiment', 'create', 'exp', '--flag', 'exp-flag', '--name', 'Exp', '--control', 'a', '--treatment', 'b', '--metric', 'm'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('the event log path', () => {
  async function runningExperiment(): Promise<string> {
    const dir = track(projectWith({ 'good.yaml': flagYaml('good') }));
    const create = await runMain(['experiment', 'create', 'exp', '--flag', 'exp-flag', '--name', 'Exp', '--control', 'a', '--treatment', 'b', '--metric', 'buy'], { cwd: dir });
    expect(create.code, create.stderr).toBe(0);
    expect((await runMain(['experiment', 'start', 'exp'], { cwd: dir })).code).toBe(0);
    return dir;
  }

  it('a --log in a folder that does not exist: exit 1 naming the folder, nothing created', async () => {
    const dir = await runningExperiment();
    const missing = path.join(dir, 'no-such-dir', 'deeper');
    for (const argv of [
      ['experiment', 'expose', 'exp', '--user', 'u1', '--log', path.join(missing, 'events.jsonl')],
      ['experiment', 'expose', 'exp', '--user', 'u1', '--variant', 'a', '--log', path.join(missing, 'events.jsonl')],
      ['experiment', 'convert', 'exp', '--user', 'u1', '--log', path.join(missing, 'events.jsonl')],
    ]) {
      const r = await runMain(argv, { cwd: dir });
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr.trim()).toBe(`error: cannot write the event log ${path.join(missing, 'events.jsonl')}: the folder ${missing} does not exist`);
    }
    const viaEnv = await runMain(['experiment', 'convert', 'exp', '--user', 'u1'], { cwd: dir, env: { FLAGS_EVENT_LOG: path.join(missing, 'e.jsonl') } });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toMatch(/does not exist/);
    expect(existsSync(path.join(dir, 'no-such-dir'))).toBe(false);
  });

  it('a --log relative to the working directory is used as given', async () => {
    const dir = await runningExperiment();
    const r = await runMain(['experiment', 'expose', 'exp', '--user', 'u1', '--variant', 'b', '--log', 'my-events.jsonl'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(path.join(dir, 'my-events.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ type: 'exposure', experimentId: 'exp', userId: 'u1', variant: 'b' })]);
    expect(existsSync(path.join(dir, 'flags', 'experiments', 'events.jsonl'))).toBe(false);
  });

  it('a --log that is a directory is a clear error', async () => {
    const dir = await runningExperiment();
    const r = await runMain(['experiment', 'convert', 'exp', '--user', 'u1', '--log', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: cannot open the event log .*EISDIR/);
  });

  it('appendEvent itself never creates a folder', () => {
    const dir = track(tempDir('flags-log-'));
    const file = path.join(dir, 'a', 'b', 'events.jsonl');
    expect(() => appendEvent(file, { type: 'conversion', experimentId: 'e', userId: 'u', metric: 'm', timestamp: '2026-01-01T00:00:00Z' })).toThrow(/the folder .*a\/b does not exist/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
