import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFs, writeFileAtomic, type AtomicFs, type SignalSource } from '../../src/store/atomic-write.js';
import { removeDir, ROOT, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));
function dirWith(files: Record<string, string> = {}): string {
  const d = tempDir('atomic-');
  dirs.push(d);
  for (const [n, t] of Object.entries(files)) writeFileSync(path.join(d, n), t);
  return d;
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A signal source the test fires by hand: the real handler runs, nothing kills the test runner. */
function fakeSignals(onRaise: () => void = () => undefined) {
  const listeners = new Map<string, ((s: NodeJS.Signals) => void)[]>();
  const raised: string[] = [];
  const source: SignalSource = {
    on: (s, l) => listeners.set(s, [...(listeners.get(s) ?? []), l]),
    off: (s, l) => listeners.set(s, (listeners.get(s) ?? []).filter((x) => x !== l)),
    raise: (s) => {
      raised.push(s);
      onRaise();
    },
  };
  const fire = (s: NodeJS.Signals) => [...(listeners.get(s) ?? [])].forEach((l) => l(s));
  const count = () => [...listeners.values()].reduce((n, l) => n + l.length, 0);
  return { source, fire, raised, count };
}

/** An fs whose temp file handle runs `during` in the middle of writing the data. */
function fsWithWriteHook(during: (handle: FileHandle) => Promise<void>): AtomicFs {
  return {
    ...nodeFs,
    open: (async (file: string, flags: string, mode?: number) => {
      const handle = await nodeFs.open(file, flags, mode);
      if (flags !== 'wx') return handle;
      return new Proxy(handle, {
        get(target, prop, receiver) {
          if (prop === 'writeFile') {
            return async (data: string) => {
              await target.write(data.slice(0, Math.floor(data.length / 2)));
              await during(target);
              await target.write(data.slice(Math.floor(data.length / 2)));
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    }) as AtomicFs['open'],
  };
}

describe('writeFileAtomic', () => {
  it('replaces the content, keeps the mode and leaves no temp file', async () => {
    const d = dirWith({ 'a.yaml': 'old\n' });
    chmodSync(path.join(d, 'a.yaml'), 0o600);
    await writeFileAtomic(path.join(d, 'a.yaml'), 'new\n');
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('new\n');
    expect(statSync(path.join(d, 'a.yaml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['a.yaml']);
  });

  it('removes its signal handlers afterwards', async () => {
    const d = dirWith({ 'a.yaml': 'old\n' });
    const sig = fakeSignals();
    await writeFileAtomic(path.join(d, 'a.yaml'), 'new\n', { signals: sig.source });
    expect(sig.count()).toBe(0);
    const before = process.listenerCount('SIGINT');
    await writeFileAtomic(path.join(d, 'a.yaml'), 'newer\n');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('a failure in the middle of writing (disk full): original intact, temp file removed, OS reason reported', async () => {
    const d = dirWith({ 'a.yaml': 'old\n' });
    const fs = fsWithWriteHook(async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    await expect(writeFileAtomic(path.join(d, 'a.yaml'), 'x'.repeat(10000), { fs, displayName: 'flags/a.yaml' })).rejects.toThrow(
      'cannot write flags/a.yaml: ENOSPC: no space left on device (the file was not changed)',
    );
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('old\n');
    expect(readdirSync(d)).toEqual(['a.yaml']);
  });

  it('a failure between write and rename: original intact, temp file removed', async () => {
    const d = dirWith({ 'a.yaml': 'old\n' });
    let tempSeen: string[] = [];
    const fs: AtomicFs = {
      ...nodeFs,
      rename: async () => {
        tempSeen = readdirSync(d);
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      },
    };
    await expect(writeFileAtomic(path.join(d, 'a.yaml'), 'new\n', { fs })).rejects.toThrow(/EIO: i\/o error/);
    // The temp file existed, complete, right before the rename…
    expect(tempSeen.filter((n) => n !== 'a.yaml')).toHaveLength(1);
    expect(tempSeen.find((n) => n !== 'a.yaml')).toMatch(/^\.a\.yaml\.\d+\.[0-9a-f]+\.tmp$/);
    // …and is gone after the failure.
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('old\n');
    expect(readdirSync(d)).toEqual(['a.yaml']);
  });

  it('an interrupt (SIGINT) while the write is in flight removes the temp file, re-raises the signal and leaves the original', async () => {
    const d = dirWith({ 'a.yaml': 'old\n' });
    // What a real re-raised SIGINT would leave behind: the directory as it is when the signal is re-delivered.
    let atRaise: string[] = [];
    const sig = fakeSignals(() => (atRaise = readdirSync(d)));
    let tempDuring: string[] = [];
    const fs = fsWithWriteHook(async () => {
      tempDuring = readdirSync(d);
      sig.fire('SIGINT');
    });
    await expect(writeFileAtomic(path.join(d, 'a.yaml'), 'new content\n', { fs, signals: sig.source })).rejects.toThrow(/interrupted \(SIGINT\)/);
    expect(tempDuring).toHaveLength(2);
    expect(sig.raised).toEqual(['SIGINT']);
    expect(atRaise).toEqual(['a.yaml']);
    expect(sig.count()).toBe(0);
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('old\n');
    expect(readdirSync(d)).toEqual(['a.yaml']);
  });

  it('exclusive creation refuses an existing file and never clobbers it', async () => {
    const d = dirWith({ 'a.yaml': 'mine\n' });
    await expect(writeFileAtomic(path.join(d, 'a.yaml'), 'theirs\n', { exclusive: true })).rejects.toThrow(/already exists/);
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('mine\n');
    await writeFileAtomic(path.join(d, 'b.yaml'), 'new\n', { exclusive: true });
    expect(readdirSync(d).sort()).toEqual(['a.yaml', 'b.yaml']);
  });

  it('exclusive creation loses a race cleanly: a file that appears before the link is kept', async () => {
    const d = dirWith();
    const fs: AtomicFs = {
      ...nodeFs,
      link: async (from, to) => {
        writeFileSync(to, 'raced\n');
        return nodeFs.link(from, to);
      },
    };
    await expect(writeFileAtomic(path.join(d, 'a.yaml'), 'new\n', { exclusive: true, fs })).rejects.toThrow(/already exists/);
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('raced\n');
    expect(readdirSync(d)).toEqual(['a.yaml']);
  });

  it('writes the target of a link that stays inside the root; the link stays a link', async () => {
    const root = dirWith({ 'target.yaml': 'old\n' });
    symlinkSync(path.join(root, 'target.yaml'), path.join(root, 'link.yaml'));
    const written = await writeFileAtomic(path.join(root, 'link.yaml'), 'new\n', { root });
    expect(written).toBe(path.join(root, 'target.yaml'));
    expect(lstatSync(path.join(root, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(root, 'target.yaml'), 'utf8')).toBe('new\n');
  });

  it('refuses a link, or a linked folder, that leads outside the root', async () => {
    const outside = dirWith({ 'x.yaml': 'outside\n' });
    const root = dirWith();
    symlinkSync(path.join(outside, 'x.yaml'), path.join(root, 'x.yaml'));
    symlinkSync(outside, path.join(root, 'sub'));
    await expect(writeFileAtomic(path.join(root, 'x.yaml'), 'pwned\n', { root })).rejects.toThrow(/symbolic link to .*outside the flags directory/);
    await expect(writeFileAtomic(path.join(root, 'sub', 'x.yaml'), 'pwned\n', { root })).rejects.toThrow(/outside the flags directory/);
    await expect(writeFileAtomic(path.join(root, 'sub', 'new.yaml'), 'pwned\n', { root })).rejects.toThrow(/outside the flags directory/);
    expect(readFileSync(path.join(outside, 'x.yaml'), 'utf8')).toBe('outside\n');
    expect(existsSync(path.join(outside, 'new.yaml'))).toBe(false);
    expect(lstatSync(path.join(root, 'x.yaml')).isSymbolicLink()).toBe(true);
  });

  // root ignores file permissions, so this runs only as an ordinary user; the CLI tests cover it as root by running the binary as `nobody`.
  it.skipIf(isRoot)('refuses a read-only file with the OS reason and leaves it intact', async () => {
    const d = dirWith({ 'a.yaml': 'old\n' });
    chmodSync(path.join(d, 'a.yaml'), 0o444);
    await expect(writeFileAtomic(path.join(d, 'a.yaml'), 'new\n')).rejects.toThrow(/EACCES: permission denied/);
    expect(readFileSync(path.join(d, 'a.yaml'), 'utf8')).toBe('old\n');
    mkdirSync(path.join(d, 'ro'));
    writeFileSync(path.join(d, 'ro', 'b.yaml'), 'old\n');
    chmodSync(path.join(d, 'ro'), 0o555);
    await expect(writeFileAtomic(path.join(d, 'ro', 'b.yaml'), 'new\n')).rejects.toThrow(/EACCES/);
    chmodSync(path.join(d, 'ro'), 0o755);
    expect(readdirSync(path.join(d, 'ro'))).toEqual(['b.yaml']);
  });
});

/**
 * The real thing: a child process holds the file's lock and is half-way
 * through writing the temp file when it gets SIGINT. The handshake (the child
 * prints WRITING and then waits) makes the order certain without timing.
 */
const HARNESS = `
import { nodeFs, writeFileAtomic } from './src/store/atomic-write.ts';
import { withFileLock } from './src/store/lock.ts';
const file = process.argv[2];
const fs = { ...nodeFs, open: async (f, flags, mode) => {
  const h = await nodeFs.open(f, flags, mode);
  if (flags !== 'wx') return h;
  h.writeFile = async (d) => { await h.write(d.slice(0, 3)); process.stdout.write('WRITING\\n'); await new Promise((r) => setTimeout(r, 60000)); };
  return h;
} };
await withFileLock(file, {}, () => writeFileAtomic(file, 'new content\\n', { fs }));
`;

describe('writeFileAtomic under a real SIGINT', () => {
  it('the interrupted process leaves the original file, no temp file and no lock', async () => {
    const d = dirWith({ 'f.yaml': 'old\n' });
    const script = path.join(d, 'harness.mjs');
    await build({
      stdin: { contents: HARNESS, resolveDir: ROOT, loader: 'ts', sourcefile: 'harness.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const target = path.join(d, 'sub');
    mkdirSync(target);
    writeFileSync(path.join(target, 'f.yaml'), 'old\n');
    const child = spawn(process.execPath, [script, path.join(target, 'f.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seenDuring: string[] = [];
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('WRITING')) {
        seenDuring = readdirSync(target).sort();
        child.kill('SIGINT');
      }
    });
    const { signal } = await ended;
    expect(seenDuring).toHaveLength(3); // f.yaml, its temp file, its lock
    expect(signal).toBe('SIGINT');
    expect(readdirSync(target)).toEqual(['f.yaml']);
    expect(readFileSync(path.join(target, 'f.yaml'), 'utf8')).toBe('old\n');
  });
});
