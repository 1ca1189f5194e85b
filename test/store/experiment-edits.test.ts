import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFs, type AtomicFs } from '../../src/store/atomic-write.js';
import { applyExperimentAction, createExperiment, renderNewExperiment, type CreateExperimentSpec } from '../../src/store/experiment-edits.js';
import { readExperimentSet } from '../../src/store/experiment-repo.js';
import { setEnabled } from '../../src/store/flag-edits.js';
import { readFlagSet } from '../../src/store/flag-repo.js';
import { projectWith, REPO_FLAGS, removeDir } from '../helpers/cli.js';

const NOW = '2026-01-31T12:00:00Z';
const LATER = '2026-02-14T09:30:00Z';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

function flagsDir(): string {
  const root = projectWith({});
  dirs.push(root);
  const dir = path.join(root, 'flags');
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(REPO_FLAGS, 'default-flags.yaml'), path.join(dir, 'default-flags.yaml'));
  return dir;
}
const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');
/** Every file below the flags directory, hidden ones (temp files, locks) included. */
function tree(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(dir, path.join(sub, e.name)).map((f) => f) : [path.join(sub, e.name)]))
    .sort();
}
async function check(dir: string) {
  const flags = await readFlagSet(dir);
  const exps = await readExperimentSet(dir, flags);
  return { flags, exps, diagnostics: [...flags.diagnostics, ...exps.diagnostics] };
}

const SPEC: CreateExperimentSpec = {
  id: 'checkout-button',
  name: 'Checkout button colour',
  description: 'Does a green button sell more?',
  flagKey: 'checkout-button-color',
  control: { key: 'blue', name: 'Blue' },
  treatments: [{ key: 'green', name: 'Green' }],
  primaryMetric: 'purchase',
  secondaryMetrics: ['add-to-cart'],
};

