/**
 * Test helpers: run main() in-process with captured io, or the real built
 * binary in a temp copy of a fixture directory.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/flags.cjs');
export const REPO_FLAGS = path.join(ROOT, 'flags');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process. */
export async function runMain(argv: string[], opts: { cwd: string; env?: Record<string, string | undefined>; stdin?: string; tty?: boolean; now?: Date }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin,
    cwd: opts.cwd,
    env: { ...opts.env },
    ...(opts.now !== undefined && { now: () => opts.now as Date }),
  });
  return { code, stdout, stderr };
}

/** Runs the real binary (built by `npm run build`). */
export function runBin(argv: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function runBinAsync(argv: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...argv], { cwd: opts.cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh temp directory; removed by the returned cleanup. */
export function tempDir(prefix = 'flags-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A temp project whose `flags/` is a copy of `source` (default: the repository's flags). */
export function tempProject(source: string = REPO_FLAGS): string {
  const dir = tempDir();
  cpSync(source, path.join(dir, 'flags'), { recursive: true });
  return dir;
}

/** A temp project with the given files under `flags/`. */
export function projectWith(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(dir, 'flags', name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A minimal valid one-flag file body. */
export function flagYaml(key: string, extra = ''): string {
  return `key: ${key}\nname: ${key}\ndescription: ""\ntype: boolean\ndefaultValue: false\nenabled: true\nrules: []\ntags: []\nowner: team\n${extra}`;
}

/** flagYaml's body with `rules` (the list's YAML lines, indented two spaces) in place of `rules: []`. */
export function flagYamlWithRules(key: string, rules: string, extra = ''): string {
  return flagYaml(key, extra).replace('rules: []\n', `rules:\n${rules}`);
}

/** A one-flag file body whose rule matches `user.name` against the regular expression `pattern`. */
export function regexFlagYaml(key: string, pattern: string): string {
  return flagYamlWithRules(key, `  - id: match\n    conditions: [{attribute: user.name, operator: regex, value: ${JSON.stringify(pattern)}}]\n    value: true\n`);
}

export const ANSI = /\u001b\[/;
