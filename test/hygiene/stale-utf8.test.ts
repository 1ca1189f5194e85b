/**
 * `flags stale` over a history holding flag-file versions that are not UTF-8.
 * Such a version used to be decoded into U+FFFD, so an editor's Latin-1
 * re-save and the fix that re-saved it as UTF-8 were two changes of every
 * flag in the file ("last change 5 days ago" for a flag nobody touched in
 * 100 days). Now the version is unreadable: its commit changes no flag, the
 * next readable version is compared with the last readable one, and a warning
 * names the file and the commit. Real git histories written in the past, the
 * CLI in-process (runMain) and the real binary.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin, runMain } from '../helpers/cli.js';
import { flag, HistoryRepo } from './git-history.js';

const NOW = new Date('2027-06-01T12:00:00Z');
const repos: HistoryRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.remove();
});

const KILLED = flag('cafe', { enabled: false, killSwitch: true, description: 'café' });

/** A repository whose history is `versions`, oldest first: [days ago, file text, written in Latin-1?]. */
function history(versions: [number, string, boolean][]): HistoryRepo {
  const repo = new HistoryRepo(NOW);
  repos.push(repo);
  for (const [days, text, isLatin1] of versions) {
    repo.write({ 'flags/cafe.yaml': '' });
    writeFileSync(path.join(repo.dir, 'flags/cafe.yaml'), Buffer.from(text, isLatin1 ? 'latin1' : 'utf8'));
    repo.commit(days, {}, `${days} days ago`);
  }
  return repo;
}

const commitOf = (repo: HistoryRepo, days: number) => repo.git(['log', '--format=%H', '--grep', `^${days} days ago$`]).trim();

describe('flags stale: a past version that is not UTF-8', () => {
  it('a Latin-1 re-save and its fix are no change: the last change stays the real one, and a warning names the file and commit', async () => {
    const repo = history([
      [100, KILLED, false],
      [20, KILLED, true],
      [5, KILLED, false],
    ]);
    const bad = commitOf(repo, 20);
    const warning = `warning: flags/cafe.yaml at ${bad.slice(0, 10)} is not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8); that version was not read: a change made in it counts at the next readable version\n`;

    const r = await runMain(['stale', '--json'], { cwd: repo.dir, now: NOW });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(warning);
    const out = JSON.parse(r.stdout);
    // It used to say daysSinceChange 5 (the encoding fix, "caf\ufffd" → "café").
    expect(out.flags).toMatchObject([{ key: 'cafe', action: 'remove', state: 'killed', daysInState: 100, daysSinceChange: 100, lastChange: { commit: commitOf(repo, 100) } }]);
    expect(out.unreadable).toEqual([{ file: 'flags/cafe.yaml', commit: bad, message: 'not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8)' }]);
    expect(r.stdout).not.toContain('\ufffd');

    const md = await runMain(['stale', '--format', 'markdown'], { cwd: repo.dir, now: NOW });
    expect(md.stdout).toContain(
      `\n\nPast versions not read (not UTF-8; a change made in one counts at the next readable version): \`flags/cafe.yaml\` at ${bad.slice(0, 10)} (not valid UTF-8: byte 0xE9 at line 3, column 18 (save the file as UTF-8))`,
    );

    // The real binary: a report, exit 0, the warning on stderr.
    const bin = runBin(['stale'], { cwd: repo.dir });
    expect(bin.code).toBe(0);
    expect(bin.stderr).toBe(warning);
    // (Its clock is the real one, before NOW: only the last change's commit is compared.)
    expect(bin.stdout).toContain(`last change ${commitOf(repo, 100).slice(0, 10)} by Ada`);
  });

  it('a change made in the Latin-1 version counts at the next readable one; a file still Latin-1 today is an invalid flag, and stale does not stop', async () => {
    const live = flag('cafe', { description: 'café', fallthrough: '{value: true}' });
    const repo = history([
      [100, KILLED, false],
      [20, live, true], // un-killed, saved in Latin-1
      [5, live, false],
      [2, live, true],
    ]);
    const r = await runMain(['stale', '--json'], { cwd: repo.dir, now: NOW });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // The working tree's file is not UTF-8: not classified, as any invalid flag.
    expect(out).toMatchObject({ flags: [], invalid: ['cafe'] });
    expect(out.unreadable.map((v: { commit: string }) => v.commit)).toEqual([commitOf(repo, 20), commitOf(repo, 2)]);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning: flags/cafe.yaml at'))).toHaveLength(2);

    // Fixed in the working tree: the un-kill is dated at the first readable version after it (5 days), not at the re-saves.
    repo.write({ 'flags/cafe.yaml': live });
    const fixed = JSON.parse((await runMain(['stale', '--json'], { cwd: repo.dir, now: NOW })).stdout);
    expect(fixed.flags).toMatchObject([{ key: 'cafe', state: 'one-value', daysInState: 5, daysSinceChange: 5, lastChange: { commit: commitOf(repo, 5) }, uncommitted: false }]);
  });

  it('many unreadable versions: ten warning lines and a count, --json lists them all', async () => {
    const versions: [number, string, boolean][] = [[100, KILLED, false]];
    for (let i = 0; i < 12; i++) versions.push([90 - i, KILLED.replace('owner: web', `owner: web${i}`), true]);
    const repo = history(versions);
    const r = await runMain(['stale', '--json'], { cwd: repo.dir, now: NOW });
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(11 + 1); // ten versions, the count, and the invalid working-tree file's line
    expect(lines).toContain('warning: … and 2 more versions that are not UTF-8 (--json lists them all)');
    expect(JSON.parse(r.stdout).unreadable).toHaveLength(12);
  });
});
