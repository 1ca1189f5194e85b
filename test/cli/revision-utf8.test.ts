/**
 * Files `flags diff` reads are held to UTF-8 on both sides, and one that is
 * not is an invalid file of its side, as in the working tree: never decoded
 * into U+FFFD and shown as a change nobody made, and never a stop of the
 * whole diff. The pull request that re-saves a Latin-1 file as UTF-8 must be
 * reviewable: its base's file is listed as invalid at the base (file, line,
 * column, first bad byte), what it defined there is not compared, and the rest
 * is diffed (exit 0, like every other invalid file). Real git repositories,
 * the CLI in-process (runMain), and the real binary where the exit code matters.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFlagsAtRevision } from '../../src/index.js';
import { flagYaml, removeDir, runBin, runMain } from '../helpers/cli.js';
import { git, repoWith, write } from '../helpers/git.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

const LATIN1 = (text: string) => Buffer.from(text, 'latin1');
const CAFE = flagYaml('cafe').replace('description: ""', 'description: "café"');
const SEGMENT = 'key: beta\ndescription: café beta\nconditions:\n  - attribute: tenant.id\n    operator: in\n    value: [a, b]\n';
const EXPERIMENT = 'id: exp\nname: Café test\nflagKey: cafe\nstatus: draft\n';
const BAD = (line: number, column: number) => `not valid UTF-8: byte 0xE9 at line ${line}, column ${column} (save the file as UTF-8)`;

/** A repository whose first commit holds `files`, each written in Latin-1 where `latin1` says so. */
function repo(files: Record<string, string>, latin1: string[] = []): string {
  const dir = repoWith({ 'README.md': '# project\n' }, 'flags-utf8-');
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) writeAs(dir, rel, text, latin1.includes(rel));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'flags');
  return dir;
}

function writeAs(dir: string, rel: string, text: string, latin1 = false): void {
  write(dir, rel, '');
  writeFileSync(path.join(dir, rel), latin1 ? LATIN1(text) : text);
}

const short = (dir: string, rev = 'HEAD') => git(dir, 'rev-parse', '--short=7', rev);
const run = (dir: string, argv: string[]) => runMain(argv, { cwd: dir });

