/**
 * Issue 13, item 6: a symbolic-link loop (`ln -s . flags/loop`) made `list`,
 * `kill` and `validate` exit 1 with ELOOP and 40 levels of path, and a
 * watching service stopped reloading. A loop, a link to itself, or an entry
 * that cannot be read is one finding at its path; the other flags are read,
 * edited and reloaded.
 */
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { giveToUser, runBinAsUser } from '../helpers/as-user.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/store/live-evaluator.js';
import { flagYaml, projectWith, removeDir, runMain } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function looped(): string {
  const dir = projectWith({ 'a.yaml': flagYaml('a'), 'sub/b.yaml': flagYaml('b') });
  dirs.push(dir);
  symlinkSync('.', path.join(dir, 'flags/loop')); // back to the flags directory
  symlinkSync('..', path.join(dir, 'flags/sub/up')); // back to its parent
  symlinkSync('self', path.join(dir, 'flags/self')); // a link to itself (ELOOP)
  return dir;
}

describe('symbolic-link loops', () => {
  it('list, validate, eval and kill work; each loop is one warning at its path', async () => {
    const dir = looped();
    const l = await runMain(['list', '--json'], { cwd: dir });
    expect(l.code, l.stderr).toBe(0);
    expect((JSON.parse(l.stdout) as { key: string }[]).map((f) => f.key).sort()).toEqual(['a', 'b']);
    const v = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(v.code, v.stdout).toBe(0);
    const found = (JSON.parse(v.stdout) as { diagnostics: { code: string; severity: string; file: string; message: string }[] }).diagnostics;
    // (Its flags, enabled with nothing to serve, also get NO_EFFECT warnings.)
    expect(found.filter((d) => d.code !== 'NO_EFFECT').map((d) => [d.code, d.severity, d.file])).toEqual([
      ['SYMLINK_LOOP', 'warning', 'flags/loop'],
      ['SYMLINK_LOOP', 'warning', 'flags/self'],
      ['SYMLINK_LOOP', 'warning', 'flags/sub/up'],
    ]);
    expect(found.map((d) => d.message).join('\n')).not.toMatch(/(loop\/){3}/);
    const k = await runMain(['kill', 'b'], { cwd: dir });
    expect(k.code, k.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'flags/sub/b.yaml'), 'utf8')).toContain('killSwitch: true');
    expect(JSON.parse((await runMain(['eval', 'b', '--json'], { cwd: dir })).stdout)).toMatchObject({ reason: 'KILL_SWITCH' });
  });

  it('a watching evaluator keeps reloading', async () => {
    const dir = projectWith({ 'a.yaml': flagYaml('a') });
    dirs.push(dir);
    const errors: Error[] = [];
    const ev = await createEvaluator({ dir: path.join(dir, 'flags'), onError: (e) => errors.push(e) });
    symlinkSync('.', path.join(dir, 'flags/loop'));
    writeFileSync(path.join(dir, 'flags/a.yaml'), flagYaml('a') + 'killSwitch: true\n');
    await ev.reload();
    expect(errors).toEqual([]);
    expect(ev.evaluate('a', {}).reason).toBe('KILL_SWITCH');
    expect(ev.diagnostics().map((d) => d.code)).toContain('SYMLINK_LOOP');
    ev.close();
  });

  it('an unreadable folder is one error at its path; the other flags are served and edited', () => {
    // As root, run as `nobody` over a tree given to it (root reads any folder: test/helpers/as-user.ts).
    const dir = projectWith({ 'a.yaml': flagYaml('a'), 'locked/b.yaml': flagYaml('b') });
    dirs.push(dir);
    mkdirSync(path.join(dir, 'flags/locked/inner'));
    giveToUser(dir);
    chmodSync(path.join(dir, 'flags/locked'), 0o000);
    try {
      const v = runBinAsUser(['validate', '--format', 'json'], dir);
      const found = (JSON.parse(v.stdout) as { diagnostics: { severity: string; code: string; file: string; message: string }[] }).diagnostics;
      // The only error is the folder (flagYaml's flag also draws the NO_EFFECT warning, not this test's subject).
      expect(found.filter((d) => d.severity === 'error')).toEqual([expect.objectContaining({ code: 'UNREADABLE_FILE', file: 'flags/locked', message: 'cannot read folder: EACCES' })]);
      const kill = runBinAsUser(['kill', 'a'], dir);
      expect(kill.code, kill.stderr).toBe(0);
      expect(readFileSync(path.join(dir, 'flags/a.yaml'), 'utf8')).toMatch(/killSwitch: true/);
    } finally {
      chmodSync(path.join(dir, 'flags/locked'), 0o755);
    }
  });
});
