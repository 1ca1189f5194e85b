/**
 * Files read at a git revision are held to UTF-8 like files in the working
 * tree. A Latin-1 `é` in a flag file at the base revision used to be decoded
 * as U+FFFD without a word, so `flags diff` reported a change nobody made
 * (`description: "caf�" → "café"`); now the diff stops on one line naming the
 * file, the revision and the first bad byte (exit 1). Real git repositories,
 * the CLI in-process (runMain).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlagsError } from '../../src/errors.js';
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

/** A repository whose first commit holds `files`, each written in Latin-1 where `latin1` says so. */
function repo(files: Record<string, string>, latin1: string[] = []): string {
  const dir = repoWith({ 'README.md': '# project\n' }, 'flags-utf8-');
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    write(dir, rel, '');
    writeFileSync(path.join(dir, rel), latin1.includes(rel) ? LATIN1(text) : text);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'flags');
  return dir;
}

const short = (dir: string, rev = 'HEAD') => git(dir, 'rev-parse', '--short=7', rev);
const run = (dir: string, argv: string[]) => runMain(argv, { cwd: dir });

describe('flags diff against a revision whose files are not UTF-8', () => {
  it('a flag file: one line naming the file, the revision and the byte, exit 1 (it used to report "caf\\ufffd" → "café")', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE }, ['flags/cafe.yaml']);
    // The working tree is fixed to UTF-8; the base is still Latin-1.
    writeFileSync(path.join(dir, 'flags/cafe.yaml'), CAFE);
    const message = `flags/cafe.yaml at HEAD (${short(dir)}) is not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8)`;
    expect(await run(dir, ['diff'])).toEqual({ code: 1, stdout: '', stderr: `error: ${message}\n` });
    const json = await run(dir, ['diff', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toEqual({ code: 'NOT_UTF8_AT_REVISION', message });
    expect(await run(dir, ['diff', '--format', 'markdown'])).toMatchObject({ code: 1, stderr: `error: ${message}\n` });
    // The real binary: the process exits 1 with that one line.
    expect(runBin(['diff'], { cwd: dir })).toEqual({ code: 1, stdout: '', stderr: `error: ${message}\n` });
  });

  it('a segment file and an experiment definition at the revision, named the same way', async () => {
    const segment = repo({ 'flags/cafe.yaml': CAFE, 'flags/segments/beta.yaml': SEGMENT }, ['flags/segments/beta.yaml']);
    expect(await run(segment, ['diff'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: flags/segments/beta.yaml at HEAD (${short(segment)}) is not valid UTF-8: byte 0xE9 at line 2, column 17 (save the file as UTF-8)\n`,
    });
    const experiment = repo({ 'flags/cafe.yaml': CAFE, 'flags/experiments/exp.yaml': EXPERIMENT }, ['flags/experiments/exp.yaml']);
    expect(await run(experiment, ['diff'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: flags/experiments/exp.yaml at HEAD (${short(experiment)}) is not valid UTF-8: byte 0xE9 at line 2, column 10 (save the file as UTF-8)\n`,
    });
  });

  it('diff A B names the revision that holds the file, as the user wrote it', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE });
    writeFileSync(path.join(dir, 'flags/cafe.yaml'), LATIN1(CAFE.replace('enabled: true', 'enabled: false')));
    git(dir, 'commit', '-q', '-a', '-m', 'latin-1');
    writeFileSync(path.join(dir, 'flags/cafe.yaml'), CAFE);
    const r = await run(dir, ['diff', 'HEAD~1', 'HEAD']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: flags/cafe.yaml at HEAD (${short(dir)}) is not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8)\n` });
    // The base alone is UTF-8: a diff of it against the (UTF-8) working tree is clean.
    expect(await run(dir, ['diff', 'HEAD~1', '--json'])).toMatchObject({ code: 0, stderr: '' });
  });

  it('the flags directory below the repository top: the path is the one git shows (git show REV:PATH)', async () => {
    const dir = repo({ 'config/flags/cafe.yaml': CAFE }, ['config/flags/cafe.yaml']);
    writeFileSync(path.join(dir, 'config/flags/cafe.yaml'), CAFE);
    const r = await runMain(['diff', '--dir', 'flags'], { cwd: path.join(dir, 'config') });
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: config/flags/cafe.yaml at HEAD (${short(dir)}) is not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8)\n` });
  });

  it('files outside the flags directory are not read: a Latin-1 file elsewhere changes nothing', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE, 'notes/latin1.yaml': 'note: "café"\n' }, ['notes/latin1.yaml']);
    writeFileSync(path.join(dir, 'flags/cafe.yaml'), CAFE.replace('enabled: true', 'enabled: false'));
    const r = await run(dir, ['diff', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout).changed).toMatchObject([{ key: 'cafe', changes: [{ path: 'enabled', before: true, after: false }] }]);
  });

  it('the library: loadFlagsAtRevision rejects with the same FlagsError', async () => {
    const dir = repo({ 'flags/cafe.yaml': CAFE }, ['flags/cafe.yaml']);
    const error = await loadFlagsAtRevision(path.join(dir, 'flags'), 'HEAD').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlagsError);
    expect(error).toMatchObject({ code: 'NOT_UTF8_AT_REVISION', exitCode: 1, message: `flags/cafe.yaml at HEAD (${short(dir)}) is not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8)` });
  });
});
