// `npm run bench`: every figure of docs/performance.md as a ratio to a floor
// measured side by side in the same run (interleaved runs, median, min–max).
// Each benchmark is its own script (runnable alone for details); this runs
// them with --json and prints one table. Takes about four minutes here.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { DROPPED_EXTRA_CA_CERTS, ROOT } from './lib.mjs';

const benches = [
  ['startup.mjs', []],
  ['npx-startup.mjs', []],
  ['validate-bench.mjs', []],
  ['eval-batch.mjs', []],
  ['eval-inprocess.mjs', []],
  ['results-bench.mjs', ['--runs', '5']],
  ['peers.mjs', []],
  ['load-bench.mjs', []], // issue 21.3: each library entry's load time vs bare node
  // ---- serving (SPEC 7) ----
  ['runtime-bench.mjs', []],
  ['serve-bench.mjs', []],
  ['stale-bench.mjs', []],
  ['record-bench.mjs', []], // SPEC 8: recordExposure from a loaded evaluator
  // issue 18: 10M events in 20 files, streaming vs --engine duckdb vs a bare parse (several minutes)
  ['sharded-bench.mjs', ['--runs', '3']],
  // issue 21.8: scale curves, the quick sizes (the sizes: node bench/scale.mjs --sizes full, several minutes)
  ['scale.mjs', ['--sizes', 'small', '--no-svg']],
];
const only = process.argv.slice(2);
const rows = [];
const started = Date.now();
for (const [script, args] of benches) {
  if (only.length && !only.some((o) => script.startsWith(o))) continue;
  process.stderr.write(`running ${script}…\n`);
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bench', script), ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      rows.push(JSON.parse(line));
    } catch {
      // not a result line
    }
  }
}

const fmt = (r, x) => (r.unit === 'ns' ? `${x.toFixed(1)} ns` : r.unit === 'µs' ? `${x.toFixed(1)} µs` : `${x.toFixed(0)} ms`);
console.log(`flags benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (DROPPED_EXTRA_CA_CERTS) console.log('NODE_EXTRA_CA_CERTS is set here; every child process ran without it, as on a machine that does not set it (bench/lib.mjs).');
console.log('');
const head = ['figure', 'ours', 'floor', 'ratio (min–max)', 'target', ''];
const notes = rows.filter((r) => typeof r.ratio !== 'number');
const table = rows.filter((r) => typeof r.ratio === 'number').map((r) => [
  r.name,
  `${fmt(r, r.subject)}`,
  `${fmt(r, r.floor)} (${r.floorLabel})`,
  `${r.ratio.toFixed(2)}× (${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)})`,
  r.target === undefined ? 'none' : `≤ ${r.target}×`,
  (r.target === undefined ? 'for comparison' : r.ratio <= r.target ? 'met' : 'MISSED') + (r.extra ? `; ${r.extra}` : ''),
]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
for (const n of notes) console.log(`${n.name}: ${n.note}`);
