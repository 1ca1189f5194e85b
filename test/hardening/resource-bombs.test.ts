/**
 * Resource bombs in flag files (issue 9): alias expansion, size, density,
 * nesting, quadratic key checks, long lines, huge numbers, binary, empty,
 * BOM and CRLF. Each goes through validate, list and eval: exit 0/1 with a
 * clear finding, no stack trace, and the good flag beside it still served.
 *
 * Files that used to hang or exhaust memory run through the real binary, so
 * a regression is a child killed by runBin's 60 s timeout (code -1) or an
 * out-of-memory abort, not a frozen test worker. No timing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, flagYaml, projectWith, removeDir, runMain, type RunResult } from '../helpers/cli.js';
import { MAX_YAML_ITEMS } from '../../src/schema/parse-file.js';
import { MAX_FLAG_FILE_BYTES } from '../../src/store/flag-repo.js';
import { rng } from './mutate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A project with `bomb.yaml` next to a valid flag `good`. */
function project(bomb: string | Buffer, name = 'bomb.yaml'): string {
  const dir = projectWith({ 'good.yaml': flagYaml('good') });
  writeFileSync(path.join(dir, 'flags', name), bomb);
  dirs.push(dir);
  return dir;
}

/** The real binary, with room for thousands of findings on stdout; 60 s is the hang detector. */
function runBin(argv: string[], opts: { cwd: string }): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: opts.cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /\n\s+at |FATAL ERROR|heap out of memory|Maximum call stack/;

function expectClean(what: string, r: RunResult): void {
  expect(r.code, `${what}: killed (timeout or crash)\n${r.stderr.slice(0, 500)}`).not.toBe(-1);
  expect([0, 1, 2], `${what}: exit ${r.code}\n${r.stderr.slice(0, 500)}`).toContain(r.code);
  expect(r.stderr, what).not.toMatch(STACK);
  expect(r.stdout, what).not.toMatch(STACK);
  expect(r.stderr, what).not.toMatch(/internal error|\(node:\d+\)/i);
}

interface Findings {
  validate: RunResult;
  diagnostics: { code: string; message: string; file: string; line: number; severity: string }[];
}

/** validate (json), list and eval of the bomb's key and of `good`, in-process or through the binary. */
async function runAll(dir: string, key: string, via: 'main' | 'bin'): Promise<Findings> {
  const run = (argv: string[]) => (via === 'main' ? runMain(argv, { cwd: dir }) : Promise.resolve(runBin(argv, { cwd: dir })));
  const validate = await run(['validate', '--format', 'json']);
  expectClean('validate', validate);
  expect(validate.code).toBe(1);
  const { diagnostics } = JSON.parse(validate.stdout) as Findings['diagnostics'] extends infer D ? { diagnostics: D } : never;
  const list = await run(['list', '--json']);
  expectClean('list', list);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as { key: string }[]).map((f) => f.key)).toContain('good');
  expect(list.stderr).toMatch(/flag files? ha(s|ve) errors; run `flags validate`/);
  const bad = await run(['eval', key, '--json']);
  expectClean('eval bomb', bad);
  expect(bad.code).toBe(1);
  expect(JSON.parse(bad.stdout)).toMatchObject({ key, reason: 'ERROR' });
  const good = await run(['eval', 'good', '--json']);
  expectClean('eval good', good);
  expect(JSON.parse(good.stdout)).toMatchObject({ key: 'good', value: false, reason: 'DEFAULT' });
  return { validate, diagnostics: diagnostics.filter((d) => d.file.endsWith('bomb.yaml') && d.severity === 'error') };
}

describe('alias expansion (billion laughs)', () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
    const prev = String.fromCharCode(97 + i);
    laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const bomb = `${laughs.join('\n')}\nkey: bomb\nname: bomb\ndescription: ""\ntype: json\ndefaultValue: *i\nenabled: true\nrules: []\ntags: []\nowner: t\n`;

  it('is refused with a finding at an alias, in-process and through the binary', async () => {
    const dir = project(bomb);
    for (const via of ['main', 'bin'] as const) {
      const { diagnostics } = await runAll(dir, 'bomb', via);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX', message: expect.stringMatching(/alias count/i) });
    }
  });

  it('a few aliases are fine: the limit is about expansion, not about aliases', async () => {
    const dir = projectWith({ 'shared.yaml': 'flags:\n  - &base\n    key: a\n    name: a\n    description: ""\n    type: boolean\n    defaultValue: false\n    enabled: true\n    rules: []\n    tags: &tags [x, y]\n    owner: t\n  - key: b\n    name: b\n    description: ""\n    type: boolean\n    defaultValue: false\n    enabled: true\n    rules: []\n    tags: *tags\n    owner: t\n' });
    dirs.push(dir);
    const r = await runMain(['list', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((f: { tags: string[] }) => f.tags)).toEqual([['x', 'y'], ['x', 'y']]);
  });
});

