#!/usr/bin/env node
// Scale curves (issue 21.8): how wall time and peak memory grow with the input,
// each size measured beside its floor in the same run, so a reader can see that
// growth is linear (the ratio stays flat) and memory bounded.
//
//   validate    `flags validate` over N one-flag files   floor: read + yaml parseDocument
//   list        `flags list`                              floor: the same
//   eval --all  `flags eval --all` (table)                floor: the same
//   eval batch  `flags eval KEY --contexts` over N lines  floor: a hand-written script, same answers
//   results     `flags experiment results` over N events  floor: read + JSON.parse every line
//
// Each child runs under GNU time for its peak RSS. Sizes: `--sizes full` (the
// issue's: 500 / 5,000 / 50,000 flags, 10k / 100k / 1M contexts, 100k / 1M /
// 10M events; several minutes) or `--sizes small` (a quick check). Writes the
// table to stdout (markdown) and the plot to docs/images/scale.svg (`--svg
// PATH` elsewhere, `--no-svg` not at all).
//
// Usage: node bench/scale.mjs [--sizes small|full] [--only validate,list,…] [--runs N] [--json]   (after `npm run build`)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { writeContexts, writeEvalFloor } from './batch-files.mjs';
import { writeFlagSet, writeParseFloor } from './flag-files.mjs';
import { BIN, lineWriter, loadAverage, measureProcess, median, removeDir, ROOT, tempDir } from './lib.mjs';
import { scaleSvg } from './scale-svg.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizeSet = option('--sizes', 'full');
if (sizeSet !== 'small' && sizeSet !== 'full') throw new Error('--sizes takes small or full');
const runs = Number(option('--runs', sizeSet === 'small' ? 3 : 1));
const only = option('--only', '')?.split(',').filter(Boolean) ?? [];
const json = args.includes('--json');
const svgPath = args.includes('--no-svg') ? null : path.resolve(option('--svg', path.join(ROOT, 'docs/images/scale.svg')));

const SIZES = {
  small: { flags: [100, 1000], contexts: [1000, 10_000], events: [10_000, 100_000] },
  full: { flags: [500, 5000, 50_000], contexts: [10_000, 100_000, 1_000_000], events: [100_000, 1_000_000, 10_000_000] },
}[sizeSet];

const env = { ...process.env, NO_COLOR: '1' };
const started = Date.now();
const loadBefore = loadAverage();
const work = tempDir('flags-scale-');

// ---- fixtures, made once per size --------------------------------------------
const flagSets = new Map();
function flagSet(n) {
  if (!flagSets.has(n)) flagSets.set(n, writeFlagSet(path.join(work, `flags-${n}`), n));
  return flagSets.get(n);
}
const parseFloor = writeParseFloor(work);
const evalFloor = writeEvalFloor(work);

/** An experiment project (a 50/50 flag and its running experiment) and a log of n events from n/2 users. */
function eventLog(n) {
  const dir = path.join(work, `events-${n}`);
  mkdirSync(path.join(dir, 'flags/experiments'), { recursive: true });
  writeFileSync(
    path.join(dir, 'flags/checkout-color.yaml'),
    'key: checkout-color\nname: Checkout colour\ndescription: Scale benchmark\ntype: string\ndefaultValue: blue\nenabled: true\nrules: []\n' +
      'variants:\n  - {key: blue, name: Blue, value: blue, weight: 50}\n  - {key: green, name: Green, value: green, weight: 50}\ntags: [bench]\nowner: bench\n',
  );
  writeFileSync(
    path.join(dir, 'flags/experiments/checkout-color.yaml'),
    'id: checkout-color\nname: Checkout colour\ndescription: Scale benchmark\nflagKey: checkout-color\ncontrol: {key: blue, name: Blue}\n' +
      'treatment:\n  - {key: green, name: Green, weight: 50}\nprimaryMetric: purchase\nstatus: running\nstartDate: 2025-01-01T00:00:00Z\n',
  );
  // Every user is exposed once; one in three converts (blue a little less often); a few come back.
  const log = path.join(dir, 'events.jsonl');
  const out = lineWriter(log);
  const users = Math.ceil(n / 2);
  const base = Date.UTC(2025, 0, 2);
  for (let i = 0; i < n; i++) {
    const u = i < users ? i : (i * 7919) % users;
    const userId = `user-${u.toString(36).padStart(6, '0')}`;
    const timestamp = new Date(base + (i % 86_400) * 1000 + (i < users ? 0 : 3_600_000)).toISOString();
    const arm = u % 2 ? 'green' : 'blue';
    const line =
      i < users || u % 3 !== (arm === 'green' ? 0 : 1)
        ? { type: 'exposure', experimentId: 'checkout-color', userId, variant: arm, timestamp }
        : { type: 'conversion', experimentId: 'checkout-color', userId, metric: 'purchase', timestamp };
    out.line(JSON.stringify(line));
  }
  out.close();
  return { flagsDir: path.join(dir, 'flags'), log };
}

