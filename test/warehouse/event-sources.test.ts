/**
 * Several logs as one (`--log` repeatable, globs, gzip): expansion, gzip by
 * content, and a torn or unreadable file reported while the rest is read.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expandLogSources, readEventSources } from '../../src/store/event-sources.js';
import { flagYaml, removeDir, runMain, tempDir } from '../helpers/cli.js';
import { giveToUser, runBinAsUser } from '../helpers/as-user.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
function tree(files: Record<string, string | Buffer>): string {
  const d = tempDir('flags-sources-');
  dirs.push(d);
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    writeFileSync(path.join(d, name), data);
  }
  return d;
}
const ev = (user: string, type = 'exposure', extra: object = { variant: 'blue' }) =>
  JSON.stringify({ type, experimentId: 'checkout', userId: user, ...extra, timestamp: '2026-11-02T00:00:00.000Z' });

describe('expandLogSources', () => {
  it('expands globs (** included), keeps literal paths, sorts and de-duplicates', () => {
    const d = tree({ 'events/a/1.jsonl': '', 'events/a/2.jsonl.gz': '', 'events/b/3.jsonl': '', 'events/readme.txt': '' });
    const r = expandLogSources(['events/**/*.jsonl', 'events/**/*.jsonl.gz', 'events/a/1.jsonl', 'nope.jsonl', 'none/*.jsonl'], d);
    expect(r.files.map((f) => path.relative(d, f))).toEqual(['events/a/1.jsonl', 'events/a/2.jsonl.gz', 'events/b/3.jsonl']);
    expect(r.missing).toEqual(['nope.jsonl']);
    expect(r.emptyGlobs).toEqual(['none/*.jsonl']);
  });
  it('refuses a folder, pointing at a glob', () => {
    const d = tree({ 'events/1.jsonl': '' });
    expect(() => expandLogSources(['events'], d)).toThrow(/cannot read the event log events: it is a folder; give its files or a glob \(--log 'events\/\*\.jsonl'\)/);
  });
});

describe('readEventSources', () => {
  it('reads plain and gzipped files (gzip known by its bytes, whatever the name), line numbers per file', async () => {
    const d = tree({ 'a.jsonl': `${ev('u1')}\n${ev('u2')}\n`, 'b.log': gzipSync(`${ev('u3')}\n${ev('u4')}\n${ev('u5')}\n`) });
    const seen: string[] = [];
    const reports = await readEventSources([path.join(d, 'a.jsonl'), path.join(d, 'b.log')], (line, n) => seen.push(`${JSON.parse(line).userId}@${n}`));
    expect(seen).toEqual(['u1@1', 'u2@2', 'u3@1', 'u4@2', 'u5@3']);
    expect(reports.map((r) => [r.gzip, r.lines, r.problem, r.tornLastLine])).toEqual([
      [false, 2, null, null],
      [true, 3, null, null],
    ]);
  });

  it('a gzip that ends early keeps what it held and is reported; a torn last line too; the next file is read', async () => {
    const whole = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => ev(`u${i}`)).join('\n') + '\n{"type":"expo'));
    const d = tree({ '1.jsonl.gz': whole.subarray(0, Math.floor(whole.length * 0.6)), '2.jsonl.gz': whole, '3.jsonl': `${ev('last')}\n` });
    const users = new Set<string>();
    const reports = await readEventSources(['1.jsonl.gz', '2.jsonl.gz', '3.jsonl'].map((f) => path.join(d, f)), (line) => {
      try {
        users.add(JSON.parse(line).userId);
      } catch {
        // counted elsewhere
      }
    });
    expect(reports[0].problem).toBe('the gzip stream ends early (a truncated or still-being-written file)');
    expect(reports[0].lines).toBeGreaterThan(0);
    expect(reports[1]).toMatchObject({ problem: null, lines: 2000, tornLastLine: { line: 2001, bytes: 13 } });
    expect(reports[2]).toMatchObject({ problem: null, lines: 1 });
    expect(users.size).toBe(2001);
  });

  it('an unreadable file is reported, the others read (the binary, as an ordinary user)', async () => {
    // Root reads any file: as root the binary runs as `nobody` over a tree given to it (test/helpers/as-user.ts).
    const d = tree({ 'flags/checkout.yaml': flagYaml('checkout', 'variants:\n  - { key: blue, name: Blue, value: blue, weight: 50 }\n  - { key: green, name: Green, value: green, weight: 50 }\n').replace('type: boolean\ndefaultValue: false', 'type: string\ndefaultValue: blue') });
    const started = new Date('2026-11-01T00:00:00.000Z');
    const create = await runMain(['experiment', 'create', 'checkout', '--flag', 'checkout', '--name', 'C', '--control', 'blue', '--treatment', 'green', '--metric', 'purchase'], { cwd: d, now: started });
    expect(create.code, create.stderr).toBe(0);
    expect((await runMain(['experiment', 'start', 'checkout'], { cwd: d, now: started })).code).toBe(0);
    writeFileSync(path.join(d, '1.jsonl'), `${ev('u1')}\n`);
    writeFileSync(path.join(d, '2.jsonl'), `${ev('u2', 'exposure', { variant: 'green' })}\n`);
    giveToUser(d);
    chmodSync(path.join(d, '1.jsonl'), 0);
    const r = runBinAsUser(['experiment', 'results', 'checkout', '--log', '1.jsonl', '--log', '2.jsonl', '--json'], d);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1\.jsonl: EACCES: permission denied.*; 0 lines of it were analysed, the other files in full/);
    const arms = (JSON.parse(r.stdout) as { arms: { key: string; users: number }[] }).arms;
    expect(arms.map((a) => [a.key, a.users])).toEqual([
      ['blue', 0],
      ['green', 1],
    ]);
  });

  it('a file that is not gzip but a folder or vanished is reported, not fatal', async () => {
    const d = tree({ '2.jsonl': `${ev('u2')}\n` });
    const reports = await readEventSources([path.join(d, 'gone.jsonl'), path.join(d, '2.jsonl')], () => {});
    expect(reports[0].problem).toMatch(/ENOENT/);
    expect(reports[1].lines).toBe(1);
  });
});

describe('results over several logs (CLI)', () => {
  it('warns about a truncated gzip and a glob without files, and analyses the rest', async () => {
    const lines = [ev('u1'), ev('u2', 'exposure', { variant: 'green' }), ev('u1', 'conversion', { metric: 'purchase' })];
    const gz = gzipSync(lines.join('\n') + '\n');
    const d = tree({
      'flags/checkout-color.yaml':
        'key: checkout-color\nname: c\ndescription: ""\ntype: string\ndefaultValue: blue\nenabled: true\nvariants:\n  - key: blue\n    name: blue\n    value: blue\n    weight: 50\n  - key: green\n    name: green\n    value: green\n    weight: 50\nrules: []\ntags: []\nowner: team\ncreatedAt: 2026-11-01T00:00:00Z\nupdatedAt: 2026-11-01T00:00:00Z\n',
      'flags/experiments/checkout.yaml':
        'id: checkout\nname: Checkout\ndescription: ""\nflagKey: checkout-color\ncontrol: {key: blue, name: Blue}\ntreatment: [{key: green, name: Green, weight: 50}]\nprimaryMetric: purchase\nstatus: running\nstartDate: 2026-11-01T00:00:00Z\n',
      'events/1.jsonl.gz': gz,
      'events/2.jsonl.gz': gz.subarray(0, gz.length - 12),
      'events/3.jsonl': `${ev('u9', 'exposure', { variant: 'green' })}\n{"torn`,
    });
    const r = await runMain(['experiment', 'results', 'checkout', '--log', 'events/*.gz', '--log', 'events/*.jsonl', '--log', 'old/*.jsonl', '--json'], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: --log old/*.jsonl matches no file');
    expect(r.stderr).toMatch(/warning: events\/2\.jsonl\.gz: the gzip stream ends early .*; \d+ lines of it were analysed, the other files in full/);
    const json = JSON.parse(r.stdout);
    expect(json.arms.map((a: { users: number }) => a.users)).toEqual([1, 2]);
    expect(json.excluded.malformedLines).toBeGreaterThanOrEqual(1);
    const text = await runMain(['experiment', 'results', 'checkout', '--log', 'events/*'], { cwd: d });
    expect(text.stdout).toContain('events from 3 files');
    expect(text.stdout).toMatch(/events\/3\.jsonl:2: torn last line/);
  });
});
