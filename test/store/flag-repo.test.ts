import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listFlagFiles, readFlagSet, resolveFlagsDir } from '../../src/store/flag-repo.js';
import { flagYaml, projectWith, REPO_FLAGS, removeDir, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
const project = (files: Record<string, string>) => {
  const d = projectWith(files);
  dirs.push(d);
  return path.join(d, 'flags');
};
afterEach(() => dirs.splice(0).forEach(removeDir));

describe('resolveFlagsDir', () => {
  it('prefers the option, then FLAGS_DIR, then ./flags', () => {
    expect(resolveFlagsDir('x', { FLAGS_DIR: 'y' }, '/w')).toBe('/w/x');
    expect(resolveFlagsDir(undefined, { FLAGS_DIR: 'y' }, '/w')).toBe('/w/y');
    expect(resolveFlagsDir(undefined, {}, '/w')).toBe('/w/flags');
  });
});

describe('listFlagFiles', () => {
  it('finds *.yaml and *.yml recursively in sorted order, skipping experiments/ and other files', async () => {
    const dir = project({
      'b.yaml': flagYaml('b'),
      'a.yml': flagYaml('a'),
      'sub/c.yaml': flagYaml('c'),
      'sub/deeper/d.yaml': flagYaml('d'),
      'experiments/exp.yaml': 'id: exp',
      'notes.txt': 'x',
      '.hidden/e.yaml': flagYaml('e'),
    });
    const files = (await listFlagFiles(dir)).map((f) => path.relative(dir, f));
    expect(files).toEqual(['a.yml', 'b.yaml', 'sub/c.yaml', 'sub/deeper/d.yaml']);
  });

  it('follows a symbolic link only when its target is inside the flags directory', async () => {
    const dir = project({ 'real/a.yaml': flagYaml('a') });
    const outside = tempDir();
    dirs.push(outside);
    writeFileSync(path.join(outside, 'evil.yaml'), flagYaml('evil'));
    symlinkSync(path.join(dir, 'real/a.yaml'), path.join(dir, 'link.yaml'));
    symlinkSync(path.join(outside, 'evil.yaml'), path.join(dir, 'evil.yaml'));
    const files = (await listFlagFiles(dir)).map((f) => path.relative(dir, f));
    expect(files).toEqual(['link.yaml', 'real/a.yaml']);
  });

  it('names the missing directory and mentions --dir', async () => {
    await expect(listFlagFiles('/nonexistent/flags')).rejects.toThrow(/\/nonexistent\/flags.*--dir/);
  });
});

describe('readFlagSet', () => {
  it('loads the repository flags without a finding', async () => {
    const set = await readFlagSet(REPO_FLAGS);
    expect(set.diagnostics).toEqual([]);
    expect([...set.flags.keys()]).toEqual(['self-evolution-enabled', 'parallel-agents-limit', 'new-orchestrator-v2', 'model-provider']);
  });

  it('reads both forms', async () => {
    // Disabled: enabled with nothing but their default they would each be NO_EFFECT (issue 12), not what this tests.
    const off = (k: string) => flagYaml(k).replace('enabled: true', 'enabled: false');
    const dir = project({
      'one.yaml': off('one'),
      'list.yaml': `flags:\n  - ${off('two').trimEnd().split('\n').join('\n    ')}\n  - ${off('three').trimEnd().split('\n').join('\n    ')}\n`,
    });
    const set = await readFlagSet(dir);
    expect(set.diagnostics).toEqual([]);
    expect([...set.flags.keys()].sort()).toEqual(['one', 'three', 'two']);
    const [two] = set.entries.get('two')!;
    expect(two.index).toBe(0);
    expect(two.position).toEqual({ line: 2, column: 10 });
    expect(set.entries.get('three')![0].position).toEqual({ line: 11, column: 10 });
  });

  it('keeps serving good flags beside a broken file and marks the broken key invalid', async () => {
    const dir = project({
      'good.yaml': flagYaml('good'),
      'bad.yaml': flagYaml('bad').replace('enabled: true', 'enabled: maybe'),
      'syntax.yaml': 'key: [unclosed\n',
    });
    const set = await readFlagSet(dir);
    expect([...set.flags.keys()]).toEqual(['good']);
    expect(set.invalidKeys.has('bad')).toBe(true);
    const bad = set.diagnostics.find((d) => d.file.endsWith('bad.yaml'))!;
    expect(bad).toMatchObject({ code: 'INVALID_TYPE', line: 6, column: 10, flagKey: 'bad', path: 'enabled' });
    expect(set.diagnostics.some((d) => d.file.endsWith('syntax.yaml') && d.code === 'YAML_SYNTAX')).toBe(true);
  });

  it('serves a key defined twice from neither place', async () => {
    const dir = project({ 'a.yaml': flagYaml('dup'), 'b.yaml': flagYaml('dup') });
    const set = await readFlagSet(dir);
    expect(set.flags.has('dup')).toBe(false);
    expect(set.invalidKeys.has('dup')).toBe(true);
    expect(set.diagnostics.filter((d) => d.code === 'DUPLICATE_FLAG_KEY')).toHaveLength(2);
  });

  it('reports positions correctly with CRLF line endings and a BOM', async () => {
    const text = '\ufeff' + flagYaml('crlf').replace('enabled: true', 'enabled: 3').replace(/\n/g, '\r\n');
    const dir = project({ 'crlf.yaml': text });
    const set = await readFlagSet(dir);
    expect(set.diagnostics.find((d) => d.code === 'INVALID_TYPE')).toMatchObject({ line: 6, column: 10 });
  });

  it('reports an empty file and a file of neither form', async () => {
    const dir = project({ 'empty.yaml': '', 'list.yaml': '- a\n- b\n' });
    mkdirSync(path.join(dir, 'x'));
    const set = await readFlagSet(dir);
    expect(set.diagnostics.map((d) => d.code)).toEqual(['INVALID_FILE_FORM', 'INVALID_FILE_FORM']);
  });
});
