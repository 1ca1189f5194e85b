/**
 * Every other file a command reads is held to UTF-8 as flag files are: the
 * project config, a `--context` file or stdin, `--contexts` JSON Lines, flag test specs, a bundle (file
 * or URL), a `serve --token-file`, a `--counts` result, and an invalid
 * experiment shown "as written". Decoded loosely, a Latin-1 byte became U+FFFD
 * and the answer was wrong without a word (an environment that matched no
 * flag, a context that matched the wrong rule, a token nobody holds). Now each
 * says where the first bad byte is, the way that reader reports its other
 * problems; a leading byte order mark is dropped, as the YAML reader drops it.
 * `init` and `generate --check` keep and compare .gitignore and the generated
 * file as bytes. The CLI in-process (runMain) in temporary git repositories.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBundleEvaluator } from '../../src/runtime.js';
import { readContextFile } from '../../src/store/context-file.js';
import { flagYaml, flagYamlWithRules, removeDir, runMain } from '../helpers/cli.js';
import { repoWith } from '../helpers/git.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

const LATIN1 = (text: string) => Buffer.from(text, 'latin1');
const BOM = (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
const BAD = (line: number, column: number) => `not valid UTF-8: byte 0xE9 at line ${line}, column ${column} (save the file as UTF-8)`;

/** A flag that answers true only for `user.city` café. */
const CAFE_FLAG = flagYamlWithRules('cafe', '  - id: paris\n    conditions: [{attribute: user.city, operator: equals, value: café}]\n    value: true\n');

function project(files: Record<string, string> = {}): string {
  const dir = repoWith({ 'flags/cafe.yaml': CAFE_FLAG, ...files }, 'flags-readers-utf8-');
  dirs.push(dir);
  return dir;
}

const put = (dir: string, rel: string, bytes: Buffer | string) => writeFileSync(path.join(dir, rel), bytes);
const run = (dir: string, argv: string[], stdin?: string | Buffer) => runMain(argv, { cwd: dir, ...(stdin !== undefined && { stdin: stdin as string }) });

