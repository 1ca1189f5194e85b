/**
 * Atomic file replacement (SPEC 3): the new content goes to a temp file in the
 * same directory (same filesystem, so the rename is atomic), is fsynced, gets
 * the original's mode, and is renamed over the original. A crash leaves the
 * old or the new file, never a partial one; a failure or an interrupt removes
 * the temp file.
 */
import { constants, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FlagsError } from '../errors.js';
import { isInside } from './flag-repo.js';

/** The filesystem calls atomic writes use; injectable so tests can fail any step. */
export interface AtomicFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  link: typeof fsp.link;
  unlink: typeof fsp.unlink;
  chmod: typeof fsp.chmod;
  chown: typeof fsp.chown;
  stat: typeof fsp.stat;
  lstat: typeof fsp.lstat;
  realpath: typeof fsp.realpath;
  access: typeof fsp.access;
  /** Used from a signal handler, where nothing asynchronous runs to completion. */
  unlinkSync: (file: string) => void;
}

export const nodeFs: AtomicFs = {
  open: fsp.open,
  rename: fsp.rename,
  link: fsp.link,
  unlink: fsp.unlink,
  chmod: fsp.chmod,
  chown: fsp.chown,
  stat: fsp.stat,
  lstat: fsp.lstat,
  realpath: fsp.realpath,
  access: fsp.access,
  unlinkSync,
};

/** Where interrupt signals come from; injectable so the cleanup can be tested without killing the test runner. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): void;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): void;
  /** Re-delivers the signal after cleanup, so the process ends the way it would have. */
  raise(signal: NodeJS.Signals): void;
}

export const processSignals: SignalSource = {
  on: (s, l) => void process.on(s, l),
  off: (s, l) => void process.off(s, l),
  raise: (s) => void process.kill(process.pid, s),
};

const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface AtomicWriteOptions {
  /**
   * The directory writes must stay inside (the flags directory). A target
   * that is a symbolic link is resolved first: a link into `root` writes its
   * target (the link itself stays a link), a link out of it is refused.
   */
  root?: string;
  /** Fail when the file exists (creation), instead of replacing it. */
  exclusive?: boolean;
  /** How the file is named in error messages (default: its path). */
  displayName?: string;
  fs?: AtomicFs;
  signals?: SignalSource;
  /**
   * The content the new data was made from. Checked right before the rename
   * (synchronously, so nothing of this process runs in between): when the
   * file holds anything else, someone wrote it after it was read (an editor,
   * a process that took over a lock this one held while paused), and the
   * write is refused with FILE_CHANGED instead of overwriting that change.
   */
  expect?: string | Uint8Array;
  /** Runs right before the rename; throwing stops the write (e.g. a lost lock). */
  beforeRename?: () => void;
}

/** Replaces (or creates) `file` with `data`, atomically. Returns the path actually written. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<string> {
  const fs = opts.fs ?? nodeFs;
  const signals = opts.signals ?? processSignals;
  const name = opts.displayName ?? file;
  const target = await resolveWriteTarget(file, { root: opts.root, fs, name });

  const existing = await statOrNull(fs, target);
  if (existing && opts.exclusive) throw new FlagsError('FILE_EXISTS', `${name} already exists`);
  if (existing) {
    if (!existing.isFile()) throw new FlagsError('WRITE_FAILED', `cannot write ${name}: not a regular file`);
    // Why check: rename() only needs write access to the directory, so it
    // would silently replace a file its owner made read-only. A read-only
    // flag file is a decision to respect; the OS reason is reported instead.
    try {
      await fs.access(target, constants.W_OK);
    } catch (e) {
      throw writeFailed(name, e);
    }
  }

  const dir = path.dirname(target);
  removeDeadTemps(dir, path.basename(target));
  // Dot-prefixed and not *.yaml: a concurrent `flags list` never reads a temp file as a flag file.
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let tmpExists = false;
  let interrupted: NodeJS.Signals | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    if (tmpExists) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // already renamed or removed
      }
      tmpExists = false;
    }
    for (const s of INTERRUPTS) signals.off(s, onSignal);
    signals.raise(signal);
  };
  for (const s of INTERRUPTS) signals.on(s, onSignal);
  const checkInterrupt = () => {
    if (interrupted) throw new FlagsError('INTERRUPTED', `writing ${name} was interrupted (${interrupted}); the file is unchanged`);
  };

  try {
    const handle = await fs.open(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    tmpExists = true;
    try {
      checkInterrupt();
      await handle.writeFile(data);
      checkInterrupt();
      // The data must be on disk before the rename makes it the file: otherwise a
      // power cut right after the rename can leave an empty file under the old name.
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (existing) {
      // open()'s mode is filtered by the umask; the copy must have exactly the original's mode.
      await fs.chmod(tmp, existing.mode & 0o7777);
      if (typeof process.getuid === 'function' && process.getuid() === 0 && (existing.uid !== 0 || existing.gid !== 0)) {
        // root editing someone else's file must not hand it over to root.
        await fs.chown(tmp, existing.uid, existing.gid).catch(() => undefined);
      }
    }
    checkInterrupt();
    if (opts.exclusive) {
      // link() fails with EEXIST when the name appeared meanwhile: creation never clobbers.
      await fs.link(tmp, target);
      tmpExists = false;
      await fs.unlink(tmp).catch(() => undefined);
    } else {
      opts.beforeRename?.();
      if (opts.expect !== undefined) assertUnchanged(target, opts.expect, name);
      await fs.rename(tmp, target);
    }
    tmpExists = false;
    await syncDir(fs, dir);
    return target;
  } catch (e) {
    if (tmpExists) {
      await fs.unlink(tmp).catch(() => undefined);
      tmpExists = false;
    }
    if (e instanceof FlagsError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && opts.exclusive) throw new FlagsError('FILE_EXISTS', `${name} already exists`);
    throw writeFailed(name, e);
  } finally {
    for (const s of INTERRUPTS) signals.off(s, onSignal);
  }
}

function assertUnchanged(target: string, expected: string | Uint8Array, name: string): void {
  let now: Buffer | null;
  try {
    now = readFileSync(target);
  } catch {
    now = null;
  }
  if (now === null || !now.equals(typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected)) {
    throw new FlagsError(
      'FILE_CHANGED',
      `${name} changed while this edit was being made (an editor or another process wrote it); nothing was written, run the command again`,
    );
  }
}

/** A temp file older than this, of a process that is gone, was left by a crash. */
const DEAD_TEMP_AGE_MS = 10_000;

