// The error codes are a closed vocabulary with one table from code to exit
// status (issue 19): the README lists exactly that table, and main() returns
// the status the table gives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAGS_ERROR_CODES, FlagsError, UsageError, type FlagsErrorCode } from '../src/errors.js';
import { flagYaml, projectWith, removeDir, ROOT, runMain } from './helpers/cli.js';

describe('error codes', () => {
  it('the README lists every code with its exit status and meaning, and nothing else', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('#### Error codes'));
    const rows = [...section.matchAll(/^\| `([A-Z0-9_]+)` \| ([12]) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    expect(rows).toEqual(Object.entries(FLAGS_ERROR_CODES).map(([code, { exit, meaning }]) => [code, exit, meaning]));
  });

  it('a FlagsError takes its exit status from the table', () => {
    for (const code of Object.keys(FLAGS_ERROR_CODES) as FlagsErrorCode[]) expect(new FlagsError(code, 'm').exitCode).toBe(FLAGS_ERROR_CODES[code].exit);
    expect(new UsageError('m')).toMatchObject({ code: 'USAGE', exitCode: 2 });
  });

  it('main() exits with the table\'s status: 2 for what was typed wrong, 1 for a problem found', async () => {
    const dir = projectWith({ 'a.yaml': flagYaml('a') });
    const typed = await runMain(['set', 'a', 'no-such-field', 'x', '--json'], { cwd: dir });
    expect(typed.code).toBe(FLAGS_ERROR_CODES.UNKNOWN_FIELD.exit);
    expect(JSON.parse(typed.stdout)).toMatchObject({ error: { code: 'UNKNOWN_FIELD' } });
    const missing = await runMain(['show', 'no-such-flag'], { cwd: dir });
    expect(missing.code).toBe(FLAGS_ERROR_CODES.FLAG_NOT_FOUND.exit);
    removeDir(dir);
  });
});
