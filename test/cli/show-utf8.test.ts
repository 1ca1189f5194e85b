/**
 * `flags show` of an invalid flag whose file is not UTF-8 says its source is
 * not shown, as `experiment show` does: it used to print the text decoded
 * loosely, U+FFFD shown as what is written. The CLI in-process (runMain) in
 * a temporary git repository.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, runMain } from '../helpers/cli.js';
import { repoWith } from '../helpers/git.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

const FLAG = 'key: cafe\nname: Café\ndescription: ""\nowner: growth\ntags: []\ntype: boolean\nenabled: true\ndefaultValue: false\nrules: []\n';

describe('flags show of a flag file that is not UTF-8', () => {
  it('names the bad byte and does not show the source as U+FFFD (null in --json); a UTF-8 invalid flag still shows its source', async () => {
    const dir = repoWith({ 'flags/cafe.yaml': FLAG }, 'flags-show-utf8-');
    dirs.push(dir);
    writeFileSync(path.join(dir, 'flags/cafe.yaml'), Buffer.from(FLAG, 'latin1'));
    const r = await runMain(['show', 'cafe'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('INVALID_UTF8  not valid UTF-8: byte 0xE9 at line 2, column 10 (save the file as UTF-8)');
    expect(r.stdout).toContain('as written in flags/cafe.yaml: not shown, it is not valid UTF-8 (the problem above names the first bad byte)\n');
    expect(r.stdout).not.toContain('\ufffd');
    const j = JSON.parse((await runMain(['show', 'cafe', '--json'], { cwd: dir })).stdout);
    expect(j).toMatchObject({ key: 'cafe', invalid: true, source: null, problems: [{ code: 'INVALID_UTF8', line: 2, column: 10 }] });

    writeFileSync(path.join(dir, 'flags/cafe.yaml'), FLAG.replace('type: boolean', 'type: bool'));
    const valid = await runMain(['show', 'cafe', '--json'], { cwd: dir });
    expect(JSON.parse(valid.stdout)).toMatchObject({ invalid: true, source: expect.stringContaining('name: Café') });
  });
});
