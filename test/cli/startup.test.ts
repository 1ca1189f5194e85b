/**
 * Start-up shortcuts (issue 21.1) change nothing a user sees:
 * - the program defined for one command (program.ts defines only the command
 *   argv names) gives that command the same help and the same usage errors as
 *   the full program, for every command;
 * - the bin's answers to --version/--help (dist/cli.quick.json, no bundle
 *   loaded) are what the bundle prints, and a stale or missing quick file, a
 *   missing or corrupt code cache only cost time;
 * - string-width, RE2 and node:crypto, loaded on first use in the CLI bundle,
 *   still measure wide characters, evaluate `regex` and bucket every key;
 * - the bundle of only the everyday commands (dist/cli-fast.cjs, which the bin
 *   loads for list, show, eval and validate) prints what the full bundle
 *   prints, errors included, and the bin picks it by the rule program.ts
 *   uses to define only the running command.
 * Needs `npm run build` first (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CommanderError, type Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandContext } from '../../src/cli/context.js';
import { buildProgram, runningCommand } from '../../src/cli/program.js';
import { flagYaml, flagYamlWithRules, projectWith, removeDir, REPO_FLAGS, ROOT, runBin, runMain, tempDir } from '../helpers/cli.js';

/** Parses argv with the program buildProgram gives for `definedFor` (undefined: the full program); what it prints and how it ends. */
async function parseWith(definedFor: string[] | undefined, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const ctx = new CommandContext({
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: process.stdin,
    cwd: ROOT,
    env: {},
  });
  let exit: number | string = 'ran';
  try {
    await buildProgram(ctx, definedFor).parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exit = `${e.exitCode} ${e.code}`;
  }
  return { stdout, stderr, exit };
}

/** Every command path of the full program: ['list'], ['experiment'], ['experiment', 'results'], … */
function commandPaths(): string[][] {
  const ctx = new CommandContext({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, cwd: ROOT, env: {} });
  const paths: string[][] = [];
  const walk = (cmd: Command, prefix: string[]) => {
    for (const sub of cmd.commands) {
      paths.push([...prefix, sub.name()]);
      walk(sub, [...prefix, sub.name()]);
    }
  };
  walk(buildProgram(ctx), []);
  return paths;
}

describe('the program defined for the command that runs', () => {
  const paths = commandPaths();

  it('covers the whole surface', () => {
    expect(paths.length).toBeGreaterThan(30);
    expect(paths).toContainEqual(['experiment', 'results']);
  });

  it('gives every command the help the full program gives it', async () => {
    for (const p of paths) {
      const argv = [...p, '--help'];
      const lazy = await parseWith(argv, argv);
      expect(lazy, p.join(' ')).toEqual(await parseWith(undefined, argv));
      expect(lazy.stdout, p.join(' ')).toContain(`Usage: flags ${p.join(' ')}`);
    }
  });

  it('gives every command the usage errors the full program gives it', async () => {
    for (const p of paths) {
      for (const argv of [[...p, '--tagg'], ['--json', ...p, '--bogus', 'x']]) {
        const lazy = await parseWith(argv, argv);
        expect(lazy.exit, argv.join(' ')).not.toBe('ran');
        expect(lazy, argv.join(' ')).toEqual(await parseWith(undefined, argv));
      }
    }
  });

  it('falls back to the full program when argv names no command it knows', async () => {
    for (const argv of [[], ['--help'], ['help'], ['help', 'eval'], ['lst'], ['experiment', 'creat'], ['--bogus', 'list'], ['--dir']]) {
      expect(await parseWith(argv, argv), argv.join(' ')).toEqual(await parseWith(undefined, argv));
    }
    const ctx = new CommandContext({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, cwd: ROOT, env: {} });
    expect(buildProgram(ctx, ['lst']).commands.length).toBe(paths.filter((p) => p.length === 1).length);
    expect(buildProgram(ctx, ['--dir', 'list', 'eval']).commands.map((c) => c.name())).toEqual(['eval']);
  });
});

