/**
 * A lock around the read-modify-write of one flag file (SPEC 3: concurrent
 * runs lose no update).
 *
 * Why proper-lockfile: its lock is a `mkdir`, which is atomic on every local
 * and network filesystem; the holder refreshes the lock's mtime while it
 * works, so a lock left by a crashed process is recognised as stale and taken
 * over, and its exit hook removes held locks on normal exit and on signals.
 * An exclusive-create lock file would need the same staleness logic written
 * again.
 */
import lockfile from 'proper-lockfile';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlagsError } from '../errors.js';

export interface LockOptions {
  /** How long to wait for a lock another process holds before giving up (default 6 s). */
  timeoutMs?: number;
  /** How the file is named in error messages (default: its path). */
  displayName?: string;
}

/**
 * Why these numbers: a critical section (read one file, edit, validate,
 * write) takes milliseconds, and the holder refreshes the lock every
 * STALE_MS / 2 while it runs, so a lock older than STALE_MS belongs to a
 * process that died. The default wait is longer than STALE_MS, so even a
 * crashed run's leftover lock never makes the next command fail.
 */
const STALE_MS = 5000;
const DEFAULT_TIMEOUT_MS = 6000;

export class FileLockedError extends FlagsError {
  constructor(name: string, lockPath: string) {
    super(
      'FILE_LOCKED',
      `${name} is being changed by another flags process (lock ${lockPath}); try again in a moment`,
    );
    this.name = 'FileLockedError';
  }
}

/** The lock of `file`: a hidden sibling directory, never listed as a flag file and invisible to git while empty. */
export function lockPathOf(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

export interface HeldLock {
  /** Throws when the lock was lost (taken over as stale) while held: the caller must not write. */
  assertHeld(): void;
  release(): Promise<void>;
}

export async function acquireLock(file: string, opts: LockOptions = {}): Promise<HeldLock> {
  const lockfilePath = lockPathOf(file);
  const name = opts.displayName ?? file;
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let compromised: Error | undefined;
  let delay = 10;
  for (;;) {
    try {
      const release = await lockfile.lock(file, {
        lockfilePath,
        realpath: false,
        stale: STALE_MS,
        retries: 0,
        // The default throws from a timer (an uncaught exception); record it and refuse to write instead.
        onCompromised: (err) => {
          compromised = err;
        },
      });
      return {
        assertHeld() {
          if (compromised) throw new FlagsError('LOCK_LOST', `lost the lock on ${name} (${compromised.message}); nothing was written, try again`);
        },
        async release() {
          await release().catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new FlagsError('LOCK_FAILED', `cannot lock ${name}: ${(e as Error).message}`, { cause: e });
      }
      if (Date.now() >= deadline) throw new FileLockedError(name, lockfilePath);
      // Jittered backoff: waiting processes do not retry in lockstep.
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())) * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 200);
    }
  }
}

/** Runs `fn` while holding the lock of `file`. */
export async function withFileLock<T>(file: string, opts: LockOptions, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, opts);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
