import { describe, expect, it } from 'vitest';
import {
  checkExperimentFlagExists,
  checkExperimentStatus,
  checkExperimentVariants,
  checkExperimentWeightPrecision,
  checkExperimentWeights,
  EXPERIMENT_CHECKS,
  validateExperimentFiles,
} from '../../src/schema/experiment-checks.js';
import { ExperimentSchema, type Experiment } from '../../src/schema/experiment.js';
import { FlagSchema, type Flag } from '../../src/schema/flag.js';
import { parseExperimentFile, parseFlagFile } from '../../src/schema/parse-file.js';
import { validateFlagFiles } from '../../src/schema/validate.js';
import { experimentInput } from '../helpers/experiments.js';
import { flagInput } from '../helpers/flags.js';

function experiment(over: Partial<Experiment> = {}): Experiment {
  return ExperimentSchema.parse(
    experimentInput({
      id: 'exp',
      name: 'Exp',
      flagKey: 'f',
      control: { key: 'c', name: 'C' },
      treatment: [
        { key: 't1', name: 'T1', weight: 33.33 },
        { key: 't2', name: 'T2', weight: 33.33 },
      ],
      status: 'running',
      ...over,
    }),
  );
}

function flag(over: Partial<Flag> = {}): Flag {
  return FlagSchema.parse(
    flagInput({
      name: 'F',
      type: 'string',
      defaultValue: 'c',
      variants: [
        { key: 'c', name: 'C', value: 'c', weight: 33.34 },
        { key: 't1', name: 'T1', value: 't1', weight: 33.33 },
        { key: 't2', name: 'T2', value: 't2', weight: 33.33 },
      ],
      ...over,
    }),
  );
}

const brief = (fs: { severity: string; code: string; path: (string | number)[] }[]) => fs.map((f) => `${f.severity} ${f.code} ${f.path.join('.')}`);

describe('experiment checks', () => {
  it('a matching experiment and flag pass every check', () => {
    for (const check of EXPERIMENT_CHECKS) expect(check(experiment(), { defined: true, flag: flag() })).toEqual([]);
  });

  it('EXPERIMENT_FLAG_MISSING: only when the flag is defined nowhere', () => {
    expect(brief(checkExperimentFlagExists(experiment(), { defined: false }))).toEqual(['error EXPERIMENT_FLAG_MISSING flagKey']);
    // Defined but invalid: its own findings say why; the experiment does not pile on.
    expect(checkExperimentFlagExists(experiment(), { defined: true })).toEqual([]);
    for (const check of EXPERIMENT_CHECKS.slice(1)) expect(check(experiment(), { defined: true })).toEqual([]);
  });

  it('EXPERIMENT_VARIANT_MISMATCH: arms without a variant at the arm key; variants without an arm at flagKey', () => {
    const exp = experiment({ control: { key: 'base', name: 'B' } });
    expect(brief(checkExperimentVariants(exp, { defined: true, flag: flag() }))).toEqual([
      'error EXPERIMENT_VARIANT_MISMATCH control.key',
      'error EXPERIMENT_VARIANT_MISMATCH flagKey',
    ]);
    expect(checkExperimentVariants(exp, { defined: true, flag: flag() })[1].message).toBe('flag "f" has a variant "c" that is not an arm of the experiment');
    const noVariants = checkExperimentVariants(experiment(), { defined: true, flag: flag({ variants: undefined }) });
    expect(noVariants.map((f) => f.message)).toEqual(['flag "f" has no variants; it needs one per arm (c, t1, t2)']);
  });

  it('EXPERIMENT_WEIGHT_MISMATCH: the control weighs 100 minus the treatments', () => {
    const exp = experiment({ treatment: [{ key: 't1', name: 'T1', weight: 25 }, { key: 't2', name: 'T2', weight: 33.33 }] });
    const out = checkExperimentWeights(exp, { defined: true, flag: flag() });
    expect(brief(out)).toEqual(['error EXPERIMENT_WEIGHT_MISMATCH control.key', 'error EXPERIMENT_WEIGHT_MISMATCH treatment.0.weight']);
    expect(out[0].message).toBe(`control "c" has weight 41.67 (100 − the treatments' weights) but its variant in flag "f" has 33.34`);
    // 100 − 33.33 − 33.33 is exactly 33.34, not 33.340000000000003.
    expect(checkExperimentWeights(experiment(), { defined: true, flag: flag() })).toEqual([]);
  });

  it('INVALID_PERCENTAGE: a treatment weight with more than two decimals', () => {
    const exp = experiment({ treatment: [{ key: 't1', name: 'T1', weight: 33.333 }, { key: 't2', name: 'T2', weight: 33.33 }] });
    expect(brief(checkExperimentWeightPrecision(exp, { defined: true }))).toEqual(['error INVALID_PERCENTAGE treatment.0.weight']);
  });

  it.each([
    ['running', true, false],
    ['running', false, true],
    ['draft', false, false],
    ['draft', true, true],
    ['paused', true, true],
    ['completed', false, false],
    ['cancelled', true, true],
  ] as const)('EXPERIMENT_STATUS_MISMATCH: %s with the flag enabled=%s → warning: %s', (status, enabled, warn) => {
    const out = checkExperimentStatus(experiment({ status }), { defined: true, flag: flag({ enabled }) });
    expect(brief(out)).toEqual(warn ? ['warning EXPERIMENT_STATUS_MISMATCH status'] : []);
  });
});

