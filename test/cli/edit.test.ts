/**
 * The editing commands from the user's side: in-process runs (main() with
 * injected io) over temp copies of the flags directory, in real git
 * repositories for the minimal diffs; the real binary (built by `npm run
 * build`) where only a process will do: real permissions, a lock held by
 * another process, eight real processes at once, CRLF through the bin.
 */
import { chmodSync, chownSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IS_ROOT, NOBODY, runBinAsUser } from '../helpers/as-user.js';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/store/lock.js';
import { flagYaml, projectWith, removeDir, runBin, runBinAsync, runMain, tempProject } from '../helpers/cli.js';
import { changedLines as changedLinesOf, commitAll, git } from '../helpers/git.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
const project = () => {
  const d = tempProject();
  dirs.push(d);
  return d;
};
const defaults = (d: string) => readFileSync(path.join(d, 'flags/default-flags.yaml'), 'utf8');
/** `flags show KEY --json`, in-process. */
const showJsonMain = async (d: string, key: string) => {
  const r = await runMain(['show', key, '--json'], { cwd: d });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};
/** Hidden entries of the flags directory: temp files or locks left behind. */
const leftovers = (d: string) => readdirSync(path.join(d, 'flags')).filter((n) => n.startsWith('.'));

const gitProject = (): string => commitAll(project(), 'flags');
/** `git diff --numstat` of the flags file: [added, removed]. */
function numstat(d: string): [number, number] {
  const line = git(d, 'diff', '--numstat', '--', 'flags/default-flags.yaml').trim();
  const [added, removed] = line.split('\t');
  return [Number(added), Number(removed)];
}
/** The changed lines of `git diff -U0` of the flags file, without the headers. */
const changedLines = (d: string): string[] => changedLinesOf(d, 'flags/default-flags.yaml');
const TIMESTAMP = /^\+    updatedAt: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('minimal diffs in a git repository', () => {
  it('a toggle is at most 2 removed and 3 added lines: enabled and updatedAt', async () => {
    const d = gitProject();
    const r = await runMain(['toggle', 'model-provider'], { cwd: d });
    expect(r).toMatchObject({ code: 0, stdout: 'Flag model-provider disabled\n', stderr: '' });
    const [added, removed] = numstat(d);
    expect(added).toBeLessThanOrEqual(3);
    expect(removed).toBeLessThanOrEqual(2);
    const lines = changedLines(d);
    expect(lines.slice(0, 2)).toEqual(['-    enabled: true', '+    enabled: false']);
    expect(lines[2]).toMatch(TIMESTAMP);
    expect(lines).toHaveLength(3);

    // A second toggle after a commit rewrites updatedAt in place.
    git(d, 'commit', '-q', '-am', 'off');
    expect((await runMain(['toggle', 'model-provider', '--on'], { cwd: d })).stdout).toBe('Flag model-provider enabled\n');
    const [a2, r2] = numstat(d);
    expect(a2).toBeLessThanOrEqual(3);
    expect(r2).toBeLessThanOrEqual(2);
  });

  it('a kill is three added lines and one removed, and the flag re-reads as killed', async () => {
    const d = gitProject();
    const r = await runMain(['kill', 'new-orchestrator-v2'], { cwd: d });
    expect(r).toMatchObject({ code: 0, stdout: 'Kill switch activated for new-orchestrator-v2\n', stderr: '' });
    expect(numstat(d)).toEqual([3, 1]);
    const lines = changedLines(d);
    expect(lines.slice(0, 3)).toEqual(['-    enabled: true', '+    enabled: false', '+    killSwitch: true']);
    expect(lines[3]).toMatch(TIMESTAMP);
    expect(await showJsonMain(d, 'new-orchestrator-v2')).toMatchObject({ killSwitch: true, enabled: false });
    const ev = await runMain(['eval', 'new-orchestrator-v2', '--set', 'tenant.id=tenant-beta-1', '--json'], { cwd: d });
    expect(JSON.parse(ev.stdout)).toMatchObject({ value: false, reason: 'KILL_SWITCH' });
  });

  it('a rollout changes the percentage line and updatedAt only', async () => {
    const d = gitProject();
    expect((await runMain(['rollout', 'new-orchestrator-v2', '25%'], { cwd: d })).stdout).toBe('Rollout of new-orchestrator-v2 (fallthrough): 10% → 25%\n');
    const lines = changedLines(d);
    expect(lines.slice(0, 2)).toEqual(['-      percentage: 10', '+      percentage: 25']);
    expect(lines[2]).toMatch(TIMESTAMP);
    expect(lines).toHaveLength(3);
  });

  it('CRLF line endings survive an edit by the binary', () => {
    const d = project();
    const file = path.join(d, 'flags/default-flags.yaml');
    writeFileSync(file, defaults(d).replace(/\n/g, '\r\n'));
    expect(runBin(['kill', 'model-provider'], { cwd: d }).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\r\n').length).toBe(text.split('\n').length);
    expect(text).toContain('    enabled: false\r\n    killSwitch: true\r\n');
  });
});

describe('each command', () => {
  it('toggle --env on a flag that is off globally says the environment stays off', async () => {
    const d = project();
    (await runMain(['toggle', 'model-provider', '--off'], { cwd: d }));
    const r = (await runMain(['toggle', 'model-provider', '--on', '--env', 'staging'], { cwd: d }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      // Issue 12 item 4: the message leads with what staging really serves, never with "enabled".
      'Flag model-provider is still off in staging (serves its default value "anthropic"); its staging override is now enabled, but the flag is disabled globally and an override without a value does not turn it on ' +
        '(turn the flag on with `flags toggle model-provider --on`, or give staging a value with `flags set model-provider environments.staging.value VALUE`)\n',
    );
    const ev = (await runMain(['eval', 'model-provider', '--env', 'staging', '--json'], { cwd: d }));
    expect(JSON.parse(ev.stdout)).toMatchObject({ value: 'anthropic', reason: 'DISABLED' });
  });

  it('toggle --env off, then a flip turns it back on', async () => {
    const d = project();
    expect((await runMain(['toggle', 'model-provider', '--off', '--env', 'staging'], { cwd: d })).stdout).toBe('Flag model-provider disabled in staging\n');
    expect((await showJsonMain(d, 'model-provider')).environments).toEqual({ staging: { enabled: false } });
    expect((await runMain(['toggle', 'model-provider', '--env', 'staging'], { cwd: d })).stdout).toBe('Flag model-provider enabled in staging\n');
  });

  it('toggle of a killed flag says the kill switch still wins', async () => {
    const d = project();
    (await runMain(['kill', 'model-provider'], { cwd: d }));
    expect((await runMain(['toggle', 'model-provider', '--on'], { cwd: d })).stdout).toBe(
      'Flag model-provider enabled, but its kill switch is on: it keeps serving its default value until `flags revive model-provider`\n',
    );
  });

  it('--json prints the result object', async () => {
    const d = project();
    const r = (await runMain(['toggle', 'model-provider', '--off', '--json'], { cwd: d }));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ action: 'toggle', key: 'model-provider', file: 'flags/default-flags.yaml', changed: true, enabled: false, effective: { on: false, reason: 'DISABLED' } });
    expect(out.changes[0]).toEqual({ path: 'enabled', before: true, after: false });
    expect(out.flag.enabled).toBe(false);
  });

  it('kill then revive: the flag stays disabled and the message says how to turn it on', async () => {
    const d = project();
    (await runMain(['kill', 'self-evolution-enabled'], { cwd: d }));
    const r = (await runMain(['revive', 'self-evolution-enabled'], { cwd: d }));
    expect(r).toMatchObject({
      code: 0,
      stdout: 'Kill switch deactivated for self-evolution-enabled; the flag stays disabled until you run `flags toggle self-evolution-enabled --on`\n',
    });
    expect((await showJsonMain(d, 'self-evolution-enabled'))).toMatchObject({ killSwitch: false, enabled: false });
  });

  it('set parses the value by the field and re-reads as changed', async () => {
    const d = project();
    expect((await runMain(['set', 'model-provider', 'defaultValue', 'openai'], { cwd: d })).stdout).toBe('Set model-provider defaultValue: "anthropic" → "openai"\n');
    expect((await runMain(['set', 'new-orchestrator-v2', 'rules.beta-testers.percentage', '50'], { cwd: d })).stdout).toBe(
      'Set new-orchestrator-v2 rules.beta-testers.percentage: (not set) → 50\n',
    );
    expect((await showJsonMain(d, 'model-provider')).defaultValue).toBe('openai');
    expect(((await showJsonMain(d, 'new-orchestrator-v2')).rules as { percentage?: number }[])[0].percentage).toBe(50);
  });

  it('set refuses an invalid value with the diagnostic, exit 1, nothing written', async () => {
    const d = project();
    const before = defaults(d);
    // A change only the whole flag can judge (the default no longer fits the new type) is the schema's finding, exit 1.
    const r = (await runMain(['set', 'model-provider', 'type', 'number'], { cwd: d }));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: refusing to write flags/default-flags.yaml: flag "model-provider" would be invalid: VALUE_TYPE_MISMATCH at defaultValue: defaultValue is string "anthropic", but the flag\'s type is number (and 1 more problem)\n',
    );
    expect(defaults(d)).toBe(before);
    // A percentage out of 0–100 is known to be wrong from the field alone: a bad argument, exit 2, as in `flags rollout` (round 4).
    const range = (await runMain(['set', 'new-orchestrator-v2', 'fallthrough.percentage', '150'], { cwd: d }));
    expect(range).toEqual({ code: 2, stdout: '', stderr: 'error: fallthrough.percentage must be a number from 0 to 100 (e.g. 25 or 12.5), got "150"\n' });
    expect(defaults(d)).toBe(before);
    const unknown = (await runMain(['set', 'new-orchestrator-v2', 'rules.beta.value', 'true'], { cwd: d }));
    expect(unknown.code).toBe(2); // a bad argument is a usage error (issue 12)
    expect(unknown.stderr).toBe('error: flag "new-orchestrator-v2" has no rule "beta"; its rules: beta-testers\n');
  });

  it('a repeated kill says nothing changed and leaves the file as it was', async () => {
    const d = project();
    (await runMain(['kill', 'model-provider'], { cwd: d }));
    const after = defaults(d);
    const r = (await runMain(['kill', 'model-provider'], { cwd: d }));
    expect(r).toMatchObject({ code: 0, stdout: 'Kill switch already active for model-provider (nothing changed)\n' });
    expect(defaults(d)).toBe(after);
  });

  it('a rollout of a disabled flag says when it takes effect', async () => {
    const d = project();
    (await runMain(['toggle', 'new-orchestrator-v2', '--off'], { cwd: d }));
    expect((await runMain(['rollout', 'new-orchestrator-v2', '50'], { cwd: d })).stdout).toBe(
      'Rollout of new-orchestrator-v2 (fallthrough): 10% → 50% (the flag is disabled: it takes effect after `flags toggle new-orchestrator-v2 --on`)\n',
    );
  });

  it('rollout --rule', async () => {
    const d = project();
    const r = (await runMain(['rollout', 'new-orchestrator-v2', '5', '--rule', 'beta-testers'], { cwd: d }));
    expect(r.stdout).toBe('Rollout of rule beta-testers of new-orchestrator-v2: everyone → 5%\n');
  });

  it('create writes flags/KEY.yaml, disabled, and it is served', async () => {
    const d = project();
    const r = (await runMain(['create', 'checkout-redesign', '--type', 'string', '--default', 'classic', '--owner', 'web-team', '--tag', 'checkout', '--tag', 'web'], { cwd: d }));
    expect(r).toMatchObject({ code: 0, stdout: 'Created flag checkout-redesign in flags/checkout-redesign.yaml (disabled; turn it on with `flags toggle checkout-redesign --on`; it serves its default value until it gets a rule or a fallthrough (--on-value, --rollout))\n', stderr: '' });
    const text = readFileSync(path.join(d, 'flags/checkout-redesign.yaml'), 'utf8');
    expect(text).toMatch(
      /^key: checkout-redesign\nname: checkout-redesign\ndescription: ""\ntype: string\ndefaultValue: classic\nenabled: false\nrules: \[\]\ntags: \[checkout, web\]\nowner: web-team\ncreatedAt: (\S+)\nupdatedAt: \1\n$/,
    );
    expect((await showJsonMain(d, 'checkout-redesign'))).toMatchObject({ enabled: false, defaultValue: 'classic', tags: ['checkout', 'web'] });
    expect((await runMain(['validate'], { cwd: d })).code).toBe(0);
  });

  it('create refuses an existing key (exit 1), an unsafe key and a default of the wrong type (exit 2: bad arguments), nothing written', async () => {
    const d = project();
    const cases: [string[], RegExp, number][] = [
      [['create', 'model-provider', '--type', 'string', '--default', 'x'], /^error: flag "model-provider" already exists \(flags\/default-flags\.yaml:\d+:\d+\)\n$/, 1],
      [['create', '../escape', '--type', 'boolean', '--default', 'false'], /^error: invalid flag key "\.\.\/escape"/, 2],
      [['create', '.hidden', '--type', 'boolean', '--default', 'false'], /^error: invalid flag key "\.hidden"/, 2],
      [['create', 'limit', '--type', 'number', '--default', 'lots'], /^error: --default of a number flag must be a number, got "lots"\n$/, 2],
      [['create', 'cfg', '--type', 'json', '--default', '{oops'], /^error: --default of a json flag must be JSON/, 2],
    ];
    for (const [args, stderr, code] of cases) {
      const r = (await runMain(args, { cwd: d }));
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(stderr);
    }
    expect(readdirSync(path.join(d, 'flags'))).toEqual(['default-flags.yaml']);
    expect(readdirSync(d)).toEqual(['flags']);
  });
});