describe('createExperiment', () => {
  it('writes the definition (draft) and a disabled string flag with one variant per arm; both validate', async () => {
    const dir = flagsDir();
    const r = await createExperiment(dir, SPEC, { now: NOW });
    expect(r).toMatchObject({ action: 'create', id: 'checkout-button', flagKey: 'checkout-button-color', changed: true });
    expect(read(dir, 'experiments/checkout-button.yaml')).toBe(
      [
        'id: checkout-button',
        'name: Checkout button colour',
        'description: Does a green button sell more?',
        'flagKey: checkout-button-color',
        'control:',
        '  key: blue',
        '  name: Blue',
        'treatment:',
        '  - key: green',
        '    name: Green',
        '    weight: 50',
        'primaryMetric: purchase',
        'secondaryMetrics:',
        '  - add-to-cart',
        'status: draft',
        '',
      ].join('\n'),
    );
    expect(read(dir, 'checkout-button-color.yaml')).toBe(
      [
        'key: checkout-button-color',
        'name: Checkout button colour',
        'description: Does a green button sell more?',
        'type: string',
        'defaultValue: blue',
        'enabled: false',
        'rules: []',
        'variants:',
        '  - key: blue',
        '    name: Blue',
        '    value: blue',
        '    weight: 50',
        '  - key: green',
        '    name: Green',
        '    value: green',
        '    weight: 50',
        'tags: [experiment]',
        'owner: ""',
        `createdAt: ${NOW}`,
        `updatedAt: ${NOW}`,
        '',
      ].join('\n'),
    );
    const { diagnostics, exps, flags } = await check(dir);
    expect(diagnostics).toEqual([]);
    expect(exps.experiments.get('checkout-button')).toEqual(r.experiment);
    expect(flags.flags.get('checkout-button-color')).toEqual(r.flag);
  });

  it.each([
    ['two arms', [{ key: 'b' }], [50, 50]],
    // Whole percentages (SPEC 4.1): the leftover points go one each to the control first.
    ['three arms', [{ key: 'b' }, { key: 'c' }], [34, 33, 33]],
    ['four arms', [{ key: 'b' }, { key: 'c' }, { key: 'd' }], [25, 25, 25, 25]],
    ['six arms', [{ key: 'b' }, { key: 'c' }, { key: 'd' }, { key: 'e' }, { key: 'f' }], [17, 17, 17, 17, 16, 16]],
    ['a given weight; the rest shared with the control', [{ key: 'b', weight: 20 }, { key: 'c' }], [40, 20, 40]],
    ['given weights for all treatments', [{ key: 'b', weight: 10 }, { key: 'c', weight: 5 }], [85, 10, 5]],
  ])('weights, %s: the variants carry them and sum to exactly 100', async (_, treatments, weights) => {
    const dir = flagsDir();
    const r = await createExperiment(dir, { ...SPEC, control: { key: 'a' }, treatments }, { now: NOW });
    expect(r.flag.variants!.map((v) => v.weight)).toEqual(weights);
    expect(r.flag.variants!.map((v) => v.value)).toEqual(r.flag.variants!.map((v) => v.key));
    expect(Math.round(weights.reduce((s, w) => s + w, 0) * 100)).toBe(10000);
    expect(r.experiment.treatment.map((t) => t.weight)).toEqual(weights.slice(1));
    expect((await check(dir)).diagnostics).toEqual([]);
  });

  it('arm keys that read as other YAML types are quoted, so they stay strings', async () => {
    const dir = flagsDir();
    const r = await createExperiment(dir, { ...SPEC, control: { key: 'true' }, treatments: [{ key: '1.5' }, { key: 'null' }] }, { now: NOW });
    expect(read(dir, 'checkout-button-color.yaml')).toContain('defaultValue: "true"\n');
    expect(r.flag.variants!.map((v) => v.value)).toEqual(['true', '1.5', 'null']);
    expect((await check(dir)).diagnostics).toEqual([]);
  });

  it.each([
    ['an unsafe id', { id: '../escape' }, /invalid experiment id "..\/escape"/],
    ['a hidden id', { id: '.hidden' }, /invalid experiment id/],
    ['an unsafe flag key', { flagKey: 'a/b' }, /invalid flag key "a\/b"/],
    // An existing flag backs an experiment through its variants (SPEC 8); this one has none.
    ['an existing flag without variants', { flagKey: 'model-provider' }, /flag "model-provider" has no variants; an experiment needs a variant per arm/],
    ['duplicate arm keys', { treatments: [{ key: 'blue' }] }, /arm key "blue" is used twice/],
    ['an arm key with a colon', { treatments: [{ key: 'a:b' }] }, /invalid arm key "a:b"/],
    ['weights over 100', { treatments: [{ key: 'g', weight: 60 }, { key: 'h', weight: 50 }] }, /sum to 110, over 100/],
    ['nothing left for the control', { treatments: [{ key: 'g', weight: 100 }] }, /leaving nothing for the control "blue"/],
    ['no treatment', { treatments: [] }, /at least one treatment/],
    ['a repeated metric', { secondaryMetrics: ['purchase'] }, /metric "purchase" is given twice/],
  ])('refuses %s and writes nothing', async (_, change, message) => {
    const dir = flagsDir();
    const before = tree(dir);
    await expect(createExperiment(dir, { ...SPEC, ...change } as CreateExperimentSpec, { now: NOW })).rejects.toThrow(message);
    expect(tree(dir)).toEqual(before);
  });

  it('refuses an existing id (by id or by file name) and a flag another experiment names', async () => {
    const dir = flagsDir();
    await createExperiment(dir, SPEC, { now: NOW });
    const before = tree(dir);
    await expect(createExperiment(dir, { ...SPEC, flagKey: 'other' }, { now: NOW })).rejects.toThrow(
      'experiment "checkout-button" already exists (flags/experiments/checkout-button.yaml)',
    );
    writeFileSync(path.join(dir, 'experiments/renamed.yaml'), 'id: moved\n');
    await expect(createExperiment(dir, { ...SPEC, id: 'moved', flagKey: 'other' }, { now: NOW })).rejects.toThrow(/experiment "moved" already exists/);
    // The flag of an experiment whose flag file was deleted is still taken.
    unlinkSync(path.join(dir, 'checkout-button-color.yaml'));
    await expect(createExperiment(dir, { ...SPEC, id: 'again' }, { now: NOW })).rejects.toThrow(/already the flag of experiment "checkout-button"/);
    expect(tree(dir)).toEqual(before.filter((f) => f !== 'checkout-button-color.yaml').concat('experiments/renamed.yaml').sort());
  });

  it('removes the flag it created when the definition cannot be written', async () => {
    const dir = flagsDir();
    const before = tree(dir);
    const failing: AtomicFs = {
      ...nodeFs,
      link: (async (from, to) => {
        if (String(to).endsWith('checkout-button.yaml')) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        return nodeFs.link(from, to);
      }) as AtomicFs['link'],
    };
    await expect(createExperiment(dir, SPEC, { now: NOW, fs: failing })).rejects.toThrow(/EIO/);
    expect(tree(dir).filter((f) => !f.startsWith('experiments'))).toEqual(before);
    expect(existsSync(path.join(dir, 'checkout-button-color.yaml'))).toBe(false);
    // And the create can simply be run again.
    await createExperiment(dir, SPEC, { now: NOW });
    expect((await check(dir)).diagnostics).toEqual([]);
  });

  it('renderNewExperiment reads back as the experiment it was given', async () => {
    const exp = { id: 'x', name: 'a: b', description: '', flagKey: 'f', control: { key: 'c', name: '#1' }, treatment: [{ key: 't', name: 'yes', weight: 12.5 }], primaryMetric: 'm', status: 'draft' as const };
    const { parseExperimentFile } = await import('../../src/schema/parse-file.js');
    expect(parseExperimentFile('x.yaml', renderNewExperiment(exp)).raw).toEqual(exp);
  });
});

