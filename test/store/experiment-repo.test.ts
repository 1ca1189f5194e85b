import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { experimentFile, listExperimentFiles, readExperiments, readExperimentSet } from '../../src/store/experiment-repo.js';
import { readFlagSet } from '../../src/store/flag-repo.js';
import { removeDir, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function project(): string {
  const dir = tempDir();
  dirs.push(dir);
  mkdirSync(path.join(dir, 'flags/experiments/nested'), { recursive: true });
  return path.join(dir, 'flags');
}

describe('experiment-repo', () => {
  it('no experiments folder: no experiments', async () => {
    const dir = tempDir();
    dirs.push(dir);
    expect(listExperimentFiles(dir)).toEqual([]);
    expect(await readExperiments(dir)).toEqual([]);
  });

  it('lists the YAML definitions directly in experiments/, sorted; not the event log, dot files or subfolders', () => {
    const flags = project();
    for (const name of ['b.yaml', 'a.yml', 'events.jsonl', '.hidden.yaml', 'nested/c.yaml']) writeFileSync(path.join(flags, 'experiments', name), 'id: x\n');
    expect(listExperimentFiles(flags).map((f) => path.basename(f))).toEqual(['a.yml', 'b.yaml']);
    expect(experimentFile(flags, 'checkout')).toBe(path.join(flags, 'experiments', 'checkout.yaml'));
  });

  it('follows a symbolic link only to a target inside the flags directory', () => {
    const flags = project();
    const outside = path.join(path.dirname(flags), 'outside.yaml');
    writeFileSync(outside, 'id: out\n');
    writeFileSync(path.join(flags, 'inside.yaml'), 'id: in\n');
    symlinkSync(outside, path.join(flags, 'experiments', 'out.yaml'));
    symlinkSync(path.join(flags, 'inside.yaml'), path.join(flags, 'experiments', 'in.yaml'));
    expect(listExperimentFiles(flags).map((f) => path.basename(f))).toEqual(['in.yaml']);
  });

  it('reads with positions and validates against the flags', async () => {
    const flags = project();
    writeFileSync(path.join(flags, 'experiments', 'e.yaml'), 'id: e\nname: E\ndescription: ""\nflagKey: ghost\ncontrol: {key: c, name: C}\ntreatment: [{key: t, name: T, weight: 50}]\nprimaryMetric: m\nstatus: draft\n');
    const [parsed] = await readExperiments(flags);
    expect(parsed).toMatchObject({ id: 'e', position: { line: 1, column: 5 }, syntaxOk: true });
    const set = await readExperimentSet(flags, await readFlagSet(flags));
    expect(set.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['EXPERIMENT_FLAG_MISSING 4:10']);
  });
});
