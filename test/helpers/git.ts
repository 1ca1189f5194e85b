/**
 * Temporary git repositories for the tests that need a real history (diffs
 * against a base commit, minimal-diff edits, ignored event logs). One home for
 * the setup the CLI, truthful and hardening tests all need.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.js';

/**
 * Runs git in `cwd` and returns its output, trimmed. The user's global and
 * system configuration are ignored so a developer's hooks, signing or
 * autocrlf never change what a test sees.
 */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).trim();
}

/** Writes `text` at `root/rel`, creating folders. */
export function write(root: string, rel: string, text: string): void {
  const full = path.join(root, rel);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

/** Replaces `from` by `to` in `root/rel`; an edit that changes nothing is a broken test, so it throws. */
export function edit(root: string, rel: string, from: string | RegExp, to: string): void {
  const full = path.join(root, rel);
  const text = readFileSync(full, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${rel} changed nothing`);
  writeFileSync(full, next);
}

/** Makes `dir` a git repository whose first commit holds everything in it. */
export function commitAll(dir: string, message = 'base'): string {
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'config', 'core.autocrlf', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return dir;
}

/** A new repository whose first commit holds `files` (paths relative to its root); the working tree is then free to change. */
export function repoWith(files: Record<string, string>, prefix = 'flags-git-'): string {
  const dir = tempDir(prefix);
  for (const [rel, text] of Object.entries(files)) write(dir, rel, text);
  return commitAll(dir);
}

/** The changed lines of `git diff -U0` of one file, without the headers. */
export function changedLines(dir: string, file: string): string[] {
  return git(dir, 'diff', '-U0', '--', file)
    .split('\n')
    .filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
}
