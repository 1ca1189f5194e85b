/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp dir owned by
 * the `postgres` user (initdb refuses to run as root; tests run as root here
 * and in CI), listening only on a unix socket in that dir, stopped and
 * removed by stop() — call it in afterAll so a failing test still stops it.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PgCluster {
  socketDir: string;
  port: number;
  stop(): void;
}

export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

export function startPgCluster(bin: string): PgCluster {
  const dir = mkdtempSync(path.join(tmpdir(), 'flags-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    return execFileSync(file, argv, { stdio: 'pipe', timeout: 30_000 });
  };
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const data = path.join(dir, 'data');
  // Any port number: with listen_addresses empty it only names the socket file.
  const port = 5432;
  let started = false;
  const stop = () => {
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    started = true;
    run('pg_ctl', ['-D', data, '-w', '-t', '20', '-l', path.join(dir, 'log'), '-o', `-c listen_addresses= -k ${dir} -p ${port} -c fsync=off -c TimeZone=UTC`, 'start']);
  } catch (e) {
    stop();
    throw e;
  }
  return { socketDir: dir, port, stop };
}