describe('the project config', () => {
  it('a Latin-1 byte is CONFIG_INVALID at its line and column (events used to go to a log named "donn\\uFFFDes" without a word)', async () => {
    const dir = project();
    put(dir, 'flags.config.yaml', LATIN1('dir: flags\neventLog: données/events.jsonl\n'));
    const r = await run(dir, ['list']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: flags.config.yaml:2:15: ${BAD(2, 15)}\n` });
    const j = await run(dir, ['list', '--json']);
    expect(JSON.parse(j.stdout)).toEqual({ error: { code: 'CONFIG_INVALID', message: `flags.config.yaml:2:15: ${BAD(2, 15)}` } });
  });

  it('a byte order mark is no column, and a config with one and valid bytes is read', async () => {
    const dir = project();
    put(dir, 'flags.config.yaml', Buffer.concat([BOM('dir: flags #'), LATIN1('é\n')]));
    expect((await run(dir, ['list'])).stderr).toBe(`error: flags.config.yaml:1:13: ${BAD(1, 13)}\n`);
    put(dir, 'flags.config.yaml', BOM('dir: flags\neventLog: données/events.jsonl\n'));
    const ok = await run(dir, ['config', '--json']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('données/events.jsonl');
  });
});

describe('eval --context', () => {
  it('a Latin-1 context file is CONTEXT_INVALID at the byte (it used to answer false for "caf\\uFFFD")', async () => {
    const dir = project();
    put(dir, 'ctx.json', LATIN1('{\n  "user": {"city": "café"}\n}\n'));
    const r = await run(dir, ['eval', 'cafe', '--context', 'ctx.json']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: context ctx.json:2:24: ${BAD(2, 24)}\n` });
    expect(JSON.parse((await run(dir, ['eval', 'cafe', '--context', 'ctx.json', '--json'])).stdout).error.code).toBe('CONTEXT_INVALID');
  });

  it('the same from stdin; a byte order mark is dropped (a file saved by Notepad was "not valid JSON")', async () => {
    const dir = project();
    const r = await runMain(['eval', 'cafe', '--context', '-'], { cwd: dir, stdin: LATIN1('{"user": {"city": "café"}}') as unknown as string });
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: context stdin:1:23: ${BAD(1, 23)}\n` });
    put(dir, 'ctx.json', BOM('{"user": {"city": "café"}}\n'));
    const ok = await run(dir, ['eval', 'cafe', '--context', 'ctx.json', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ value: true, reason: 'RULE_MATCH', ruleId: 'paris' });
  });

  it('the injected file system still stands in for the disk, with bytes or text', () => {
    const fs = { readFileSync: (file: string) => (file.endsWith('a.json') ? LATIN1('{"x": "é"}') : '\uFEFF{"x": 1}') };
    expect(() => readContextFile('a.json', { cwd: '/p', fs })).toThrow(expect.objectContaining({ code: 'CONTEXT_INVALID', message: `context a.json:1:8: ${BAD(1, 8)}` }));
    expect(readContextFile('b.json', { cwd: '/p', fs })).toBe('{"x": 1}');
  });
});

describe('eval --contexts (JSON Lines)', () => {
  const LINES = ['{"user":{"city":"café"}}', '{"user":{"city":"x"}}', '{"user":{"city":"café"}}'];
  const answers = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l).value);

  it('a Latin-1 line stops at its line and column after the lines before it are answered (it was answered false, the rule missed)', async () => {
    const dir = project();
    put(dir, 'c.jsonl', Buffer.concat([Buffer.from(`${LINES[0]}\n${LINES[1]}\n`), LATIN1(`${LINES[2]}\n`), Buffer.from(`${LINES[0]}\n`)]));
    const r = await run(dir, ['eval', 'cafe', '--contexts', 'c.jsonl']);
    expect(r.code).toBe(1);
    expect(answers(r.stdout)).toEqual([true, false]);
    expect(r.stderr).toBe(`error: c.jsonl:3:21: ${BAD(3, 21)}\n`);
    const s = await runMain(['eval', 'cafe', '--contexts', '-'], { cwd: dir, stdin: readFileSync(path.join(dir, 'c.jsonl')) as unknown as string });
    expect(s.stderr).toBe(`error: stdin:3:21: ${BAD(3, 21)}\n`);
  });

  it('an é cut by the 1 MiB read boundary is still one character (lines are decoded whole)', async () => {
    const dir = project();
    // The first line's length puts the é of the 30,001st line across byte 1,048,576.
    const line = `${LINES[0]}\n`;
    const pad = `{"pad":"${'x'.repeat(1048575 - Buffer.byteLength(line) * 30000 - line.indexOf('é') - '{"pad":""}\n'.length)}"}\n`;
    const body = pad + line.repeat(30010);
    expect(Buffer.from(body).subarray(1048575, 1048577).toString('utf8')).toBe('é');
    put(dir, 'big.jsonl', body);
    const r = await run(dir, ['eval', 'cafe', '--contexts', 'big.jsonl']);
    expect(r.stderr).toBe('');
    const got = answers(r.stdout);
    expect(got).toHaveLength(30011);
    expect(got.filter((v) => v === true)).toHaveLength(30010);
  });
});

describe('flags test', () => {
  it('a Latin-1 spec is an INVALID_UTF8 finding at file:line:col and none of its cases run (one used to pass for the wrong reason)', async () => {
    const dir = project();
    const spec = 'tests:\n  - flag: cafe\n    context: {user: {city: café}}\n    expect: {value: false}\n';
    mkdirSync(path.join(dir, 'flags/tests'));
    put(dir, 'flags/tests/cafe.yaml', LATIN1(spec));
    const r = await run(dir, ['test']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`flags/tests/cafe.yaml:3:31  error  INVALID_UTF8  ${BAD(3, 31)}\n\n✗ 1 error in the specs; 0 other tests passed (1 spec file)\n`);
    const j = JSON.parse((await run(dir, ['test', '--json'])).stdout);
    expect(JSON.stringify(j)).toContain(`"code":"INVALID_UTF8"`);
    // Saved as UTF-8 (with a byte order mark), the case runs, and says what café really gets.
    put(dir, 'flags/tests/cafe.yaml', BOM(spec));
    const fixed = await run(dir, ['test']);
    expect(fixed.code).toBe(1);
    expect(fixed.stdout).toContain('value: expected false, got true');
  });
});

describe('bundles', () => {
  async function built(dir: string): Promise<string> {
    expect((await run(dir, ['build', '--out', 'bundles'])).code).toBe(0);
    return path.join(dir, 'bundles/flags.json');
  }
  /** The bundle with its `café` written in Latin-1. */
  const latin1Bundle = (bytes: Buffer) => Buffer.from(bytes.toString('utf8'), 'latin1');

  it('serve --bundle: a Latin-1 bundle is BUNDLE_LOAD at the byte (its rule used to match "caf\\uFFFD", nobody)', async () => {
    const dir = project();
    const file = await built(dir);
    const bytes = latin1Bundle(readFileSync(file));
    const at = bytes.indexOf(0xe9);
    const column = bytes.subarray(0, at).toString('utf8').split('\n').pop()!.length + 1;
    const line = bytes.subarray(0, at).toString('utf8').split('\n').length;
    writeFileSync(file, bytes);
    const r = await run(dir, ['serve', '--bundle', 'bundles/flags.json', '--port', '0']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: bundle ${file}:${line}:${column}: ${BAD(line, column)}\n` });
    await expect(createBundleEvaluator({ file, pollMs: 0 })).rejects.toThrow(`bundle ${file}:${line}:${column}: ${BAD(line, column)}`);
  });

  it('the runtime: a bundle file with a byte order mark loads; a URL serving Latin-1 bytes is refused, the last good bundle kept', async () => {
    const dir = project();
    const file = await built(dir);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]));
    const fromFile = await createBundleEvaluator({ file, pollMs: 0 });
    expect(fromFile.evaluate('cafe', { user: { city: 'café' } }).value).toBe(true);
    fromFile.close();

    let body = good;
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flags.json`;
      const errors: string[] = [];
      const remote = await createBundleEvaluator({ url, pollMs: 0, onError: (e) => errors.push(e.message) });
      body = latin1Bundle(good);
      expect(await remote.refresh()).toBe(false);
      expect(errors).toEqual([expect.stringMatching(new RegExp(`^bundle ${url.replace(/[.]/g, '\\.')}:\\d+:\\d+: not valid UTF-8: byte 0xE9 at line`))]);
      expect(remote.evaluate('cafe', { user: { city: 'café' } }).value).toBe(true);
      remote.close();
      await expect(createBundleEvaluator({ url, pollMs: 0 })).rejects.toThrow(/not valid UTF-8: byte 0xE9/);
    } finally {
      server.close();
    }
  });
});

describe('serve --token-file', () => {
  it('a token that is not UTF-8 is refused before listening, its place named and the token never printed', async () => {
    const dir = project();
    put(dir, 'token', LATIN1('s3cr\u00e9t-token\n'));
    const r = await run(dir, ['serve', '--token-file', 'token', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: --token-file ${path.join(dir, 'token')} is not valid UTF-8 (the first bad byte is at line 1, column 5; the token is not shown): save it as UTF-8\n`);
    expect(r.stderr).not.toMatch(/s3cr|token\n|0xE9/);
    expect(r.stdout).toBe('');
  });
});

