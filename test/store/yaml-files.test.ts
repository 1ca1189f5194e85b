/**
 * Flag, experiment and segment files are listed and read one way
 * (store/yaml-files.ts). The experiment and segment copies had drifted from
 * the flags': these tests pin the behaviour all three now share.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readExperiments, readExperimentSet } from '../../src/store/experiment-repo.js';
import { readFlagSet, readSegments } from '../../src/store/flag-repo.js';
import { flagYaml, removeDir, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A project with `files` under flags/ (values may be bytes); returns the project directory. */
function project(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'flags', name)), { recursive: true });
    writeFileSync(path.join(dir, 'flags', name), body);
  }
  return dir;
}

const CHECKOUT = flagYaml('checkout', 'variants:\n  - {key: control, name: C, value: false, weight: 50}\n  - {key: treat, name: T, value: true, weight: 50}\n');

/** A running experiment on `checkout` whose name holds a Latin-1 "é" (byte 0xE9): not UTF-8. */
const LATIN1_EXPERIMENT = Buffer.concat([
  Buffer.from('id: checkout-exp\nname: Caf'),
  Buffer.from([0xe9]),
  Buffer.from(' test\ndescription: ""\nflagKey: checkout\ncontrol: {key: control, name: C}\ntreatment: [{key: treat, name: T, weight: 50}]\nprimaryMetric: m\nstatus: running\n'),
]);

describe('a link loop is one warning at its path, in every folder', () => {
  it('flags/, flags/experiments/ and flags/segments/ alike (experiments and segments skipped it without a word)', async () => {
    const dir = project({ 'checkout.yaml': CHECKOUT, 'experiments/.keep': '', 'segments/.keep': '' });
    for (const folder of ['', 'experiments', 'segments']) symlinkSync('loop.yaml', path.join(dir, 'flags', folder, 'loop.yaml'));
    const r = await runMain(['validate'], { cwd: dir });
    const loops = r.stdout.split('\n').filter((l) => l.includes('SYMLINK_LOOP'));
    expect(loops).toEqual([
      expect.stringMatching(/^flags\/experiments\/loop\.yaml:1:1 +warning +SYMLINK_LOOP +symbolic link loop \(the link leads back to itself\): skipped$/),
      expect.stringMatching(/^flags\/loop\.yaml:1:1 +warning +SYMLINK_LOOP +symbolic link loop \(the link leads back to itself\): skipped$/),
      expect.stringMatching(/^flags\/segments\/loop\.yaml:1:1 +warning +SYMLINK_LOOP +symbolic link loop \(the link leads back to itself\): skipped$/),
    ]);
    expect(r.code).toBe(0);
    // The library readers say the same.
    const flagsDir = path.join(dir, 'flags');
    const flags = await readFlagSet(flagsDir);
    expect((await readExperimentSet(flagsDir, flags)).diagnostics.map((d) => `${path.relative(flagsDir, d.file)} ${d.code}`)).toEqual(['experiments/loop.yaml SYMLINK_LOOP']);
    expect(readSegments(flagsDir).diagnostics.map((d) => `${path.relative(flagsDir, d.file)} ${d.code}`)).toEqual(['segments/loop.yaml SYMLINK_LOOP']);
  });
});

describe('a file that is not UTF-8 is read as far as it goes, as flag files are', () => {
  it('an experiment keeps its id and data: one INVALID_UTF8 finding, not served, still seen as running (it lost both)', async () => {
    const dir = project({ 'checkout.yaml': CHECKOUT, 'experiments/checkout-exp.yaml': LATIN1_EXPERIMENT });
    const flagsDir = path.join(dir, 'flags');
    const [file] = await readExperiments(flagsDir);
    expect(file).toMatchObject({ id: 'checkout-exp', syntaxOk: false, position: { line: 1, column: 5 } });
    expect(file.raw).toMatchObject({ flagKey: 'checkout', status: 'running' });
    const set = await readExperimentSet(flagsDir, await readFlagSet(flagsDir));
    expect(set.experiments.size).toBe(0);
    expect(set.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'INVALID_UTF8 2:10 not valid UTF-8: byte 0xE9 at line 2, column 10 (save the file as UTF-8)',
    ]);

    // An edit of its flag warns that it changes a running experiment's arms.
    const toggle = await runMain(['toggle', 'checkout', '--off'], { cwd: dir });
    expect(toggle.code).toBe(0);
    expect(toggle.stderr).toMatch(/checkout is the flag of running experiment checkout-exp/);
    // And a second experiment on the same flag is refused.
    const create = await runMain(['experiment', 'create', 'second', '--flag', 'checkout', '--name', 'Second', '--metric', 'm'], { cwd: dir });
    expect(create.stderr).toMatch(/flag "checkout" is already the flag of experiment "checkout-exp"/);
    expect(create.code).toBe(1);
  });

  it('a segment is checked for UTF-8 at all: an error, not served, and the flags that use it are told (it was served with U+FFFD)', async () => {
    const segment = Buffer.concat([
      Buffer.from('key: beta\ndescription: "B'),
      Buffer.from([0xe9]),
      Buffer.from('ta"\nconditions:\n  - {attribute: tenant, operator: in, value: [a]}\n'),
    ]);
    const rule = 'rules:\n  - id: beta-users\n    conditions: [{operator: in_segment, value: [beta]}]\n    value: true\n';
    const dir = project({ 'segments/beta.yaml': segment, 'f.yaml': flagYaml('f').replace('rules: []\n', rule) });
    const index = readSegments(path.join(dir, 'flags'));
    expect(index.segments.has('beta')).toBe(false);
    expect([...index.invalidKeys]).toEqual(['beta']);
    expect(index.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['INVALID_UTF8 2:16']);
    const set = await readFlagSet(path.join(dir, 'flags'));
    expect(set.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.basename(d.file)} ${d.code}`)).toEqual(['f.yaml INVALID_SEGMENT_REFERENCE', 'beta.yaml INVALID_UTF8']);
  });
});