describe('the bin', () => {
  const work = tempDir('flags-startup-');
  afterAll(() => removeDir(work));

  /** Runs the bundle itself (no quick answers), as the bin does when it has no shortcut. */
  const fullRunner = path.join(work, 'full.cjs');
  writeFileSync(fullRunner, `require(${JSON.stringify(path.join(ROOT, 'scripts/load-cli.cjs'))}).loadCli().run();\n`);
  const run = (file: string, argv: string[], cwd = ROOT) => {
    const r = spawnSync(process.execPath, [file, ...argv], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('answers --version, -V, --help and -h exactly as the bundle does', () => {
    for (const arg of ['--version', '-V', '--help', '-h']) {
      const quick = runBin([arg], { cwd: ROOT });
      expect(quick, arg).toEqual(run(fullRunner, [arg]));
      expect(quick.code).toBe(0);
    }
    expect(runBin(['--version'], { cwd: ROOT }).stdout).toBe(`${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  /** A copy of the installed layout (bin, loader, bundle) whose dist/ the test may spoil. */
  function copyOfPackage(name: string): string {
    const dir = path.join(work, name);
    for (const f of ['bin/flags.cjs', 'scripts/load-cli.cjs', 'dist/cli.cjs', 'dist/cli.cjs.cache', 'dist/cli.quick.json']) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    return dir;
  }

  it('ignores a quick-answer file left over from another build', () => {
    const dir = copyOfPackage('stale');
    const quickFile = path.join(dir, 'dist/cli.quick.json');
    const quick = JSON.parse(readFileSync(quickFile, 'utf8'));
    writeFileSync(quickFile, JSON.stringify({ ...quick, bundleBytes: quick.bundleBytes + 1, version: '9.9.9\n', help: 'stale help\n' }));
    const bin = path.join(dir, 'bin/flags.cjs');
    expect(run(bin, ['--version'])).toEqual(run(fullRunner, ['--version']));
    expect(run(bin, ['--help'])).toEqual(run(fullRunner, ['--help']));
    writeFileSync(quickFile, '{ not json');
    expect(run(bin, ['-V'])).toEqual(run(fullRunner, ['-V']));
  });

  it('runs the same without the code cache, or with one V8 rejects', () => {
    const expected = runBin(['list', '--dir', REPO_FLAGS], { cwd: ROOT });
    expect(expected.code).toBe(0);
    const dir = copyOfPackage('no-cache');
    const bin = path.join(dir, 'bin/flags.cjs');
    removeDir(path.join(dir, 'dist/cli.cjs.cache'));
    expect(run(bin, ['list', '--dir', REPO_FLAGS])).toEqual(expected);
    writeFileSync(path.join(dir, 'dist/cli.cjs.cache'), Buffer.alloc(4096, 7));
    expect(run(bin, ['list', '--dir', REPO_FLAGS])).toEqual(expected);
  });

  it('measures wide characters in tables (string-width loads on first use)', () => {
    const cwd = projectWith({ 'wide-flag.yaml': flagYaml('wide-flag').replace('tags: []', 'tags: [日本語, "e\u0301"]').replace('owner: team', 'owner: チーム') });
    try {
      const r = runBin(['list'], { cwd });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('│ wide-flag │ on      │ boolean │ 日本語, e\u0301 │             │ チーム │');
      expect(r.stdout).toContain('└───────────┴─────────┴─────────┴───────────┴─────────────┴────────┘');
    } finally {
      removeDir(cwd);
    }
  });

  it('buckets every key as in-process, node:crypto loading on first use for keys md5.ts leaves to it', async () => {
    const cwd = projectWith({ 'half.yaml': flagYaml('half').replace('rules: []\n', 'rules: []\nfallthrough:\n  percentage: 50\n  value: true\n') });
    try {
      // Short ASCII keys are hashed in JavaScript; a long or non-ASCII one by node:crypto.
      const ids = ['u1', 'u2', 'anonymous', 'ü-user', '用户', 'x'.repeat(200), 'long-'.repeat(20)];
      const contexts = ids.map((id) => JSON.stringify({ user: { id } })).join('\n') + '\n';
      const bin = runBin(['eval', 'half', '--contexts', '-'], { cwd, input: contexts });
      expect(bin.stderr).toBe('');
      expect(bin).toEqual(await runMain(['eval', 'half', '--contexts', '-'], { cwd, stdin: contexts }));
      const values = bin.stdout.trim().split('\n').map((l) => JSON.parse(l).value);
      expect(values).toContain(true);
      expect(values).toContain(false);
    } finally {
      removeDir(cwd);
    }
  });

  it('evaluates a regex condition (RE2 loads on first use)', () => {
    const rule = `rules:\n  - id: corp\n    conditions:\n      - attribute: user.email\n        operator: regex\n        value: '@corp\\.com$'\n    value: true\n`;
    // (a function replacer: the pattern's `$'` must not be read as a replacement pattern)
    const cwd = projectWith({ 'corp-only.yaml': flagYaml('corp-only').replace('rules: []\n', () => rule) });
    try {
      const hit = runBin(['eval', 'corp-only', '--set', 'user.email=ann@corp.com', '--json'], { cwd });
      expect(hit.stderr).toBe('');
      expect(JSON.parse(hit.stdout)).toMatchObject({ value: true, reason: expect.stringMatching(/rule/i) });
      const miss = runBin(['eval', 'corp-only', '--set', 'user.email=ann@corp.com.evil', '--json'], { cwd });
      expect(JSON.parse(miss.stdout)).toMatchObject({ value: false });
      const invalid = projectWith({ 'bad.yaml': flagYaml('bad').replace('rules: []\n', () => rule.replace("'@corp\\.com$'", () => "'(unclosed'")) });
      try {
        const r = runBin(['validate'], { cwd: invalid });
        expect(r.code).toBe(1);
        expect(r.stdout + r.stderr).toMatch(/bad\.yaml:\d+:\d+/);
      } finally {
        removeDir(invalid);
      }
    } finally {
      removeDir(cwd);
    }
  });
});

describe('the fast bundle (dist/cli-fast.cjs)', () => {
  const load = createRequire(import.meta.url)(path.join(ROOT, 'scripts/load-cli.cjs')) as {
    runningCommand: (argv: string[]) => string | undefined;
    bundleFor: (argv: string[]) => string;
    CLI: string;
    FAST_CLI: string;
    FAST_COMMANDS: string[];
  };
  const work = tempDir('flags-fast-');
  afterAll(() => removeDir(work));

  it('is chosen by the same rule program.ts defines the running command by', () => {
    const argvs = [
      [], ['list'], ['--dir', 'x', 'list'], ['--dir=x', 'eval', 'k'], ['--json', 'validate'], ['--no-color', 'show', 'k'], ['--dir'], ['--dir', 'list'],
      ['-h', 'list'], ['--bogus', 'list'], ['help', 'list'], ['lst'], ['experiment', 'list'], ['list', 'eval'], ['--json', '--dir', 'd', '--no-color', 'eval', '--all'],
      ['diff', 'list'], ['--', 'list'], ['-V'], ['--version', 'list'], ['--dir', '--json', 'validate'],
    ];
    for (const argv of argvs) {
      expect(load.runningCommand(argv), argv.join(' ')).toBe(runningCommand(argv));
      const fast = load.FAST_COMMANDS.includes(runningCommand(argv) ?? '');
      expect(load.bundleFor(argv), argv.join(' ')).toBe(fast ? load.FAST_CLI : load.CLI);
    }
  });

  it('prints what the full bundle prints for its commands, errors included', () => {
    const runner = (file: string) => {
      const runnerFile = path.join(work, `${path.basename(file)}-runner.cjs`);
      writeFileSync(runnerFile, `require(${JSON.stringify(path.join(ROOT, 'scripts/load-cli.cjs'))}).loadCli({ file: ${JSON.stringify(file)} }).run();\n`);
      return runnerFile;
    };
    const fast = runner(load.FAST_CLI);
    const full = runner(load.CLI);
    const segment = 'key: beta\nconditions:\n  - attribute: tenant.id\n    operator: in\n    value: [t1, t2]\n';
    const cwd = projectWith({
      'good.yaml': flagYaml('good', 'tags: [a]\n').replace('tags: []\n', ''),
      'seg-user.yaml': flagYamlWithRules('seg-user', '  - id: beta\n    conditions: [{operator: in_segment, value: [beta]}]\n    value: true\n'),
      'bad.yaml': flagYaml('bad').replace('type: boolean', 'type: bool').replace('owner: team', 'ownr: team'),
      'list.yaml': 'flags:\n  - key: l1\n    name: l1\n    description: ""\n    type: number\n    defaultValue: 1\n    enabled: false\n    rules: []\n    tags: []\n    owner: x\n',
      'broken.yaml': 'key: [unclosed\n',
      // YAML the parser warns about or refuses: a collection as a key, a duplicated key, an alias, a binary scalar.
      'odd.yaml': flagYaml('odd').replace('owner: team', 'owner: team\n? [a, b]\n: 1\ntags: []\n'),
      'alias.yaml': flagYaml('alias', 'x-base: &b {a: 1}\n').replace('defaultValue: false', 'defaultValue: *b').replace('type: boolean', 'type: json'),
      'bin.yaml': flagYaml('bin').replace('type: boolean', 'type: json').replace('defaultValue: false', 'defaultValue: !!binary aGVsbG8='),
      'segments/beta.yaml': segment,
    });
    const run = (file: string, argv: string[]) => {
      const r = spawnSync(process.execPath, [file, ...argv], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    try {
      const cases = [
        ['list'], ['list', '--json'], ['list', '--tag', 'a'], ['list', '--segments'], ['list', '--bogus'],
        ['show', 'good'], ['show', 'bad'], ['show', 'missing'], ['show', '--segment', 'beta'], ['show'],
        ['eval', 'good'], ['eval', 'seg-user', '--set', 'tenant.id=t1', '--explain'], ['eval', 'bad'], ['eval', 'missing', '--json'], ['eval', '--all', '--json'], ['eval'],
        ['eval', 'l1', '--set', 'x'], ['validate'], ['validate', '--json'], ['validate', '--format', 'github'], ['validate', '--format', 'xml'], ['validate', '--tests'],
        ['list', '--help'],
      ];
      for (const argv of cases) {
        expect(load.bundleFor(argv), argv.join(' ')).toBe(load.FAST_CLI);
        const expected = run(full, argv);
        expect(run(fast, argv), argv.join(' ')).toEqual(expected);
      }
      expect(run(fast, ['validate']).code).toBe(1);
      expect(run(fast, ['list']).stdout).toContain('│ good');
    } finally {
      removeDir(cwd);
    }
  });
});
