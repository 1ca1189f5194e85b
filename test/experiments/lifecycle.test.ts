import { describe, expect, it } from 'vitest';
import { allowedActions, computeArmWeights, flagEnabledFor, transition, type LifecycleAction } from '../../src/experiments/lifecycle.js';
import { ExperimentSchema, armWeights, controlWeight, type Experiment, type ExperimentStatus } from '../../src/schema/experiment.js';
import { experimentInput } from '../helpers/experiments.js';

const NOW = '2025-03-01T10:00:00.000Z';

const experiment = (status: ExperimentStatus, extra: Partial<Experiment> = {}): Experiment => ExperimentSchema.parse(experimentInput({ status, ...extra }));

describe('transition: the legal moves (SPEC 4.1)', () => {
  it.each([
    ['draft', 'start', 'running', true, 'startDate'],
    ['running', 'pause', 'paused', false, null],
    ['paused', 'resume', 'running', true, null],
    ['running', 'complete', 'completed', false, 'endDate'],
    ['paused', 'complete', 'completed', false, 'endDate'],
    ['draft', 'cancel', 'cancelled', false, 'endDate'],
    ['running', 'cancel', 'cancelled', false, 'endDate'],
    ['paused', 'cancel', 'cancelled', false, 'endDate'],
  ] as const)('%s --%s→ %s (flag on: %s, stamps %s)', (from, action, to, flagEnabled, stamp) => {
    const before = experiment(from);
    const snapshot = structuredClone(before);
    const r = transition(before, action, { now: NOW });
    if (!r.ok) throw new Error(r.message);
    expect(r.experiment.status).toBe(to);
    expect(r.flagEnabled).toBe(flagEnabled);
    expect(r.flagEnabled).toBe(flagEnabledFor(to));
    if (stamp) expect(r.experiment[stamp]).toBe(NOW);
    else {
      expect(r.experiment.startDate).toBe(before.startDate);
      expect(r.experiment.endDate).toBe(before.endDate);
    }
    // A new object; the input is untouched, and the result still validates.
    expect(r.experiment).not.toBe(before);
    expect(before).toEqual(snapshot);
    expect(ExperimentSchema.safeParse(r.experiment).success).toBe(true);
  });

  it('resume keeps the first start date', () => {
    const paused = experiment('paused', { startDate: '2025-01-01T00:00:00.000Z' });
    const r = transition(paused, 'resume', { now: NOW });
    expect(r.ok && r.experiment.startDate).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('transition: everything else is refused, naming the allowed actions', () => {
  const table: [ExperimentStatus, LifecycleAction, LifecycleAction[]][] = [
    ['draft', 'pause', ['start', 'cancel']],
    ['draft', 'resume', ['start', 'cancel']],
    ['draft', 'complete', ['start', 'cancel']],
    ['running', 'start', ['pause', 'complete', 'cancel']],
    ['running', 'resume', ['pause', 'complete', 'cancel']],
    ['paused', 'start', ['resume', 'complete', 'cancel']],
    ['paused', 'pause', ['resume', 'complete', 'cancel']],
    ['completed', 'start', []],
    ['completed', 'cancel', []],
    ['cancelled', 'resume', []],
    ['cancelled', 'complete', []],
  ];
  it.each(table)('%s refuses %s (allowed: %j)', (status, action, allowed) => {
    const r = transition(experiment(status), action, { now: NOW });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('ILLEGAL_TRANSITION');
    expect(r.allowed).toEqual(allowed);
    expect(allowedActions(status)).toEqual(allowed);
    expect(r.message).toContain(`cannot ${action}`);
    expect(r.message).toContain(`it is ${status}`);
    for (const a of allowed) expect(r.message).toContain(a);
    if (allowed.length === 0) expect(r.message).toContain('final');
  });
});

describe('computeArmWeights (SPEC 4.1)', () => {
  const c = { key: 'control' };
  it.each([
    ['two arms', [{ key: 't1' }], 50, [50]],
    // Whole percentages (SPEC 4.1): the split has 100 buckets, so 33.34/33.33/33.33 would really be 34/33/33.
    ['three arms', [{ key: 't1' }, { key: 't2' }], 34, [33, 33]],
    ['four arms', [{ key: 't1' }, { key: 't2' }, { key: 't3' }], 25, [25, 25, 25]],
    ['seven arms', [1, 2, 3, 4, 5, 6].map((i) => ({ key: `t${i}` })), 15, [15, 14, 14, 14, 14, 14]],
    ['explicit weight', [{ key: 't1', weight: 20 }], 80, [20]],
    ['explicit and shared', [{ key: 't1', weight: 20 }, { key: 't2' }], 40, [20, 40]],
    ['shared rest of a third', [{ key: 't1', weight: 10 }, { key: 't2' }, { key: 't3' }], 30, [10, 30, 30]],
    ['zero-weight treatment', [{ key: 't1', weight: 0 }], 100, [0]],
  ])('%s', (_name, treatments, control, weights) => {
    const r = computeArmWeights(c, treatments);
    if (!r.ok) throw new Error(r.message);
    expect(r.control.weight).toBe(control);
    expect(r.treatments.map((t) => t.weight)).toEqual(weights);
    // Exactly 100 in hundredths, the way the flag validator sums them (±1e-9).
    const total = r.control.weight + r.treatments.reduce((s, t) => s + t.weight, 0);
    expect(Math.abs(total - 100)).toBeLessThan(1e-9);
  });

  it('names arms after their keys unless named', () => {
    const r = computeArmWeights({ key: 'blue', name: 'Blue' }, [{ key: 'green' }]);
    expect(r).toEqual({
      ok: true,
      control: { key: 'blue', name: 'Blue', weight: 50 },
      treatments: [{ key: 'green', name: 'green', weight: 50 }],
    });
  });

  it.each([
    ['over 100', [{ key: 't1', weight: 60 }, { key: 't2', weight: 50 }], 'over 100'],
    ['negative', [{ key: 't1', weight: -5 }], 'from 0 to 100'],
    ['not a number', [{ key: 't1', weight: Number.NaN }], 'from 0 to 100'],
    ['nothing left for control', [{ key: 't1', weight: 100 }], 'nothing for the control'],
    ['no treatments', [], 'at least one treatment'],
    ['duplicate key', [{ key: 'control' }], 'used twice'],
    // Decimals cannot be served by 100 buckets (they used to be rounded to two decimals and written).
    ['a decimal weight', [{ key: 't1', weight: 12.5 }, { key: 't2', weight: 12.5 }], 'whole percentage'],
  ])('refuses %s', (_name, treatments, message) => {
    const r = computeArmWeights(c, treatments);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe('the experiment schema', () => {
  it('derives the control weight as 100 minus the treatments', () => {
    const e = experiment('draft', {
      treatment: [
        { key: 'green', name: 'Green', weight: 33.33 },
        { key: 'red', name: 'Red', weight: 33.33 },
      ],
    });
    expect(controlWeight(e)).toBe(33.34);
    expect(armWeights(e)).toEqual([
      { key: 'blue', weight: 33.34 },
      { key: 'green', weight: 33.33 },
      { key: 'red', weight: 33.33 },
    ]);
  });

  it.each([
    ['an unknown field', { owner: 'me' }, []],
    ['a bad status', { status: 'live' }, ['status']],
    ['no treatment', { treatment: [] }, ['treatment']],
    ['treatments that leave nothing to control', { treatment: [{ key: 'g', name: 'G', weight: 100 }] }, ['treatment']],
    ['a duplicate arm key', { treatment: [{ key: 'blue', name: 'B', weight: 50 }] }, ['treatment', 0, 'key']],
    ['an id that is not a safe file name', { id: '../x' }, ['id']],
    ['a date without a time zone', { startDate: '2025-01-01T10:00:00' }, ['startDate']],
  ])('rejects %s', (_name, patch, path) => {
    const r = ExperimentSchema.safeParse(experimentInput(patch));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path)).toContainEqual(path);
  });

  it('accepts the full form', () => {
    expect(
      ExperimentSchema.safeParse({
        id: 'e1',
        name: 'E',
        description: 'd',
        flagKey: 'f',
        control: { key: 'blue', name: 'Blue' },
        treatment: [{ key: 'green', name: 'Green', weight: 33.33 }, { key: 'red', name: 'Red', weight: 33.33 }],
        primaryMetric: 'purchase',
        secondaryMetrics: ['revenue'],
        status: 'completed',
        startDate: '2025-01-01T00:00:00.000Z',
        endDate: '2025-02-01',
      }).success,
    ).toBe(true);
  });
});
