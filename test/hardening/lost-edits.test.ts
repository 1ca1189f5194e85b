/**
 * Issue 13, items 3 and 4: an edit never overwrites a change it did not read.
 * Before, ownership of the lock was checked before the asynchronous write,
 * not at the rename: a process paused while holding the lock (Ctrl-Z, SIGSTOP,
 * a laptop suspend) lost its lock as stale, another process wrote, and the
 * paused one renamed its file over that write on resuming; an editor saving
 * during an edit was overwritten the same way. Now the file is compared with
 * what was read right before the rename, and the edit fails (FILE_CHANGED,
 * exit 1, nothing written) when it differs.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFs, type AtomicFs } from '../../src/store/atomic-write.js';
import { setEnabled } from '../../src/store/flag-edits.js';
import { BIN, flagYaml, projectWith, removeDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** An fs whose write of the temp file waits until `release` is called: the edit is "paused" there. */
function pausedAtWrite(): { fs: AtomicFs; reached: Promise<void>; release: () => void } {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const atGate = new Promise<void>((r) => (reached = r));
  const fs: AtomicFs = {
    ...nodeFs,
    open: (async (...args: Parameters<typeof nodeFs.open>) => {
      const handle = await nodeFs.open(...args);
      if (!String(args[0]).endsWith('.tmp')) return handle;
      const writeFile = handle.writeFile.bind(handle);
      handle.writeFile = (async (data: never) => {
        reached();
        await gate;
        return writeFile(data);
      }) as never;
      return handle;
    }) as AtomicFs['open'],
  };
  return { fs, reached: atGate, release };
}

const listFile = (n: number) => `flags:\n${Array.from({ length: n }, (_, i) => '  - ' + flagYaml(`f${i}`).trimEnd().split('\n').join('\n    ')).join('\n')}\n`;

describe('a change made during an edit is never overwritten', () => {
  it('a hand edit saved while a toggle is writing: the toggle fails, the hand edit stays', async () => {
    const dir = projectWith({ 'list.yaml': listFile(3) });
    dirs.push(dir);
    const file = path.join(dir, 'flags/list.yaml');
    const paused = pausedAtWrite();
    const edit = setEnabled(path.join(dir, 'flags'), 'f1', false, { fs: paused.fs });
    await paused.reached;
    const hand = readFileSync(file, 'utf8').replace('name: f2', 'name: renamed by hand');
    writeFileSync(file, hand); // an editor's save (in place, as most editors do)
    paused.release();
    await expect(edit).rejects.toMatchObject({ code: 'FILE_CHANGED', message: expect.stringMatching(/list\.yaml changed while this edit was being made .*nothing was written, run the command again/) });
    expect(readFileSync(file, 'utf8')).toBe(hand);
    // Run again, it reads the hand edit and keeps it.
    await setEnabled(path.join(dir, 'flags'), 'f1', false);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('name: renamed by hand');
    expect(after).toMatch(/key: f1\n(.*\n){4}    enabled: false/);
  });

  it('a lock holder paused (SIGSTOP) past the stale time: the other process\'s edit survives', async () => {
    // A large list file makes the edit under the lock take long enough to stop the process inside it.
    const dir = projectWith({ 'list.yaml': listFile(150) });
    dirs.push(dir);
    const file = path.join(dir, 'flags/list.yaml');
    const lockDir = path.join(dir, 'flags/.list.yaml.lock');
    const run = (args: string[]) => spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { PATH: process.env.PATH } });
    const exit = (p: ReturnType<typeof run>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        let stderr = '';
        p.stderr!.on('data', (d) => (stderr += d));
        p.on('close', (code) => resolve({ code, stderr }));
      });
    const a = run(['toggle', 'f1', '--off']);
    const aDone = exit(a);
    const until = Date.now() + 30_000;
    while (!existsSync(lockDir) && Date.now() < until) await new Promise((r) => setImmediate(r));
    expect(existsSync(lockDir), 'A never took the lock').toBe(true);
    a.kill('SIGSTOP');
    try {
      const b = await exit(run(['toggle', 'f2', '--off'])); // waits out the stale lock (5 s), then writes
      expect(b.code, b.stderr).toBe(0);
    } finally {
      a.kill('SIGCONT');
    }
    const ra = await aDone;
    const text = readFileSync(file, 'utf8');
    expect(text, 'B\'s edit was overwritten').toMatch(/key: f2\n(.*\n){4}    enabled: false/);
    if (ra.code === 0) {
      // A finished before B read the file (it was stopped after its rename): B read A's change and kept it.
      expect(text).toMatch(/key: f1\n(.*\n){4}    enabled: false/);
    } else {
      expect(ra.code).toBe(1);
      // Stopped after the rename check, inside the locked section, or (rarely, on a loaded machine) between
      // creating the lock and finishing taking it: each is refused without writing.
      expect(ra.stderr).toMatch(/^error: (flags\/list\.yaml changed while this edit was being made|lost the lock on flags\/list\.yaml|cannot lock flags\/list\.yaml: E[A-Z]+)/);
      expect(text).toMatch(/key: f1\n(.*\n){4}    enabled: true/);
    }
  }, 60_000);
});