describe('size and density', () => {
  it('a file over 10 MiB is refused with its size, without being parsed', async () => {
    const big = flagYaml('bomb') + ('# ' + 'x'.repeat(1022) + '\n').repeat(MAX_FLAG_FILE_BYTES / 1024 + 1);
    const { diagnostics } = await runAll(project(big), 'bomb', 'main');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'FILE_TOO_LARGE', line: 1, message: expect.stringMatching(/10\.0 MiB; flag files are limited to 10 MiB/) })]);
  });

  // Under the size cap, but one YAML item per one or two bytes: the parser used
  // gigabytes for these (ten megabytes of them) and the process died of an
  // out-of-memory abort. Each is refused by the item count before parsing, so
  // just over MAX_YAML_ITEMS items proves the limit as well as ten megabytes
  // did, at a tenth of the size.
  const OVER = MAX_YAML_ITEMS + 1000;
  it.each([
    ['"[" past the item limit', 'v: ' + '['.repeat(OVER)],
    ['a flat flow list past the item limit', 'v: [' + 'a,'.repeat(OVER) + 'a]'],
    ['compact "- " levels past the item limit', 'v:\n' + '- '.repeat(OVER) + 'x'],
    ['"a: 1" lines past the item limit', 'a: 1\n'.repeat(OVER)],
  ])('%s: refused before parsing (binary)', async (_name, body) => {
    expect(body.length).toBeLessThan(MAX_FLAG_FILE_BYTES);
    const { diagnostics } = await runAll(project(`key: bomb\n${body}\n`), 'bomb', 'bin');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'FILE_TOO_LARGE', message: expect.stringMatching(/more than 1,000,000 YAML items/) })]);
  }, 120_000);

  it('a large legitimate file is still read: 20,000 flags in one list', async () => {
    let text = 'flags:\n';
    for (let i = 0; i < 20_000; i++) text += `  - key: f${i}\n    name: f${i}\n    description: ""\n    type: boolean\n    defaultValue: false\n    enabled: true\n    rules: []\n    tags: [a, b]\n    owner: t\n`;
    const dir = projectWith({ 'many.yaml': text });
    dirs.push(dir);
    const r = await runMain(['validate'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/20000 flags in 1 file are valid/);
  }, 60_000);
});

