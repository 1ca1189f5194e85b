import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, FileLockedError, lockPathOf, withFileLock } from '../../src/store/lock.js';
import { removeDir, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
function fileIn(): string {
  const d = tempDir('lock-');
  dirs.push(d);
  const f = path.join(d, 'default-flags.yaml');
  writeFileSync(f, '0');
  return f;
}

describe('file lock', () => {
  it('is a hidden sibling directory, removed on release', async () => {
    const f = fileIn();
    expect(lockPathOf(f)).toBe(path.join(path.dirname(f), '.default-flags.yaml.lock'));
    await withFileLock(f, {}, async () => {
      expect(existsSync(lockPathOf(f))).toBe(true);
    });
    expect(existsSync(lockPathOf(f))).toBe(false);
  });

  it('is released when the work throws', async () => {
    const f = fileIn();
    await expect(withFileLock(f, {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockPathOf(f))).toBe(false);
  });

  it('a held lock makes others wait, then fail with a message naming the file', async () => {
    const f = fileIn();
    const held = await acquireLock(f);
    try {
      const err = await acquireLock(f, { timeoutMs: 300, displayName: 'flags/default-flags.yaml' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileLockedError);
      expect((err as Error).message).toBe(
        `flags/default-flags.yaml is being changed by another flags process (lock ${lockPathOf(f)}); try again in a moment`,
      );
    } finally {
      await held.release();
    }
    const again = await acquireLock(f, { timeoutMs: 0 });
    await again.release();
  });

  it('a waiter gets the lock once the holder releases it', async () => {
    const f = fileIn();
    const held = await acquireLock(f);
    const waiting = acquireLock(f, { timeoutMs: 10_000 });
    await sleep(50);
    await held.release();
    const got = await waiting;
    got.assertHeld();
    await got.release();
  });

  it('takes over a stale lock left by a crashed process', async () => {
    const f = fileIn();
    mkdirSync(lockPathOf(f));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPathOf(f), old, old);
    const lock = await acquireLock(f, { timeoutMs: 0 });
    lock.assertHeld();
    await lock.release();
    expect(existsSync(lockPathOf(f))).toBe(false);
  });

  it('serialises read-modify-write: twenty concurrent increments all land', async () => {
    const f = fileIn();
    const increment = () =>
      withFileLock(f, {}, async () => {
        const n = Number(readFileSync(f, 'utf8'));
        // Yield between read and write: without the lock the others would read the same n.
        await sleep(1);
        writeFileSync(f, String(n + 1));
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(readFileSync(f, 'utf8')).toBe('20');
  });
});