// ---- the figures ---------------------------------------------------------------
const node = process.execPath;
const flagsArgs = (n) => ['--dir', flagSet(n)];
const figures = [
  {
    name: 'validate',
    unit: 'flags',
    sizes: SIZES.flags,
    subject: (n) => [BIN, 'validate', ...flagsArgs(n)],
    floor: (n) => [parseFloor, flagSet(n)],
    floorLabel: 'read + parseDocument',
  },
  {
    name: 'list',
    unit: 'flags',
    sizes: SIZES.flags,
    subject: (n) => [BIN, 'list', ...flagsArgs(n)],
    floor: (n) => [parseFloor, flagSet(n)],
    floorLabel: 'read + parseDocument',
  },
  {
    name: 'eval --all',
    unit: 'flags',
    sizes: SIZES.flags,
    subject: (n) => [BIN, 'eval', '--all', ...flagsArgs(n), '--set', 'user.id=u-1', '--set', 'tenant.type=enterprise', '--env', 'production'],
    floor: (n) => [parseFloor, flagSet(n)],
    floorLabel: 'read + parseDocument',
  },
  {
    name: 'eval batch',
    unit: 'contexts',
    sizes: SIZES.contexts,
    prepare: (n) => writeContexts(makeDir(`contexts-${n}`), n),
    subject: (n, file) => [BIN, 'eval', 'new-orchestrator-v2', '--dir', path.join(ROOT, 'flags'), '--contexts', file],
    floor: (n, file) => [evalFloor, file],
    floorLabel: 'hand-written script',
  },
  {
    name: 'results',
    unit: 'events',
    sizes: SIZES.events,
    prepare: (n) => eventLog(n),
    subject: (n, f) => [BIN, 'experiment', 'results', 'checkout-color', '--dir', f.flagsDir, '--log', f.log],
    floor: (n, f) => [path.join(ROOT, 'bench/results-plain.mjs'), f.log],
    floorLabel: 'read + JSON.parse',
  },
].filter((f) => only.length === 0 || only.some((o) => f.name.startsWith(o)));

function makeDir(name) {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const rows = [];
// The three commands over flag files share one floor (read + parseDocument at
// the same size, measured in the same rounds): three times fewer floor runs.
const groups = [];
for (const fig of figures) {
  const g = groups.find((x) => x.unit === fig.unit && x.figs[0].floorLabel === fig.floorLabel && x.unit === 'flags');
  if (g) g.figs.push(fig);
  else groups.push({ unit: fig.unit, sizes: fig.sizes, figs: [fig] });
}
try {
  for (const group of groups) {
    for (const n of group.sizes) {
      const fixture = group.figs[0].prepare?.(n);
      const floorArgs = group.figs[0].floor(n, fixture);
      const floor = [];
      const ours = group.figs.map(() => []);
      process.stderr.write(`${group.figs.map((f) => f.name).join(', ')} over ${n.toLocaleString('en-US')} ${group.unit}…\n`);
      for (let i = 0; i < runs; i++) {
        // Alternate which goes first, so neither always runs on a warm cache.
        const steps = [() => floor.push(measureProcess(node, floorArgs, { env })), ...group.figs.map((fig, k) => () => ours[k].push(measureProcess(node, fig.subject(n, fixture), { env })))];
        if (i % 2) steps.reverse();
        for (const step of steps) step();
      }
      group.figs.forEach((fig, k) => {
        const row = {
          figure: fig.name,
          unit: fig.unit,
          size: n,
          ms: median(ours[k].map((m) => m.ms)),
          floorMs: median(floor.map((m) => m.ms)),
          rssMiB: Math.max(...ours[k].map((m) => m.rssMiB ?? NaN)),
          floorRssMiB: Math.max(...floor.map((m) => m.rssMiB ?? NaN)),
          floorLabel: fig.floorLabel,
          load: loadAverage(),
        };
        row.ratio = row.ms / row.floorMs;
        rows.push(row);
        process.stderr.write(`  ${fig.name}: ${row.ms.toFixed(0)} ms (${row.ratio.toFixed(2)}× the floor, ${row.floorMs.toFixed(0)} ms), ${row.rssMiB.toFixed(0)} MiB (floor ${row.floorRssMiB.toFixed(0)}); load ${row.load}\n`);
      });
      writePlot(); // after every size: an interrupted run still leaves the plot of what it measured
    }
  }
} finally {
  removeDir(work);
}

// ---- the table and the plot ---------------------------------------------------
const machine = machineLine();
function machineLine() {
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  return `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'cpu'}; load average ${loadBefore} before, ${loadAverage()} after; ${runs} run${runs === 1 ? '' : 's'} a size (median), ${seconds} s`;
}
const fmtMs = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
if (!json) {
  console.log(`Scale curves (${sizeSet}) — ${machine}\n`);
  console.log('| figure | size | ours | floor | ratio | µs per item (ours) | peak RSS ours | peak RSS floor | load |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.figure} | ${r.size.toLocaleString('en-US')} ${r.unit} | ${fmtMs(r.ms)} | ${fmtMs(r.floorMs)} (${r.floorLabel}) | ${r.ratio.toFixed(2)}× | ${((r.ms * 1000) / r.size).toFixed(1)} | ${r.rssMiB.toFixed(0)} MiB | ${r.floorRssMiB.toFixed(0)} MiB | ${r.load} |`,
    );
  }
}
if (json) {
  // For bench/run.mjs: one note line a figure (its table is of single ratios with targets; these are curves).
  for (const name of [...new Set(rows.map((r) => r.figure))]) {
    const fr = rows.filter((r) => r.figure === name);
    const note = fr.map((r) => `${r.size.toLocaleString('en-US')} ${r.unit}: ${r.ratio.toFixed(2)}× (${r.rssMiB.toFixed(0)} MiB)`).join(', ');
    console.log(JSON.stringify({ name: `scale: ${name}`, note: `${note}; load ${loadAverage()}` }));
  }
}
writePlot();
if (svgPath && !json) console.log(`\nplot: ${path.relative(process.cwd(), svgPath)}`);

function writePlot() {
  if (!svgPath || rows.length === 0) return;
  mkdirSync(path.dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, scaleSvg(rows, { title: 'flagyard scale curves: ours vs its floor, same size, same run', subtitle: machineLine() }));
}