describe('applyExperimentAction', () => {
  async function created() {
    const dir = flagsDir();
    await createExperiment(dir, SPEC, { now: NOW });
    return dir;
  }
  const flagEnabled = async (dir: string) => (await readFlagSet(dir)).flags.get('checkout-button-color')!.enabled;
  const definition = (dir: string) => read(dir, 'experiments/checkout-button.yaml');

  it('start: flag on, status running, startDate; the definition changes by those two lines only', async () => {
    const dir = await created();
    const before = definition(dir);
    const r = await applyExperimentAction(dir, 'checkout-button', 'start', { now: LATER });
    expect(r).toMatchObject({ action: 'start', from: 'draft', status: 'running', repair: false, changed: true, flagEnabled: true });
    expect(r.changes).toEqual([
      { path: 'status', before: 'draft', after: 'running' },
      { path: 'startDate', before: undefined, after: LATER },
    ]);
    expect(r.flag).toMatchObject({ changed: true, enabled: true });
    expect(definition(dir)).toBe(before.replace('status: draft\n', `status: running\nstartDate: ${LATER}\n`));
    expect(await flagEnabled(dir)).toBe(true);
    expect((await check(dir)).diagnostics).toEqual([]);
  });

  it('the whole lifecycle: start, pause, resume (startDate kept), complete (endDate); no leftovers', async () => {
    const dir = await created();
    const steps = [
      ['start', 'running', true],
      ['pause', 'paused', false],
      ['resume', 'running', true],
      ['complete', 'completed', false],
    ] as const;
    for (const [action, status, on] of steps) {
      const r = await applyExperimentAction(dir, 'checkout-button', action, { now: action === 'start' ? NOW : LATER });
      expect(r.status).toBe(status);
      expect(await flagEnabled(dir)).toBe(on);
      expect((await check(dir)).diagnostics).toEqual([]);
    }
    const exp = (await check(dir)).exps.experiments.get('checkout-button')!;
    expect(exp).toMatchObject({ status: 'completed', startDate: NOW, endDate: LATER });
    expect(tree(dir).filter((f) => path.basename(f).startsWith('.'))).toEqual([]);
  });

  it('cancel from draft leaves the flag off and stamps endDate', async () => {
    const dir = await created();
    const r = await applyExperimentAction(dir, 'checkout-button', 'cancel', { now: LATER });
    expect(r).toMatchObject({ status: 'cancelled', flagEnabled: false, flag: { changed: false } });
    expect(definition(dir)).toContain(`status: cancelled\nendDate: ${LATER}\n`);
  });

  it.each([
    ['pause', 'draft', 'cannot pause experiment "checkout-button": it is draft; allowed from draft: start, cancel'],
    ['complete', 'draft', 'cannot complete experiment "checkout-button": it is draft; allowed from draft: start, cancel'],
    ['start', 'completed', 'cannot start experiment "checkout-button": it is completed; a completed experiment is final: no action is allowed'],
    ['cancel', 'completed', 'it is completed; a completed experiment is final'],
    ['start', 'paused', 'allowed from paused: resume, complete, cancel'],
  ])('refuses %s from %s, naming the allowed actions, and writes nothing', async (action, from, message) => {
    const dir = await created();
    if (from === 'completed') {
      await applyExperimentAction(dir, 'checkout-button', 'start', { now: NOW });
      await applyExperimentAction(dir, 'checkout-button', 'complete', { now: NOW });
    }
    if (from === 'paused') {
      await applyExperimentAction(dir, 'checkout-button', 'start', { now: NOW });
      await applyExperimentAction(dir, 'checkout-button', 'pause', { now: NOW });
    }
    const files = Object.fromEntries(tree(dir).map((f) => [f, read(dir, f)]));
    await expect(applyExperimentAction(dir, 'checkout-button', action as 'start', { now: LATER })).rejects.toThrow(message);
    expect(Object.fromEntries(tree(dir).map((f) => [f, read(dir, f)]))).toEqual(files);
  });

  it('running again repairs a half-done transition: status already running, flag off → flag on, definition untouched', async () => {
    const dir = await created();
    await applyExperimentAction(dir, 'checkout-button', 'start', { now: NOW });
    await setEnabled(dir, 'checkout-button-color', false, { now: NOW });
    const before = definition(dir);
    const r = await applyExperimentAction(dir, 'checkout-button', 'start', { now: LATER });
    expect(r).toMatchObject({ repair: true, changed: false, changes: [], from: 'running', status: 'running', flag: { changed: true, enabled: true } });
    expect(definition(dir)).toBe(before);
    expect(await flagEnabled(dir)).toBe(true);
    // Once repaired, running it again changes nothing at all.
    const again = await applyExperimentAction(dir, 'checkout-button', 'resume', { now: LATER });
    expect(again).toMatchObject({ repair: true, changed: false, flag: { changed: false } });
  });

  it('repairs the other half too: a cancelled experiment whose flag is still on gets it turned off', async () => {
    const dir = await created();
    await applyExperimentAction(dir, 'checkout-button', 'cancel', { now: NOW });
    await setEnabled(dir, 'checkout-button-color', true, { now: NOW });
    expect((await check(dir)).diagnostics.map((d) => d.code)).toEqual(['EXPERIMENT_STATUS_MISMATCH']);
    const r = await applyExperimentAction(dir, 'checkout-button', 'cancel', { now: LATER });
    expect(r).toMatchObject({ repair: true, flag: { changed: true, enabled: false } });
    expect((await check(dir)).diagnostics).toEqual([]);
  });

  it('a crash after the flag write leaves the old status, so the same action runs again normally', async () => {
    const dir = await created();
    await setEnabled(dir, 'checkout-button-color', true, { now: NOW }); // the flag half of `start`
    const r = await applyExperimentAction(dir, 'checkout-button', 'start', { now: LATER });
    expect(r).toMatchObject({ repair: false, changed: true, status: 'running', flag: { changed: false } });
  });

  it('refuses to turn on a split that does not match the definition, but turns one off', async () => {
    const dir = await created();
    // Both weights changed, so the flag stays valid (sum 100) but disagrees with the definition.
    const flagFile = path.join(dir, 'checkout-button-color.yaml');
    writeFileSync(flagFile, readFileSync(flagFile, 'utf8').replace('weight: 50\n  - key: green', 'weight: 40\n  - key: green').replace(/weight: 50\ntags/, 'weight: 60\ntags'));
    const before = definition(dir);
    await expect(applyExperimentAction(dir, 'checkout-button', 'start', { now: LATER })).rejects.toThrow(
      /cannot start experiment "checkout-button": flags\/experiments\/checkout-button.yaml:\d+:\d+ control "blue" has weight 50 .* has 40; run `flags validate`/,
    );
    expect(definition(dir)).toBe(before);
    expect(await flagEnabled(dir)).toBe(false);
    const r = await applyExperimentAction(dir, 'checkout-button', 'cancel', { now: LATER });
    expect(r.status).toBe('cancelled');
  });

  it('a missing flag does not block turning an experiment off', async () => {
    const dir = await created();
    unlinkSync(path.join(dir, 'checkout-button-color.yaml'));
    await expect(applyExperimentAction(dir, 'checkout-button', 'start', { now: LATER })).rejects.toThrow(/flag "checkout-button-color" does not exist/);
    const r = await applyExperimentAction(dir, 'checkout-button', 'cancel', { now: LATER });
    expect(r).toMatchObject({ status: 'cancelled', flag: null });
  });

  it('unknown, invalid and duplicated experiments are refused with a clear message', async () => {
    const dir = await created();
    await expect(applyExperimentAction(dir, 'checkout-buton', 'start')).rejects.toThrow(
      'no experiment "checkout-buton" in flags/experiments (did you mean "checkout-button"?)',
    );
    writeFileSync(path.join(dir, 'experiments/broken.yaml'), 'id: broken\nname: x\n');
    await expect(applyExperimentAction(dir, 'broken', 'start')).rejects.toThrow(/flags\/experiments\/broken.yaml:1:1 .*; the experiment has errors, run `flags validate`/);
    writeFileSync(path.join(dir, 'experiments/copy.yaml'), definition(dir));
    await expect(applyExperimentAction(dir, 'checkout-button', 'start')).rejects.toThrow(/defined in 2 files .*remove the duplicate first/);
  });

  it('edits keep comments and the rest of the file byte for byte', async () => {
    const dir = await created();
    const file = path.join(dir, 'experiments/checkout-button.yaml');
    const commented = '# owned by the web team\n' + readFileSync(file, 'utf8').replace('status: draft\n', 'status: draft   # not yet\n') + '# end\n';
    writeFileSync(file, commented);
    await applyExperimentAction(dir, 'checkout-button', 'start', { now: NOW });
    expect(readFileSync(file, 'utf8')).toBe(commented.replace('status: draft   # not yet\n', `status: running   # not yet\nstartDate: ${NOW}\n`));
  });
});
