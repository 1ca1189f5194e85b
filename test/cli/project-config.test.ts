/**
 * Project settings and set-up from the user's side (SPEC 5): `flags init`,
 * flags.config.yaml found from any subfolder, precedence, environments,
 * `timestamps: false` proven with a real `git merge`, `flags config` and
 * `flags schema --config`. In-process (runMain) in temporary git repositories.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flagYaml, removeDir, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });

/** An empty git repository (with an optional outer folder around it). */
function repo(): string {
  const dir = tempDir('flags-project-');
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

function write(dir: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');

describe('flags init', () => {
  it('sets up an empty repository: config, example flag that validates strictly, .gitignore line, next steps', async () => {
    const dir = repo();
    const r = await runMain(['init'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('flags.config.yaml');
    expect(r.stdout).toContain('flags/example-flag.yaml');
    expect(r.stdout).toMatch(/Validate in CI: .*docs\/ci\.md/);
    expect(r.stdout).toContain('npx flags schema > .vscode/flags.schema.json');
    expect(r.stdout).toContain('npx flags create');
    expect(read(dir, 'flags.config.yaml')).toMatch(/^dir: flags$/m);
    expect(read(dir, '.gitignore')).toMatch(/^flags\/experiments\/events\.jsonl$/m);
    const v = await runMain(['validate', '--strict'], { cwd: dir });
    expect(v).toMatchObject({ code: 0, stdout: '✓ 1 flag in 1 file is valid\n' });
    // The event log line works: git ignores a log written there.
    write(dir, 'flags/experiments/events.jsonl', '{}\n');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).not.toContain('events.jsonl');
  });

  it('refuses to overwrite anything, says what exists, and changes nothing', async () => {
    const dir = repo();
    write(dir, 'flags/mine.yaml', flagYaml('mine'));
    write(dir, '.gitignore', 'node_modules');
    const r = await runMain(['init'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: nothing written: flags/ already exists (this project is set up; `flags config` shows its settings)\n');
    expect(read(dir, '.gitignore')).toBe('node_modules');

    const again = repo();
    expect((await runMain(['init'], { cwd: again })).code).toBe(0);
    const before = read(again, 'flags/example-flag.yaml');
    mkdirSync(path.join(again, 'src'));
    const second = await runMain(['init'], { cwd: path.join(again, 'src') });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('../flags.config.yaml and ../flags/ already exist');
    expect(read(again, 'flags/example-flag.yaml')).toBe(before);
  });

  it('appends to an existing .gitignore, keeping its bytes', async () => {
    const dir = repo();
    write(dir, '.gitignore', 'node_modules\r\ndist');
    expect((await runMain(['init'], { cwd: dir })).code).toBe(0);
    expect(read(dir, '.gitignore')).toBe('node_modules\r\ndist\n# flagyard: the experiment event log is data, not configuration\nflags/experiments/events.jsonl\n');
  });
});

describe('flags.config.yaml', () => {
  it('is found from a subfolder, so commands work anywhere in the repository', async () => {
    const dir = repo();
    write(dir, 'flags.config.yaml', 'dir: config/flags\n');
    write(dir, 'config/flags/a.yaml', flagYaml('a'));
    const deep = path.join(dir, 'src', 'deep');
    mkdirSync(deep, { recursive: true });
    const list = await runMain(['list', '--json'], { cwd: deep });
    expect(list.stderr).toBe('');
    expect(JSON.parse(list.stdout).map((f: { key: string }) => f.key)).toEqual(['a']);
    const toggle = await runMain(['toggle', 'a', '--off'], { cwd: deep });
    expect(toggle).toMatchObject({ code: 0 });
    expect(read(dir, 'config/flags/a.yaml')).toContain('enabled: false');
  });

  it('precedence: --dir > FLAGS_DIR > config > ./flags, each reported with its source by `flags config`', async () => {
    const dir = repo();
    const settings = async (argv: string[], env: Record<string, string> = {}) => JSON.parse((await runMain([...argv, 'config', '--json'], { cwd: dir, env })).stdout);
    expect((await settings([])).settings.dir).toEqual({ value: 'flags', from: 'default' });
    write(dir, 'flags.config.yaml', '# settings\ndir: from-config\n');
    expect((await settings([])).settings.dir).toEqual({ value: 'from-config', from: 'flags.config.yaml:2:6' });
    expect((await settings([], { FLAGS_DIR: 'from-env' })).settings.dir).toEqual({ value: 'from-env', from: 'FLAGS_DIR' });
    expect((await settings(['--dir', 'from-option'], { FLAGS_DIR: 'from-env' })).settings.dir).toEqual({ value: 'from-option', from: '--dir' });
    const text = await runMain(['config'], { cwd: dir });
    expect(text.stdout).toMatch(/^config file: flags\.config\.yaml$/m);
    expect(text.stdout).toMatch(/dir +│ from-config +│ flags\.config\.yaml:2:6/);
  });

  it('resolves dir and eventLog relative to the config file; FLAGS_EVENT_LOG overrides eventLog', async () => {
    const dir = repo();
    write(dir, 'flags.config.yaml', 'dir: ff\neventLog: data/events.jsonl\n');
    mkdirSync(path.join(dir, 'sub'));
    const r = JSON.parse((await runMain(['config', '--json'], { cwd: path.join(dir, 'sub') })).stdout);
    expect(r).toMatchObject({ configFile: '../flags.config.yaml', settings: { dir: { value: '../ff' }, eventLog: { value: '../data/events.jsonl', from: '../flags.config.yaml:2:11' } } });
    const e = JSON.parse((await runMain(['config', '--json'], { cwd: dir, env: { FLAGS_EVENT_LOG: 'x.jsonl' } })).stdout);
    expect(e.settings.eventLog).toEqual({ value: 'x.jsonl', from: 'FLAGS_EVENT_LOG' });
  });

  it('is looked for no higher than the repository root', async () => {
    const outer = tempDir('flags-outer-');
    dirs.push(outer);
    write(outer, 'flags.config.yaml', 'dir: elsewhere\n');
    const inner = path.join(outer, 'project');
    mkdirSync(inner);
    git(inner, 'init', '-q');
    const r = JSON.parse((await runMain(['config', '--json'], { cwd: inner })).stdout);
    expect(r).toMatchObject({ configFile: null, settings: { dir: { value: 'flags', from: 'default' } } });
  });

  it.each([
    ['environments: prod\n', 'flags.config.yaml:1:15: "environments" must be a list, got string "prod"'],
    ['dri: flags\n', 'flags.config.yaml:1:1: "dri" is not a setting field (did you mean "dir"?)'],
    ['timestamps: no\n', 'flags.config.yaml:1:13: "timestamps" must be a boolean, got string "no"'],
    ['dir: [flags\n', 'flags.config.yaml:1:6:'],
    ['environments: [a, b, a]\n', 'flags.config.yaml:1:22: environment "a" is listed twice'],
    ['- dir\n', 'flags.config.yaml:1:1: the document must be a mapping, got a list'],
  ])('an invalid config %j is an error at its line and column', async (text, message) => {
    const dir = repo();
    write(dir, 'flags.config.yaml', text);
    write(dir, 'flags/a.yaml', flagYaml('a'));
    const r = await runMain(['list'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(`error: ${message}`)).toBe(true);
    expect(r.stderr.split('\n')).toHaveLength(2);
    // The schema still prints, to help fix it.
    expect((await runMain(['schema', '--config'], { cwd: dir })).code).toBe(0);
  });

  it('environments: validate warns UNKNOWN_ENVIRONMENT at the name; --env with an unknown name is a usage error listing the known ones', async () => {
    const dir = repo();
    write(dir, 'flags.config.yaml', 'environments: [staging, production]\n');
    // (It serves something when on: an enabled flag serving only its default is a NO_EFFECT warning.)
    write(dir, 'flags/a.yaml', flagYaml('a', 'environments:\n  production:\n    enabled: true\n  prod:\n    enabled: false\nfallthrough: {value: true}\n'));
    const v = await runMain(['validate'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('flags/a.yaml:13:3  warning  UNKNOWN_ENVIRONMENT  environment "prod" is not one of the project\'s environments (staging, production) in flags.config.yaml');
    expect((await runMain(['validate', '--strict'], { cwd: dir })).code).toBe(1);

    const e = await runMain(['eval', 'a', '--env', 'prod'], { cwd: dir });
    expect(e).toEqual({ code: 2, stdout: '', stderr: 'error: unknown environment "prod": the project\'s environments are staging, production (flags.config.yaml:1:15)\n' });
    expect((await runMain(['toggle', 'a', '--env', 'qa', '--off'], { cwd: dir })).code).toBe(2);
    expect(read(dir, 'flags/a.yaml')).not.toContain('qa');
    expect(await runMain(['eval', 'a', '--env', 'production'], { cwd: dir })).toMatchObject({ code: 0, stderr: '' });
    // Without a list, any name goes (and validate has nothing to warn about).
    writeFileSync(path.join(dir, 'flags.config.yaml'), '');
    expect((await runMain(['validate', '--strict'], { cwd: dir })).code).toBe(0);
  });

  it('`flags schema --config` is generated from the same zod schema', async () => {
    const dir = repo();
    const r = await runMain(['schema', '--config'], { cwd: dir });
    const schema = JSON.parse(r.stdout);
    expect(Object.keys(schema.properties)).toEqual(['dir', 'eventLog', 'environments', 'timestamps']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.timestamps).toMatchObject({ type: 'boolean', description: expect.stringContaining('merge') });
    expect((await runMain(['schema', '--config', '--experiment'], { cwd: dir })).code).toBe(2);
  });
});

describe('timestamps: false', () => {
  async function mergeOfTwoBranches(config: string): Promise<{ code: number; text: string }> {
    const dir = repo();
    write(dir, 'flags.config.yaml', config);
    write(dir, 'flags/checkout.yaml', flagYaml('checkout', 'fallthrough:\n  percentage: 10\n  value: true\ncreatedAt: 2026-01-01T00:00:00Z\nupdatedAt: 2026-01-01T00:00:00Z\n'));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'checkout', '-qb', 'rollout');
    expect((await runMain(['rollout', 'checkout', '50'], { cwd: dir })).code).toBe(0);
    git(dir, 'commit', '-qam', 'rollout');
    git(dir, 'checkout', '-q', 'main');
    // A second later: the two edits would stamp different times.
    expect((await runMain(['set', 'checkout', 'name', 'Checkout page'], { cwd: dir, env: {} })).code).toBe(0);
    if (!config.includes('false')) {
      // Force different stamps whatever the clock did.
      writeFileSync(path.join(dir, 'flags/checkout.yaml'), read(dir, 'flags/checkout.yaml').replace(/^updatedAt: .*$/m, 'updatedAt: 2026-02-02T00:00:00Z'));
    }
    git(dir, 'commit', '-qam', 'owner');
    const merge = spawnSync('git', ['merge', '-q', '--no-edit', 'rollout'], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
    return { code: merge.status ?? -1, text: read(dir, 'flags/checkout.yaml') };
  }

  it('with timestamps (the default) two branches editing different fields conflict on updatedAt', async () => {
    const r = await mergeOfTwoBranches('timestamps: true\n');
    expect(r.code).not.toBe(0);
    expect(r.text).toContain('<<<<<<<');
  });

  it('with timestamps: false they merge cleanly and the result has both changes', async () => {
    const r = await mergeOfTwoBranches('timestamps: false\n');
    expect(r.code).toBe(0);
    expect(r.text).toContain('name: Checkout page');
    expect(r.text).toContain('percentage: 50');
    expect(r.text).toContain('updatedAt: 2026-01-01T00:00:00Z');
  });

  it('create writes no timestamps', async () => {
    const dir = repo();
    write(dir, 'flags.config.yaml', 'timestamps: false\n');
    mkdirSync(path.join(dir, 'flags'));
    expect((await runMain(['create', 'n', '--type', 'boolean', '--default', 'false'], { cwd: dir })).code).toBe(0);
    expect(read(dir, 'flags/n.yaml')).not.toMatch(/createdAt|updatedAt/);
  });
});