describe('validateExperimentFiles', () => {
  const flags = validateFlagFiles([
    parseFlagFile(
      '/p/flags/f.yaml',
      'key: f\nname: F\ndescription: ""\ntype: string\ndefaultValue: c\nenabled: true\nrules: []\nvariants:\n  - {key: c, name: C, value: c, weight: 50}\n  - {key: t, name: T, value: t, weight: 50}\ntags: []\nowner: x\n',
    ),
  ]);
  const exp = (id: string, extra = '') =>
    `id: ${id}\nname: E\ndescription: ""\nflagKey: f\ncontrol: {key: c, name: C}\ntreatment:\n  - {key: t, name: T, weight: 50}\nprimaryMetric: m\nstatus: running\n${extra}`;

  it('a valid experiment is kept, with no finding', () => {
    const set = validateExperimentFiles([parseExperimentFile('/p/flags/experiments/e.yaml', exp('e'))], flags);
    expect(set.diagnostics).toEqual([]);
    expect([...set.experiments.keys()]).toEqual(['e']);
  });

  it('schema findings are located; the flag check runs even then', () => {
    const file = parseExperimentFile('/p/flags/experiments/e.yaml', exp('e', 'owner: me\n').replace('flagKey: f', 'flagKey: nope'));
    const set = validateExperimentFiles([file], flags);
    expect(set.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'EXPERIMENT_FLAG_MISSING 4:10 flag "nope" does not exist (create it, or fix flagKey)',
      'UNKNOWN_FIELD 10:1 "owner" is not an experiment field',
    ]);
    expect(set.experiments.size).toBe(0);
  });

  it("the schema's own refinements: treatments that leave nothing for the control", () => {
    const file = parseExperimentFile('/p/flags/experiments/e.yaml', exp('e').replace('weight: 50', 'weight: 100'));
    const [d] = validateExperimentFiles([file], flags).diagnostics;
    expect(d).toMatchObject({ code: 'INVALID_VALUE', line: 7, column: 3, path: 'treatment' });
    expect(d.message).toContain('leaving nothing for the control');
  });

  it('duplicate ids: both files, neither kept; a file name that differs from the id warns', () => {
    const set = validateExperimentFiles(
      [parseExperimentFile('/p/flags/experiments/e.yaml', exp('e')), parseExperimentFile('/p/flags/experiments/other.yaml', exp('e'))],
      flags,
    );
    expect(set.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual([
      'DUPLICATE_EXPERIMENT_ID /p/flags/experiments/e.yaml',
      'FILE_NAME_MISMATCH /p/flags/experiments/other.yaml',
      'DUPLICATE_EXPERIMENT_ID /p/flags/experiments/other.yaml',
    ]);
    expect(set.experiments.size).toBe(0);
  });

  it('not a mapping, or a syntax error: one finding, nothing else', () => {
    const list = validateExperimentFiles([parseExperimentFile('/p/flags/experiments/e.yaml', '- 1\n')], flags);
    expect(list.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['INVALID_FILE_FORM 1:1']);
    const broken = validateExperimentFiles([parseExperimentFile('/p/flags/experiments/e.yaml', 'id: [e\nname: x\n')], flags);
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['YAML_SYNTAX']);
  });
});