describe('failures', () => {
  it('an unknown key: exit 1, one clear line, nothing written', async () => {
    const d = project();
    const before = defaults(d);
    for (const cmd of [['toggle', 'nope'], ['kill', 'nope'], ['revive', 'nope'], ['set', 'nope', 'enabled', 'true'], ['rollout', 'nope', '5']]) {
      const r = (await runMain(cmd, { cwd: d }));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('error: no flag "nope" in flags\n');
      expect(r.stdout).toBe('');
    }
    expect(defaults(d)).toBe(before);
    expect(leftovers(d)).toEqual([]);
  });

  it.each([
    [['toggle', 'model-provider', '--on', '--off'], 'use either --on or --off, not both'],
    [['toggle'], "missing required argument 'key'"],
    [['set', 'model-provider', 'enabled'], "missing required argument 'value'"],
    [['rollout', 'model-provider'], "missing required argument 'percent'"],
    [['create', 'x', '--default', 'false'], "required option '--type <type>' not specified"],
    [['create', 'x', '--type', 'bool', '--default', 'false'], '--type must be one of boolean, string, number, json, got "bool"'],
  ])('usage error %j exits 2', async (args, message) => {
    const d = project();
    const before = defaults(d);
    const r = (await runMain(args, { cwd: d }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(defaults(d)).toBe(before);
    expect(readdirSync(path.join(d, 'flags'))).toEqual(['default-flags.yaml']);
  });

  it('a broken unrelated file does not block a kill; it is one warning line', async () => {
    const d = project();
    writeFileSync(path.join(d, 'flags/zz-broken.yaml'), 'key: [unclosed\n');
    const r = (await runMain(['kill', 'model-provider'], { cwd: d }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Kill switch activated for model-provider\n');
    expect(r.stderr).toBe('warning: 1 flag file has errors; run `flags validate`\n');
  });

  it('kill is written into a flag with schema errors; toggle --on of it is refused', async () => {
    const d = projectWith({ 'broken.yaml': flagYaml('broken', 'enabeld: true\n') });
    dirs.push(d);
    const k = (await runMain(['kill', 'broken'], { cwd: d }));
    expect(k.code).toBe(0);
    expect(k.stdout).toBe('Kill switch activated for broken\n');
    // One line (issue 12): how many errors, the first one's place and code, and what running services do (issue 13).
    expect(k.stderr).toBe("warning: flag broken has 1 error (first: flags/broken.yaml:11:1 UNKNOWN_FIELD): `flags eval` and services started now do not serve it until they are fixed; running services keep its last valid version with the file's kill switch and `enabled: false` applied; run `flags validate`\n");
    expect(readFileSync(path.join(d, 'flags/broken.yaml'), 'utf8')).toContain('enabled: false\nkillSwitch: true\n');
    const on = (await runMain(['toggle', 'broken', '--on'], { cwd: d }));
    expect(on.code).toBe(1);
    expect(on.stderr).toMatch(/^error: refusing to write flags\/broken\.yaml: flag "broken" would be invalid: UNKNOWN_FIELD at enabeld/);
  });

  it('a lock held by another process: the command waits, then fails naming the file, and writes nothing', async () => {
    const d = project();
    const before = defaults(d);
    const lock = await acquireLock(path.join(d, 'flags/default-flags.yaml'));
    try {
      const r = await runBinAsync(['kill', 'model-provider'], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: flags\/default-flags\.yaml is being changed by another flags process \(lock .*\.default-flags\.yaml\.lock\); try again in a moment\n$/);
    } finally {
      await lock.release();
    }
    expect(defaults(d)).toBe(before);
    expect(leftovers(d)).toEqual([]);
  });
});

/**
 * Permissions: root ignores them, so as root the binary runs as `nobody`
 * (uid/gid 65534); as an ordinary user it runs as itself. The flags directory
 * and its parents must be readable by that user.
 */
describe('read-only files and directories', () => {
  const isRoot = IS_ROOT;
  const runAsUser = runBinAsUser;
  function permissionProject(): string {
    const d = project();
    chmodSync(d, 0o755);
    return d;
  }

  /**
   * A project where `target` is read-only for the user who runs the command
   * and the other (flag file or flags directory) is writable by them.
   */
  function readOnly(target: 'file' | 'dir') {
    const d = permissionProject();
    const flagsDir = path.join(d, 'flags');
    const file = path.join(flagsDir, 'default-flags.yaml');
    if (isRoot) chownSync(target === 'file' ? flagsDir : file, NOBODY, NOBODY);
    chmodSync(target === 'file' ? file : flagsDir, target === 'file' ? 0o444 : 0o555);
    return { d, flagsDir, file, before: readFileSync(file, 'utf8') };
  }

  it('a read-only flag file: exit 1 with the OS reason, original intact, no temp file', () => {
    // The directory is writable by the user (a rename over the file would work), the file is not.
    const { d, file, before } = readOnly('file');
    const r = runAsUser(['kill', 'model-provider'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: cannot write flags/default-flags.yaml: EACCES: permission denied (the file was not changed)\n');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(leftovers(d)).toEqual([]);
  });

  it('a read-only flags directory: exit 1 with the OS reason, original intact', () => {
    // The file is writable by the user, the directory (where the temp file and the lock go) is not.
    const { d, flagsDir, file, before } = readOnly('dir');
    try {
      const r = runAsUser(['toggle', 'model-provider', '--off'], d);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: cannot (lock|write) flags\/default-flags\.yaml: EACCES: permission denied/);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(leftovers(d)).toEqual([]);
    } finally {
      chmodSync(flagsDir, 0o755);
    }
  });
});

describe('concurrency', () => {
  /** A list file with eight enabled flags, f0 … f7. */
  function eightFlags(): string {
    const items = Array.from({ length: 8 }, (_, i) =>
      [`  - key: f${i}`, `    name: Flag ${i}`, '    description: ""', '    type: boolean', '    defaultValue: false', '    enabled: true', '    rules: []', '    fallthrough: {value: true}', '    tags: []', '    owner: team', ''].join('\n'),
    );
    return `# eight flags\nflags:\n${items.join('\n')}`;
  }

  it('eight processes editing different flags of one file at once: every change lands', async () => {
    const d = projectWith({ 'many.yaml': eightFlags() });
    dirs.push(d);
    for (let round = 0; round < 3; round++) {
      const runs = Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? runBinAsync(['toggle', `f${i}`, round % 2 === 0 ? '--off' : '--on'], { cwd: d })
          : runBinAsync(['set', `f${i}`, 'owner', `owner-${i}-${round}`], { cwd: d }),
      );
      const results = await Promise.all(runs);
      for (const r of results) expect(r.stderr).toBe('');
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      const list = JSON.parse((await runMain(['list', '--json'], { cwd: d })).stdout) as { key: string; enabled: boolean; owner: string }[];
      expect(list).toHaveLength(8);
      for (let i = 0; i < 8; i++) {
        const f = list.find((x) => x.key === `f${i}`)!;
        if (i % 2 === 0) expect(f.enabled).toBe(round % 2 !== 0);
        else expect(f.owner).toBe(`owner-${i}-${round}`);
      }
    }
    expect(readdirSync(path.join(d, 'flags'))).toEqual(['many.yaml']);
  });
});