/**
 * A process killed outright (SIGKILL, out of memory, the kernel's file-size
 * limit) cannot remove its temp file, which then shows up in `git status`.
 * The next write of the same file removes such leftovers: only names this
 * module makes, only of processes that no longer exist, and only once they
 * are older than any write takes. Best effort: a failure changes nothing.
 */
function removeDeadTemps(dir: string, base: string): void {
  try {
    const prefix = `.${base}.`;
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
      if (!m || isAlive(Number(m[1]))) continue;
      const full = path.join(dir, name);
      if (Date.now() - statSync(full).mtimeMs > DEAD_TEMP_AGE_MS) unlinkSync(full);
    }
  } catch {
    // Leftovers are untidy, not harmful: readers ignore dot-files.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The real file to write for `file`: itself, or the target of a symbolic link
 * when that target lies inside `root`. Nothing is ever written outside `root`.
 */
export async function resolveWriteTarget(file: string, opts: { root?: string; fs?: AtomicFs; name?: string } = {}): Promise<string> {
  const { root, fs = nodeFs, name = file } = opts;
  const realRoot = root === undefined ? undefined : await fs.realpath(root).catch(() => path.resolve(root));
  let target = path.resolve(file);
  const info = await fs.lstat(target).catch(() => null);
  if (info?.isSymbolicLink()) {
    target = await fs.realpath(target).catch((e: unknown) => {
      throw new FlagsError('UNSAFE_WRITE', `cannot write ${name}: it is a symbolic link that does not resolve (${(e as NodeJS.ErrnoException).code ?? e})`);
    });
    if (realRoot !== undefined && !isInside(realRoot, target)) {
      throw new FlagsError('UNSAFE_WRITE', `refusing to write ${name}: it is a symbolic link to ${target}, outside the flags directory`);
    }
    return target;
  }
  if (realRoot !== undefined) {
    // The file itself is not a link, but a folder on its way may be.
    const realDir = await fs.realpath(path.dirname(target)).catch(() => path.dirname(target));
    const real = path.join(realDir, path.basename(target));
    if (!isInside(realRoot, real)) throw new FlagsError('UNSAFE_WRITE', `refusing to write ${name}: it resolves to ${real}, outside the flags directory`);
    return real;
  }
  return target;
}

async function statOrNull(fs: AtomicFs, file: string) {
  try {
    return await fs.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The rename is durable only once the directory entry is on disk. Best effort: not every platform can open a directory. */
async function syncDir(fs: AtomicFs, dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on some systems: the data itself is already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** `cannot write flags/x.yaml: EACCES: permission denied` — the OS reason without the temp file's name. */
function writeFailed(name: string, e: unknown): FlagsError {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code ? `${err.message.split(',')[0]}` : err.message;
  return new FlagsError('WRITE_FAILED', `cannot write ${name}: ${reason} (the file was not changed)`, { cause: e });
}
