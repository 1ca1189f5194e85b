/**
 * Output and input streams (issue 9): a reader that closes the pipe early
 * (`flags list | head -1`) ends the command cleanly, without a stack trace;
 * a very large `eval --contexts` input streams through in bounded memory.
 *
 * Peak memory is the child's own maxRSS (test/helpers/peak-rss.ts); the bound is generous (several times what
 * streaming needs, well under what holding the input would take).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { runBinWithPeakRss } from '../helpers/peak-rss.js';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, projectWith, removeDir, REPO_FLAGS } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function manyFlags(n: number): string {
  let text = 'flags:\n';
  for (let i = 0; i < n; i++) text += `  - key: flag-${i}\n    name: Flag ${i}\n    description: ""\n    type: boolean\n    defaultValue: false\n    enabled: true\n    rules: []\n    tags: [a]\n    owner: team\n`;
  return text;
}

/** `flags ARGS | head -1` in bash: the flags process's exit status, stderr and what head printed. */
function pipeToHead(dir: string, args: string, stdinFile?: string) {
  const script = `node ${JSON.stringify(BIN)} ${args}${stdinFile ? ` < ${JSON.stringify(stdinFile)}` : ''} 2>stderr.txt | head -1; echo "\${PIPESTATUS[0]}" > status.txt`;
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return {
    killed: r.status === null,
    head: r.stdout,
    status: Number(readFileSync(path.join(dir, 'status.txt'), 'utf8').trim()),
    stderr: readFileSync(path.join(dir, 'stderr.txt'), 'utf8'),
  };
}

describe('a reader that stops early (EPIPE)', () => {
  /** One project of 5000 flags for every case (built on first use): output many pipe buffers long. */
  let manyDir: string | undefined;
  const many = (): string => {
    if (manyDir === undefined) {
      manyDir = projectWith({ 'many.yaml': manyFlags(5000) });
      dirs.push(manyDir);
    }
    return manyDir;
  };

  it.each([
    ['list', /┌|key/],
    ['list --json', /^\[/],
    ['eval --all', /key|┌/],
    ['eval --all --json', /^\{/],
    ['validate --strict', /./],
    ['show flag-1', /flag-1/],
  ])('flags %s | head -1 exits cleanly', (args, first) => {
    const r = pipeToHead(many(), args);
    expect(r.killed).toBe(false);
    expect(r.head).toMatch(first);
    expect(r.head.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at |EPIPE|internal error|Unhandled/);
    expect([0, 1]).toContain(r.status);
  });

  it('eval --contexts with 200,000 lines | head -1 stops reading and exits cleanly', async () => {
    const dir = projectWith({ 'default-flags.yaml': readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8') });
    dirs.push(dir);
    const input = path.join(dir, 'users.jsonl');
    writeFileSync(input, Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ user: { id: `u${i}` } })).join('\n') + '\n');
    const r = pipeToHead(dir, 'eval new-orchestrator-v2 --contexts -', input);
    expect(r.killed).toBe(false);
    expect(JSON.parse(r.head)).toMatchObject({ key: 'new-orchestrator-v2' });
    expect(r.stderr).not.toMatch(/\n\s+at |EPIPE|internal error/);
    expect(r.status).toBe(0);
  });
});

describe('large --contexts input', () => {
  const LINES = 300_000;
  const BOUND_KB = 250 * 1024;

  async function writeContexts(file: string): Promise<number> {
    const out = createWriteStream(file);
    let bytes = 0;
    let chunk = '';
    for (let i = 0; i < LINES; i++) {
      chunk += JSON.stringify({ user: { id: `user-${i}`, email: `u${i}@example.com` }, tenant: { id: `tenant-${i % 50}`, type: i % 3 ? 'professional' : 'enterprise' }, attributes: { plan: 'gold', note: 'x'.repeat(120) } }) + '\n';
      if (chunk.length > 1 << 20) {
        bytes += chunk.length;
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    bytes += chunk.length;
    out.end(chunk);
    await once(out, 'finish');
    return bytes;
  }

  /** One project and one input of LINES contexts for both runs (written once: it is over 50 MB). */
  let shared: Promise<string> | undefined;
  const contextsProject = (): Promise<string> =>
    (shared ??= (async () => {
      const dir = projectWith({ 'default-flags.yaml': readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8') });
      dirs.push(dir);
      const bytes = await writeContexts(path.join(dir, 'users.jsonl'));
      expect(bytes).toBeGreaterThan(50 * 1024 * 1024);
      return dir;
    })());

  it.each([[[] as string[]], [['--summary']]])(`${LINES.toLocaleString('en-US')} lines stream in bounded memory (eval --contexts %j)`, async (extra) => {
    const dir = await contextsProject();
    const r = runBinWithPeakRss(dir, ['eval', 'parallel-agents-limit', '--contexts', 'users.jsonl', ...extra], { timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
    expect(r.code, r.stderr).toBe(0);
    if (extra.length === 0) {
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(LINES);
      expect(JSON.parse(lines[0])).toMatchObject({ value: 15, reason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' });
      expect(JSON.parse(lines[LINES - 1])).toMatchObject({ value: 10, reason: 'RULE_MATCH', ruleId: 'professional-medium-limit' });
    } else {
      expect(r.stdout).toMatch(/300,000 contexts/);
    }
    const maxRssKb = r.rssKb;
    expect(maxRssKb).toBeGreaterThan(0);
    // Holding the input alone (one string plus parsed objects) takes more than this.
    expect(maxRssKb).toBeLessThan(BOUND_KB);
  }, 120_000);
});
