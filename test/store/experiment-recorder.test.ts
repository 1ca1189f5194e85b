import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlagEvaluator } from '../../src/evaluation/index.js';
import { recordConversion, recordExposure } from '../../src/store/experiment-recorder.js';
import { readExperimentSet } from '../../src/store/experiment-repo.js';
import { readFlagSet } from '../../src/store/flag-repo.js';
import { removeDir, tempProject } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

const FLAG = `key: button
name: Button
description: ""
owner: web
tags: []
type: string
enabled: true
defaultValue: blue
rules:
  - id: staff
    conditions: [{attribute: user.staff, operator: equals, value: true}]
    value: green
variants:
  - {key: blue, name: Blue, value: blue, weight: 50}
  - {key: green, name: Green, value: green, weight: 50}
`;
const EXPERIMENT = (status: string) => `id: button-test
name: Button test
description: ""
flagKey: button
control: {key: blue, name: Blue}
treatment:
  - {key: green, name: Green, weight: 50}
primaryMetric: purchase
metrics:
  - {key: revenue, kind: revenue}
status: ${status}
`;

async function setup(status = 'running') {
  const dir = tempProject();
  dirs.push(dir);
  const flagsDir = path.join(dir, 'lib-flags');
  mkdirSync(path.join(flagsDir, 'experiments'), { recursive: true });
  writeFileSync(path.join(flagsDir, 'button.yaml'), FLAG);
  writeFileSync(path.join(flagsDir, 'experiments', 'button-test.yaml'), EXPERIMENT(status));
  const flags = await readFlagSet(flagsDir);
  const experiments = await readExperimentSet(flagsDir, flags);
  expect(experiments.experiments.has('button-test')).toBe(true);
  // Counts evaluations: the recorder must do exactly one per exposure.
  const inner = createFlagEvaluator(flags.flags.values());
  let evaluations = 0;
  const evaluator = { evaluate: ((key: string, context?: object) => (evaluations++, inner.evaluate(key, context as never))) as typeof inner.evaluate };
  const log = path.join(dir, 'events.jsonl');
  const lines = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { experiments, evaluator, log, lines, evaluations: () => evaluations, flagsDir };
}

describe('recordExposure / recordConversion from loaded sets', () => {
  it('records the variant the split serves, with one evaluation and one line per call', async () => {
    const s = await setup();
    const now = () => new Date('2026-03-01T10:00:00.000Z');
    for (let i = 0; i < 20; i++) {
      const r = recordExposure('button-test', { user: { id: `u${i}` } }, { log: s.log, evaluator: s.evaluator, experiments: s.experiments, now });
      expect(r.recorded).toBe(true);
    }
    expect(s.evaluations()).toBe(20);
    const events = s.lines();
    expect(events).toHaveLength(20);
    // Same answer as the evaluator gives (what `flags eval` and `experiment expose` report).
    for (const e of events) {
      expect(e).toMatchObject({ type: 'exposure', experimentId: 'button-test', timestamp: '2026-03-01T10:00:00.000Z' });
      expect(e.variant).toBe(s.evaluator.evaluate('button', { user: { id: e.userId } }).variant);
    }
    expect(new Set(events.map((e) => e.variant))).toEqual(new Set(['blue', 'green']));
  });

  it('does not read flag or experiment files per call: deleting them changes nothing', async () => {
    const s = await setup();
    removeDir(s.flagsDir);
    expect(recordExposure('button-test', { user: { id: 'u1' } }, { log: s.log, evaluator: s.evaluator, experiments: s.experiments }).recorded).toBe(true);
    expect(recordConversion('button-test', { user: { id: 'u1' } }, { log: s.log, experiments: s.experiments, metric: 'revenue', value: 12.5 })).toMatchObject({ metric: 'revenue', value: 12.5 });
    expect(s.lines()).toHaveLength(2);
  });

  it('a user served by a rule is not in the experiment: nothing recorded', async () => {
    const s = await setup();
    const r = recordExposure('button-test', { user: { id: 'boss', staff: true } }, { log: s.log, evaluator: s.evaluator, experiments: s.experiments });
    expect(r.recorded).toBe(false);
    expect(r.evaluation.reason).not.toBe('SPLIT');
    expect(r.evaluation.value).toBe('green');
    expect(() => readFileSync(s.log)).toThrow();
  });

  it('refuses what the CLI refuses, writing nothing', async () => {
    const s = await setup('paused');
    expect(() => recordExposure('button-test', { user: { id: 'u' } }, { log: s.log, evaluator: s.evaluator, experiments: s.experiments })).toThrow(/paused: only running experiments accept exposures/);
    expect(() => recordConversion('nope', 'u', { log: s.log, experiments: s.experiments })).toThrow(/no experiment "nope"/);
    const r = await setup();
    expect(() => recordConversion('button-test', 'u', { log: r.log, experiments: r.experiments, metric: 'clicks' })).toThrow(/"clicks" is not a metric/);
    expect(() => recordExposure('button-test', { tenant: { id: 't' } }, { log: r.log, evaluator: r.evaluator, experiments: r.experiments })).toThrow(/needs a user id/);
    expect(() => readFileSync(s.log)).toThrow();
    expect(() => readFileSync(r.log)).toThrow();
  });
});
