/**
 * Issue 13, items 16 and 17: human output and revisions.
 * - 16: line breaks and bidirectional overrides in a rule id or description
 *   passed into `show`, `list` and the text `diff`, where they could fake
 *   lines or reverse what a line says. Both are shown as escapes, like the
 *   other control characters.
 * - 17: `flags diff '^HEAD'` said "cannot list the files of ^<sha>"; any
 *   revision that names no single commit is "unknown git revision".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagYaml, removeDir, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

function repo(files: Record<string, string>): string {
  const dir = tempDir('flags-out-');
  dirs.push(dir);
  git(dir, 'init', '-q');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'base');
  return dir;
}

const FAKE = 'x\nHIGH    payments  removed';
const BIDI = 'safe\u202Eeteled\u202C \u2066iso\u2069 \u200F';
const hostile = (key: string) =>
  flagYaml(key)
    .replace('description: ""', `description: ${JSON.stringify(`line one\n${FAKE}`)}`)
    .replace('name: ' + key, `name: ${JSON.stringify(`n${BIDI}`)}`)
    .replace('rules: []', `rules:\n  - id: ${JSON.stringify(`r${FAKE}\u2028${BIDI}`)}\n    description: ${JSON.stringify(FAKE)}\n    conditions: []\n    value: true`);

/** No output line may start like a line the report itself prints, and no bidi control may pass. */
function expectInert(out: string) {
  expect(out).not.toMatch(/^HIGH\s+payments/m);
  expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/);
}

describe('line breaks and bidi controls from files are shown, not obeyed (16)', () => {
  it('show, list and the text diff', async () => {
    const dir = repo({ 'flags/a.yaml': flagYaml('a') });
    writeFileSync(path.join(dir, 'flags/a.yaml'), hostile('a'));
    for (const args of [['show', 'a'], ['list'], ['diff']]) {
      const r = await runMain(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expectInert(r.stdout);
      for (const tty of [true]) expectInert((await runMain(args, { cwd: dir, tty })).stdout);
    }
    const show = (await runMain(['show', 'a'], { cwd: dir })).stdout;
    expect(show).toContain('line one\\nx\\nHIGH    payments  removed');
    expect(show).toContain('safe\\u202eeteled\\u202c \\u2066iso\\u2069 \\u200f');
    // --json carries the text as it is.
    expect(JSON.parse((await runMain(['show', 'a', '--json'], { cwd: dir })).stdout).description).toBe(`line one\n${FAKE}`);
  });
});

describe('revisions that name no single commit (17)', () => {
  it.each(['^HEAD', 'HEAD^!', 'HEAD..HEAD'])('%s is an unknown revision, exit 1', async (rev) => {
    const dir = repo({ 'flags/a.yaml': flagYaml('a') });
    const r = await runMain(['diff', rev], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: unknown git revision "${rev.replace(/[.^]/g, '\\$&')}"`));
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});

describe('names that break a checkout elsewhere (15)', () => {
  it('Windows device names are refused as flag keys and experiment ids; nothing is written', async () => {
    const dir = repo({ 'flags/a.yaml': flagYaml('a') });
    for (const key of ['CON', 'con', 'nul.x', 'COM1', 'lpt9']) {
      const c = await runMain(['create', key, '--type', 'boolean', '--default', 'false'], { cwd: dir });
      // Exit 2: a key typed on the command line that is not valid for it (issue 12).
      expect([c.code, c.stderr], key).toEqual([2, `error: invalid flag key "${key}": "${key.split('.')[0]}" is a device name on Windows: a file named ${key}.yaml cannot be checked out there\n`]);
    }
    const e = await runMain(['experiment', 'create', 'CON', '--flag', 'exp-flag', '--name', 'E', '--control', 'a', '--treatment', 'b', '--metric', 'buy'], { cwd: dir });
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/"CON" is a device name on Windows/);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect((await runMain(['create', 'console', '--type', 'boolean', '--default', 'false'], { cwd: dir })).code).toBe(0);
  });

  it('keys equal ignoring case are DUPLICATE_FLAG_KEY naming both, served from neither; create refuses the twin', async () => {
    const dir = repo({ 'flags/feature.yaml': flagYaml('feature'), 'flags/other.yaml': flagYaml('other') });
    writeFileSync(path.join(dir, 'flags/list.yaml'), `flags:\n  - ${flagYaml('Feature').trimEnd().split('\n').join('\n    ')}\n`);
    const v = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(v.code).toBe(1);
    const found = JSON.parse(v.stdout).diagnostics as { code: string; severity: string; file: string; message: string }[];
    // The errors (the other flag, enabled with nothing to serve, also gets a NO_EFFECT warning).
    expect(found.filter((d) => d.severity === 'error').map((d) => [d.code, d.file])).toEqual([
      ['DUPLICATE_FLAG_KEY', 'flags/feature.yaml'],
      ['DUPLICATE_FLAG_KEY', 'flags/list.yaml'],
    ]);
    expect(found[0].message).toMatch(/^flag key "feature" \/ "Feature" \(keys that differ only by case collide on Windows and macOS\) is also defined at flags\/list\.yaml:2:/);
    for (const key of ['feature', 'Feature']) expect(JSON.parse((await runMain(['eval', key, '--json'], { cwd: dir })).stdout)).toMatchObject({ errorCode: 'PARSE_ERROR' });
    const c = await runMain(['create', 'OTHER', '--type', 'boolean', '--default', 'false'], { cwd: dir });
    expect(c.stderr).toBe('error: flag "other" already exists and differs from "OTHER" only by case (the two files collide on Windows and macOS)\n');
  });
});