describe('nesting', () => {
  it.each([
    ['10,000 "[" never closed', 'v: ' + '['.repeat(10_000)],
    ['10,000 balanced "[ ]"', 'v: ' + '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10,000 "{a: "', 'v: ' + '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['10,000 compact "- "', 'v:\n' + '- '.repeat(10_000) + 'x'],
  ])('%s: a short finding, no stack overflow', async (_name, body) => {
    const dir = project(`key: bomb\n${body}\n`);
    const { diagnostics } = await runAll(dir, 'bomb', 'main');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(3);
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/nested too deeply|never closed/);
    await runAll(dir, 'bomb', 'bin');
  });

  it('nesting a flag file can use (a json value 200 levels deep) is read and served', async () => {
    const dir = projectWith({ 'deep.yaml': flagYaml('deep').replace('type: boolean\ndefaultValue: false', `type: json\ndefaultValue: ${'['.repeat(200)}1${']'.repeat(200)}`) });
    dirs.push(dir);
    const r = await runMain(['eval', 'deep', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.stringify(JSON.parse(r.stdout).value)).toBe('['.repeat(200) + '1' + ']'.repeat(200));
  });
});

describe('inputs that made a check quadratic or worse (binary, hang detector: 60 s)', () => {
  it.each([
    ['a mapping of 100,000 keys (yaml compared every pair)', () => 'defaultValue:\n' + Array.from({ length: 100_000 }, (_, i) => `  k${i}: 1\n`).join(''), /./],
    ['8,000 lines each opening a "[" (one document visit per error)', () => Array.from({ length: 8_000 }, (_, i) => `k${i}: [\n`).join(''), /never closed/],
    ['800 nested "? " keys (keys stringified inside keys)', () => 'v: ' + '? '.repeat(800) + 'x\n', /key inside another key/],
  ])('%s finishes with findings', async (_name, body, message) => {
    const dir = project(`key: bomb\n${body()}`);
    const { diagnostics } = await runAll(dir, 'bomb', 'bin');
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(message);
  }, 120_000);

  it('duplicate keys are still found, at the second occurrence, in block and flow mappings', async () => {
    const dir = project('key: bomb\nname: a\nname: b\nv: {x: 1, y: 2, x: 3}\nw: {1: a, "1": b}\n');
    const { diagnostics } = await runAll(dir, 'bomb', 'main');
    expect(diagnostics.filter((d) => d.code === 'DUPLICATE_MAPPING_KEY').map((d) => [d.line, d.message])).toEqual([
      [3, '"name" is defined twice in the same mapping (YAML keys must be unique)'],
      [4, '"x" is defined twice in the same mapping (YAML keys must be unique)'],
    ]);
  });
});

describe('long lines, huge numbers, binary, empty, BOM, CRLF', () => {
  it('a 1 MB description is read and served; a 1 MB key is an invalid key', async () => {
    const dir = projectWith({ 'long.yaml': flagYaml('long').replace('description: ""', `description: "${'x'.repeat(1 << 20)}"`) });
    dirs.push(dir);
    expect((await runMain(['validate'], { cwd: dir })).code).toBe(0);
    expect(JSON.parse((await runMain(['eval', 'long', '--json'], { cwd: dir })).stdout)).toMatchObject({ value: false, reason: 'DEFAULT' });
    const { diagnostics } = await runAll(project(flagYaml('bomb').replace('key: bomb', `key: ${'k'.repeat(1 << 20)}`)), 'bomb', 'main');
    expect(diagnostics.map((d) => d.code)).toContain('INVALID_KEY');
    const implicit = await runAll(project(`key: bomb\n${'k'.repeat(1 << 20)}: 1\n`), 'bomb', 'main');
    expect(implicit.diagnostics.length).toBeGreaterThan(0);
  });

  it.each([
    ['defaultValue: 1e999', 'defaultValue: 0', 'defaultValue: 1e999'],
    ['defaultValue: -1e999', 'defaultValue: 0', 'defaultValue: -1e999'],
    ['defaultValue: .inf', 'defaultValue: 0', 'defaultValue: .inf'],
    ['defaultValue: .nan', 'defaultValue: 0', 'defaultValue: .nan'],
    ['a rule value of 1e999', 'rules: []', 'rules:\n  - id: r\n    conditions: []\n    value: 1e999'],
    ['a fallthrough percentage of 1e999', 'owner: t', 'owner: t\nfallthrough: {value: 1, percentage: 1e999}'],
    ['a condition value of 1e999', 'rules: []', 'rules:\n  - id: r\n    conditions: [{attribute: n, operator: gt, value: 1e999}]\n    value: 1'],
  ])('%s is an error, never served as Infinity', async (_name, from, to) => {
    const text = `key: bomb\nname: n\ndescription: ""\ntype: number\ndefaultValue: 0\nenabled: true\nrules: []\ntags: []\nowner: t\n`.replace(from, to);
    const { diagnostics, validate } = await runAll(project(text), 'bomb', 'main');
    expect(diagnostics.length, validate.stdout).toBeGreaterThan(0);
    expect(validate.stdout).not.toMatch(/"reason"/);
  });

  it('binary files (random bytes, NUL bytes, UTF-16, an executable header) are findings', async () => {
    const r = rng(424242);
    const random = Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(r() * 256)));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(flagYaml('bomb'), 'utf16le')]);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4096, 0)]);
    const nodeHead = readFileSync(process.execPath).subarray(0, 256 * 1024);
    for (const bytes of [random, Buffer.alloc(100_000, 0), utf16, elf, nodeHead]) {
      const { diagnostics } = await runAll(project(bytes), 'bomb', 'main');
      expect(diagnostics.length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['empty', ''],
    ['only whitespace', '  \n\n\t\n'],
    ['only a comment', '# nothing here\n'],
    ['only a document marker', '---\n...\n'],
  ])('an %s file says it is empty (or not a flag file)', async (_name, text) => {
    const { diagnostics } = await runAll(project(text), 'bomb', 'main');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'INVALID_FILE_FORM' })]);
  });

  it('a UTF-8 byte order mark and CRLF line endings: valid, served, and kept by an edit', async () => {
    // A staging value gives the flag an effect (else --strict fails on NO_EFFECT, which is not what this tests).
    const text = '\uFEFF' + flagYaml('crlf', 'environments:\n  staging:\n    enabled: true\n    value: true\n').replace(/\n/g, '\r\n');
    const dir = projectWith({ 'crlf.yaml': text });
    dirs.push(dir);
    const v = await runMain(['validate', '--strict'], { cwd: dir });
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse((await runMain(['list', '--json'], { cwd: dir })).stdout)[0]).toMatchObject({ key: 'crlf', enabled: true, owner: 'team' });
    expect(JSON.parse((await runMain(['eval', 'crlf', '--json'], { cwd: dir })).stdout)).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect((await runMain(['toggle', 'crlf', '--off'], { cwd: dir })).code).toBe(0);
    const after = readFileSync(path.join(dir, 'flags', 'crlf.yaml'), 'utf8');
    expect(after.startsWith('\uFEFFkey: crlf\r\n')).toBe(true);
    expect(after).toContain('enabled: false\r\n');
    expect(after.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });
});
