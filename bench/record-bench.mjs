#!/usr/bin/env node
// Cost of one `recordExposure` call from a service (SPEC 8): microseconds per
// call against a floor of what any exposure logger must do — one evaluation of
// the flag plus one append of the same JSON line with appendFileSync. The
// library's call adds the SPLIT check, the event check that keeps the log
// readable, and the torn-line guard (one fstat and a one-byte read).
// Target: ≤ 2× the floor (the guard adds two syscalls to the three of a bare append).
// No file is read or validated per call.
//
// Usage: node bench/record-bench.mjs [--json]   (needs `npm run build`: imports dist/index.js)
// Env: CALLS (per timed batch, default 2000), RUNS (default 9).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleave, loadAverage, median, removeDir, report, ROOT, tempDir } from './lib.mjs';

const CALLS = Number(process.env.CALLS ?? 2000);
const RUNS = Number(process.env.RUNS ?? 9);
const lib = await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href);
const baselineAt = process.argv.indexOf('--baseline');
const baseline = baselineAt > 0 ? await import(pathToFileURL(path.resolve(process.argv[baselineAt + 1], 'index.js')).href) : null;

const dir = tempDir();
try {
  const flagsDir = path.join(dir, 'flags');
  mkdirSync(path.join(flagsDir, 'experiments'), { recursive: true });
  writeFileSync(
    path.join(flagsDir, 'button.yaml'),
    'key: button\nname: Button\ndescription: ""\nowner: bench\ntags: []\ntype: string\nenabled: true\ndefaultValue: blue\nrules: []\nvariants:\n  - {key: blue, name: Blue, value: blue, weight: 50}\n  - {key: green, name: Green, value: green, weight: 50}\n',
  );
  writeFileSync(
    path.join(flagsDir, 'experiments', 'button-test.yaml'),
    'id: button-test\nname: Button test\ndescription: ""\nflagKey: button\ncontrol: {key: blue, name: Blue}\ntreatment:\n  - {key: green, name: Green, weight: 50}\nprimaryMetric: purchase\nstatus: running\n',
  );
  const flags = await lib.loadFlags(flagsDir);
  if (!flags.flags.get('button')) throw new Error('bench fixture flag is invalid: ' + flags.diagnostics.map((d) => d.message).join('; '));
  const experiments = await lib.loadExperiments(flagsDir, flags);
  if (!experiments.experiments.get('button-test')) throw new Error('bench fixture experiment is invalid');
  const evaluator = lib.createFlagEvaluator(flags.flags.values());
  const log = path.join(dir, 'events.jsonl');
  const floorLog = path.join(dir, 'floor.jsonl');
  let user = 0;
  const time = (fn) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) fn();
    return Number(process.hrtime.bigint() - start) / 1e3 / CALLS;
  };
  const subject = (l, file) => () => time(() => l.recordExposure('button-test', { user: { id: `u${user++}` } }, { log: file, evaluator, experiments }));
  const floor = () =>
    time(() => {
      const context = { user: { id: `u${user++}` } };
      const r = evaluator.evaluate('button', context);
      appendFileSync(floorLog, JSON.stringify({ type: 'exposure', experimentId: 'button-test', userId: context.user.id, variant: r.variant, timestamp: new Date().toISOString() }) + '\n');
    });
  if (baseline) {
    compareWithBaseline([subject(lib, log), subject(baseline, path.join(dir, 'baseline.jsonl')), floor]);
  } else {
    const result = interleave({ runs: RUNS, subject: subject(lib, log), floor });
    report({
      name: 'recordExposure per call',
      unit: 'µs',
      subject: result.subject.median,
      subjectLabel: 'recordExposure',
      floor: result.floor.median,
      floorLabel: 'evaluate + appendFileSync',
      ratio: result.ratio,
      ratioMin: result.ratioMin,
      ratioMax: result.ratioMax,
      target: 2,
    });
  }
} finally {
  removeDir(dir);
}

/** This build, the baseline and the floor, taking turns (each first in every third round); medians and per-round ratio ranges. */
function compareWithBaseline(sides) {
  const times = sides.map(() => []);
  for (let w = 0; w < 2; w++) for (const side of sides) side();
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < sides.length; k++) {
      const j = (i + k) % sides.length;
      times[j].push(sides[j]());
    }
  }
  const [now, base, bare] = times;
  const range = (a, b) => {
    const r = a.map((x, i) => x / b[i]);
    return `${(median(a) / median(b)).toFixed(2)}× (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
  };
  console.log(`recordExposure per call (${RUNS} rounds × ${CALLS} calls; load ${loadAverage()}): this build ${median(now).toFixed(1)} µs, baseline ${median(base).toFixed(1)} µs, floor ${median(bare).toFixed(1)} µs`);
  console.log(`  this build / floor ${range(now, bare)}; baseline / floor ${range(base, bare)}; this build / baseline ${range(now, base)}`);
}