describe('experiments', () => {
  async function withExperiment(): Promise<string> {
    const dir = project({
      'flags/discount.yaml': 'key: discount\nname: Discount\ndescription: ""\nowner: growth\ntags: []\ntype: number\nenabled: false\ndefaultValue: 0\nrules: []\nvariants:\n  - {key: none, name: No discount, value: 0, weight: 50}\n  - {key: five, name: Five, value: 5, weight: 50}\n',
    });
    expect((await run(dir, ['experiment', 'create', 'discount-test', '--flag', 'discount', '--name', 'Discount', '--metric', 'purchase'])).code).toBe(0);
    return dir;
  }

  it('results --counts: a Latin-1 result is COUNTS_INVALID at the byte, from a file or stdin', async () => {
    const dir = await withExperiment();
    put(dir, 'counts.csv', LATIN1('variant,metric,users\nnoné,purchase,3\n'));
    const r = await run(dir, ['experiment', 'results', 'discount-test', '--counts', 'counts.csv']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: counts.csv:2:4: ${BAD(2, 4)}\n` });
    const s = await runMain(['experiment', 'results', 'discount-test', '--counts', '-', '--json'], { cwd: dir, stdin: LATIN1('variant\nnoné\n') as unknown as string });
    expect(JSON.parse(s.stdout)).toEqual({ error: { code: 'COUNTS_INVALID', message: `stdin:2:4: ${BAD(2, 4)}` } });
  });

  it('show of an invalid experiment that is not UTF-8: its source is not shown as U+FFFD (null in --json)', async () => {
    const dir = project();
    mkdirSync(path.join(dir, 'flags/experiments'));
    put(dir, 'flags/experiments/exp.yaml', LATIN1('id: exp\nname: Café test\nflagKey: cafe\nstatus: draft\n'));
    const r = await run(dir, ['experiment', 'show', 'exp']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`flags/experiments/exp.yaml:2:10  error  INVALID_UTF8  ${BAD(2, 10)}`);
    expect(r.stdout).toContain('as written in flags/experiments/exp.yaml: not shown, it is not valid UTF-8 (the problem above names the first bad byte)\n');
    expect(r.stdout).not.toContain('\ufffd');
    const j = JSON.parse((await run(dir, ['experiment', 'show', 'exp', '--json'])).stdout);
    expect(j).toMatchObject({ id: 'exp', invalid: true, source: null, problems: [{ code: 'INVALID_UTF8', line: 2, column: 10 }] });
  });
});

describe('files compared or appended as bytes', () => {
  it('init appends to a .gitignore that is not UTF-8 and keeps its bytes (they used to be rewritten as U+FFFD)', async () => {
    const dir = repoWith({ 'README.md': '# p\n' }, 'flags-readers-utf8-');
    dirs.push(dir);
    const before = LATIN1('# caché\nnode_modules\n');
    put(dir, '.gitignore', before);
    expect((await run(dir, ['init'])).code).toBe(0);
    const after = readFileSync(path.join(dir, '.gitignore'));
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.subarray(before.length).toString('utf8')).toBe('# flagyard: the experiment event log is data, not configuration\nflags/experiments/events.jsonl\n');
    // A second look finds its line among the Latin-1 ones: nothing appended twice.
    removeDir(path.join(dir, 'flags'));
    removeDir(path.join(dir, 'flags.config.yaml'));
    expect((await run(dir, ['init'])).code).toBe(0);
    expect(readFileSync(path.join(dir, '.gitignore')).equals(after)).toBe(true);
  });

  it('generate --check: a bad byte where the module has U+FFFD is out of date (decoded loosely it was "up to date")', async () => {
    const dir = project({ 'flags/odd.yaml': flagYaml('odd').replace('description: ""', 'description: "caf\ufffd"') });
    expect((await run(dir, ['generate', '--lang', 'ts', '--out', 'flags.ts'])).code).toBe(0);
    const file = path.join(dir, 'flags.ts');
    const text = readFileSync(file);
    const at = text.indexOf(Buffer.from('\ufffd'));
    expect(at).toBeGreaterThan(0);
    expect((await run(dir, ['generate', '--lang', 'ts', '--out', 'flags.ts', '--check'])).code).toBe(0);
    writeFileSync(file, Buffer.concat([text.subarray(0, at), Buffer.from([0xe9]), text.subarray(at + 3)]));
    const r = await run(dir, ['generate', '--lang', 'ts', '--out', 'flags.ts', '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('flags.ts is out of date');
  });
});