async function json(dir: string, argv: string[] = ['diff']) {
  const r = await run(dir, [...argv, '--json']);
  expect(r.code).toBe(0);
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

describe('flags diff: a file at the base that is not UTF-8 is an invalid file there, and the rest is diffed', () => {
  it('the pull request that re-saves a Latin-1 flag file as UTF-8 is reviewable: listed at the base, exit 0 (it used to stop with exit 1)', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'flags/ok.yaml': flagYaml('ok') }, ['flags/cafe.yaml']);
    writeAs(dir, 'flags/cafe.yaml', CAFE); // the fix: re-saved as UTF-8
    writeAs(dir, 'flags/ok.yaml', flagYaml('ok').replace('owner: team', 'owner: other')); // and a real change beside it
    const sha = short(dir);

    const text = await run(dir, ['diff']);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).not.toContain('\ufffd');
    expect(text.stdout).toContain(`flags diff HEAD (${sha}) → working tree\n1 changed (1 low), 1 added, 0 removed\n`);
    expect(text.stdout).toMatch(/LOW\s+ok\s+flags\/ok\.yaml\n(.*\n)*  owner: "team" → "other"\n/);
    expect(text.stdout).toMatch(/LOW\s+cafe\s+added\s+flags\/cafe\.yaml \(invalid at HEAD\)/);
    expect(text.stdout).toContain(`\n\n1 flag file is invalid at HEAD (${sha}); what it defines there was not compared:\n  flags/cafe.yaml:3:18  INVALID_UTF8  ${BAD(3, 18)}`);

    const out = await json(dir);
    expect(out).toMatchObject({ base: 'HEAD', added: ['cafe'], removed: [], stderr: '' });
    expect(out.changed).toMatchObject([{ key: 'ok', changes: [{ path: 'owner', before: 'team', after: 'other' }] }]);
    expect(out.invalid).toEqual({ base: [{ file: 'flags/cafe.yaml', line: 3, column: 18, code: 'INVALID_UTF8', message: BAD(3, 18) }], head: [] });

    const md = await run(dir, ['diff', '--format', 'markdown']);
    expect(md).toMatchObject({ code: 0, stderr: '' });
    expect(md.stdout).toContain(`| low | \`cafe\` | added (invalid at \`HEAD\`): new flag enabled, but every path serves its default | new flag |`);
    expect(md.stdout).toContain(
      `\n\n> [!WARNING]\n> 1 flag file is invalid at \`HEAD\` (\`${sha}\`); what it defines there was not compared.\n> - \`flags/cafe.yaml:3:18\` INVALID_UTF8: ${BAD(3, 18)}\n`,
    );

    // The real binary: the CI step that posts the review exits 0.
    const bin = runBin(['diff', '--format', 'markdown'], { cwd: dir });
    expect(bin).toMatchObject({ code: 0, stderr: '', stdout: md.stdout });
  });

  it('a segment and an experiment definition at the base: listed the same way, and no change is invented from their bytes', async () => {
    const dir = repo(
      { 'flags/cafe.yaml': CAFE, 'flags/segments/beta.yaml': SEGMENT, 'flags/experiments/exp.yaml': EXPERIMENT },
      ['flags/segments/beta.yaml', 'flags/experiments/exp.yaml'],
    );
    writeAs(dir, 'flags/segments/beta.yaml', SEGMENT);
    writeAs(dir, 'flags/experiments/exp.yaml', EXPERIMENT);
    const out = await json(dir);
    expect(out.invalid).toEqual({
      base: [
        { file: 'flags/segments/beta.yaml', line: 2, column: 17, code: 'INVALID_UTF8', message: BAD(2, 17) },
        { file: 'flags/experiments/exp.yaml', line: 2, column: 10, code: 'INVALID_UTF8', message: BAD(2, 10) },
      ],
      head: [],
    });
    // The experiment is not compared ("Caf\ufffd test" → "Café test" was a change nobody made).
    expect(out.experiments).toBeUndefined();
    expect(out.changed).toEqual([]);
    expect(JSON.stringify(out)).not.toContain('\ufffd');
    const text = await run(dir, ['diff']);
    expect(text.stdout).toContain(`2 flag files are invalid at HEAD (${short(dir)}); what they define there was not compared:\n  flags/segments/beta.yaml:2:17  INVALID_UTF8`);
  });

  it('a base segment that is not UTF-8, used by a flag: the flag is added (invalid at the base), the diff does not stop', async () => {
    // The flag using a segment invalid at the base is invalid there too; reviewing the segment
    // evaluated the new flag with the base's segments and stopped with UNKNOWN_SEGMENT (exit 1).
    const rule = 'rules:\n  - id: beta\n    conditions: [{operator: in_segment, value: [beta]}]\n    value: true\n';
    const flag = CAFE.replace('rules: []\n', rule);
    const dir = repo({ 'flags/cafe.yaml': flag, 'flags/segments/beta.yaml': SEGMENT }, ['flags/segments/beta.yaml']);
    writeAs(dir, 'flags/segments/beta.yaml', SEGMENT);
    const out = await json(dir);
    expect(out).toMatchObject({ added: ['cafe'], removed: [], changed: [], segments: [{ key: 'beta', status: 'added', flags: [{ key: 'cafe', blastRadius: null }] }] });
    expect(out.invalid.base.map((d: { file: string; code: string }) => `${d.file} ${d.code}`)).toEqual(['flags/cafe.yaml INVALID_SEGMENT_REFERENCE', 'flags/segments/beta.yaml INVALID_UTF8']);
    // Paths in messages are relative too, as validate prints them.
    expect(out.invalid.base[0].message).toBe('segment "beta" is invalid (flags/segments/beta.yaml:1); fix it first (flags validate)');
    const text = await run(dir, ['diff']);
    expect(text.stdout).toContain('SEGMENT beta  added (invalid at HEAD)\n  used by cafe: not served at the base (see added flags)');
    const md = await run(dir, ['diff', '--format', 'markdown']);
    expect(md.stdout).toContain('| `beta` | added (invalid at `HEAD`) | `cafe` | not served at the base (see added flags) |');
  });

  it('a flag and the segment it uses, both added: the diff is computed (it stopped with UNKNOWN_SEGMENT)', async () => {
    const dir = repo({ 'flags/ok.yaml': flagYaml('ok') });
    writeAs(dir, 'flags/segments/beta.yaml', SEGMENT);
    writeAs(dir, 'flags/cafe.yaml', CAFE.replace('rules: []\n', 'rules:\n  - id: beta\n    conditions: [{operator: in_segment, value: [beta]}]\n    value: true\n'));
    const out = await json(dir);
    expect(out).toMatchObject({ added: ['cafe'], segments: [{ key: 'beta', status: 'added', flags: [{ key: 'cafe', blastRadius: null }] }], stderr: '' });
    expect(out.addedFlags).toMatchObject([{ key: 'cafe', risk: 'high' }]);
    const md = await run(dir, ['diff', '--format', 'markdown']);
    expect(md.stdout).toContain('| `beta` | added | `cafe` | not served at the base (see added flags) |');
  });

  it('diff A B: a file of B that is not UTF-8 is an invalid file of B, not a removal', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'flags/ok.yaml': flagYaml('ok') });
    writeAs(dir, 'flags/cafe.yaml', CAFE.replace('enabled: true', 'enabled: false'), true);
    git(dir, 'commit', '-q', '-a', '-m', 'latin-1');
    writeAs(dir, 'flags/cafe.yaml', CAFE);
    const out = await json(dir, ['diff', 'HEAD~1', 'HEAD']);
    expect(out).toMatchObject({ base: 'HEAD~1', head: 'HEAD', added: [], removed: [], changed: [] });
    expect(out.invalid).toEqual({ base: [], head: [{ file: 'flags/cafe.yaml', line: 3, column: 18, code: 'INVALID_UTF8', message: BAD(3, 18) }] });
    expect(out.stderr).toBe('warning: 1 flag file has errors; run `flags validate`\n');
    const text = await run(dir, ['diff', 'HEAD~1', 'HEAD']);
    expect(text.stdout).toContain(`1 flag file has errors; their flags were not compared (run \`flags validate\`):\n  flags/cafe.yaml:3:18  INVALID_UTF8  ${BAD(3, 18)}`);
    // The base alone is UTF-8: a diff of it against the (UTF-8) working tree is clean.
    const clean = await json(dir, ['diff', 'HEAD~1']);
    expect(clean).toMatchObject({ added: [], removed: [], changed: [], stderr: '' });
    expect(clean.invalid).toBeUndefined();
  });

  it('a file that is not UTF-8 on both sides is listed once, under the working tree', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'flags/ok.yaml': flagYaml('ok') }, ['flags/cafe.yaml']);
    const out = await json(dir);
    expect(out).toMatchObject({ added: [], removed: [], changed: [] });
    expect(out.invalid).toEqual({ base: [], head: [{ file: 'flags/cafe.yaml', line: 3, column: 18, code: 'INVALID_UTF8', message: BAD(3, 18) }] });
    expect((await run(dir, ['diff'])).stdout).not.toContain('invalid at HEAD');
  });

  it('the flags directory below the repository top, run from a folder: paths relative to where the command runs', async () => {
    const dir = repo({ 'config/flags/cafe.yaml': CAFE }, ['config/flags/cafe.yaml']);
    writeAs(dir, 'config/flags/cafe.yaml', CAFE);
    const r = await runMain(['diff', '--dir', 'flags', '--json'], { cwd: path.join(dir, 'config') });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout).invalid.base).toEqual([{ file: 'flags/cafe.yaml', line: 3, column: 18, code: 'INVALID_UTF8', message: BAD(3, 18) }]);
  });

  it('files outside the flags directory are not read: a Latin-1 file elsewhere changes nothing', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'notes/latin1.yaml': 'note: "café"\n' }, ['notes/latin1.yaml']);
    writeAs(dir, 'flags/cafe.yaml', CAFE.replace('enabled: true', 'enabled: false'));
    const out = await json(dir);
    expect(out).toMatchObject({ stderr: '' });
    expect(out.changed).toMatchObject([{ key: 'cafe', changes: [{ path: 'enabled', before: true, after: false }] }]);
    expect(out.invalid).toBeUndefined();
  });

  it('the library: loadFlagsAtRevision reports the file as loadFlags does (an INVALID_UTF8 finding, its flags not served), where it rejected', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'flags/ok.yaml': flagYaml('ok') }, ['flags/cafe.yaml']);
    const at = await loadFlagsAtRevision(path.join(dir, 'flags'), 'HEAD');
    expect([...at.flagSet.flags.keys()]).toEqual(['ok']);
    expect([...at.flagSet.invalidKeys]).toEqual(['cafe']);
    expect(at.flagSet.diagnostics.filter((d) => d.severity === 'error')).toEqual([{ code: 'INVALID_UTF8', severity: 'error', message: BAD(3, 18), file: path.join(dir, 'flags', 'cafe.yaml'), line: 3, column: 18 }]);
  });
});

