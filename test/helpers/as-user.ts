/**
 * Permission tests from the user's side. Root ignores file permissions, so a
 * test of "unreadable" or "read-only" run as root would prove nothing; as
 * root the real binary runs as `nobody` (uid/gid 65534) over a tree given to
 * that user, as an ordinary user it runs as itself. No test needs skipping.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, type RunResult } from './cli.js';

export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
export const NOBODY = 65534;

/** The binary as the user the permission test is about (see above). */
export function runBinAsUser(args: string[], cwd: string): RunResult {
  const r = spawnSync(process.execPath, [binForUser(cwd), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
    ...(IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Gives `dir` and everything in it to the user runBinAsUser runs as (nothing to do unless root). */
export function giveToUser(dir: string): void {
  if (!IS_ROOT) return;
  chownSync(dir, NOBODY, NOBODY);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    chownSync(path.join(entry.parentPath ?? entry.path, entry.name), NOBODY, NOBODY);
  }
}

/**
 * Where `nobody` can run the binary from. The checkout may sit below a folder
 * only root can enter (/root, a 0700 temporary folder), so as root the bin and
 * its self-contained bundle are copied into the project under test (a
 * `.flags-bin` folder beside `flags/`, removed with the project), as an
 * installed package would be.
 */
function binForUser(cwd: string): string {
  if (!IS_ROOT) return BIN;
  const dir = path.join(cwd, '.flags-bin');
  if (!existsSync(dir)) {
    for (const file of ['package.json', 'bin/flags.cjs', 'scripts/load-cli.cjs', 'dist/cli.cjs', 'dist/cli.cjs.cache', 'dist/cli-fast.cjs', 'dist/cli-fast.cjs.cache', 'dist/cli-yaml.cjs', 'dist/lib-re2.cjs', 'dist/lib-semver.cjs', 'dist/cli.quick.json']) {
      if (!existsSync(path.join(ROOT, file))) continue;
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      copyFileSync(path.join(ROOT, file), path.join(dir, file));
      chmodSync(path.join(dir, file), 0o644);
    }
    for (const folder of ['', 'bin', 'scripts', 'dist']) chmodSync(path.join(dir, folder), 0o755);
  }
  return path.join(dir, 'bin/flags.cjs');
}