describe('flags diff: working-tree experiment definitions are held to UTF-8', () => {
  it('a definition re-saved in Latin-1 is an invalid file of the working tree, not a change to "Caf\\ufffd test"; the others are compared', async () => {
    const other = 'id: other\nname: Other\nflagKey: ok\nstatus: draft\n';
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'flags/ok.yaml': flagYaml('ok'), 'flags/experiments/exp.yaml': EXPERIMENT, 'flags/experiments/other.yaml': other });
    writeAs(dir, 'flags/experiments/exp.yaml', EXPERIMENT, true);
    writeAs(dir, 'flags/experiments/other.yaml', other.replace('name: Other', 'name: Other test'));
    const out = await json(dir);
    expect(out.experiments).toEqual({ added: [], removed: [], changed: [{ id: 'other', changes: [{ path: 'name', before: 'Other', after: 'Other test' }] }] });
    expect(out.invalid).toEqual({ base: [], head: [{ file: 'flags/experiments/exp.yaml', line: 2, column: 10, code: 'INVALID_UTF8', message: BAD(2, 10) }] });
    expect(out.stderr).toBe('warning: 1 flag file has errors; run `flags validate`\n');
    const text = await run(dir, ['diff']);
    expect(text.stdout).not.toContain('\ufffd');
    expect(text.stdout).toContain(`1 flag file has errors; what it defines was not compared (run \`flags validate\`):\n  flags/experiments/exp.yaml:2:10  INVALID_UTF8  ${BAD(2, 10)}`);
    const md = await run(dir, ['diff', '--format', 'markdown']);
    expect(md.stdout).toContain(`> 1 flag file has errors; what it defines was not compared. Run \`flags validate\`.\n> - \`flags/experiments/exp.yaml:2:10\` INVALID_UTF8: ${BAD(2, 10)}`);
  });

  it('an id with the bad byte in it: the definition is not compared under either spelling (no invented added or removed experiment)', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'flags/experiments/cafe-exp.yaml': 'id: café\nname: test\nflagKey: cafe\nstatus: draft\n' }, ['flags/experiments/cafe-exp.yaml']);
    writeAs(dir, 'flags/experiments/cafe-exp.yaml', 'id: café\nname: test\nflagKey: cafe\nstatus: draft\n');
    const out = await json(dir);
    expect(out.experiments).toBeUndefined();
    expect(out.invalid.base).toMatchObject([{ file: 'flags/experiments/cafe-exp.yaml', line: 1, column: 8, code: 'INVALID_UTF8' }]);
  });
});
