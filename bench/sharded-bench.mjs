// `flags experiment results` over many log files (issue 18): the streaming
// reader against `--engine duckdb` (the embedded DuckDB over the same files),
// and the streaming reader against a bare pass that only reads the files and
// JSON.parses every line. Each pass is the real CLI (or the bare script) in
// its own process, timed wall-clock, with its peak RSS from /usr/bin/time.
//
//   node bench/sharded-bench.mjs [--events 10000000] [--files 20] [--runs 3] [--gzip] [--keep] [--json]
//
// The log: --events events from events/5 users in --files JSON Lines files
// (gzipped with --gzip): a first exposure per user, repeat exposures (1% to
// the other arm), 12% of users converting (a tenth of them before exposure),
// in shuffled order within each file. Targets (issue 18): DuckDB at least 3×
// faster than the streaming reader (ratio ≤ 0.33), and the streaming reader
// within 1.5× of the bare read + JSON.parse pass.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { createWriteStream } from 'node:fs';
import { BIN, interleave, removeDir, report, tempDir } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const EVENTS = opt('--events', 10_000_000);
const FILES = opt('--files', 20);
const RUNS = opt('--runs', 3);
const GZIP = args.includes('--gzip');
const keep = args.includes('--keep');

const work = tempDir('flags-sharded-bench-');
const ext = GZIP ? 'jsonl.gz' : 'jsonl';

// --- the project and the log ---------------------------------------------
function writeProject() {
  mkdirSync(path.join(work, 'flags/experiments'), { recursive: true });
  writeFileSync(
    path.join(work, 'flags/checkout-color.yaml'),
    'key: checkout-color\nname: c\ndescription: ""\ntype: string\ndefaultValue: blue\nenabled: true\nvariants:\n  - key: blue\n    name: blue\n    value: blue\n    weight: 50\n  - key: green\n    name: green\n    value: green\n    weight: 50\nrules: []\ntags: []\nowner: team\ncreatedAt: 2026-11-01T00:00:00Z\nupdatedAt: 2026-11-01T00:00:00Z\n',
  );
  writeFileSync(
    path.join(work, 'flags/experiments/checkout.yaml'),
    'id: checkout\nname: Checkout\ndescription: ""\nflagKey: checkout-color\ncontrol: {key: blue, name: Blue}\ntreatment: [{key: green, name: Green, weight: 50}]\nprimaryMetric: purchase\nstatus: completed\nstartDate: 2026-01-01T00:00:00Z\nendDate: 2026-01-31T23:59:59Z\n',
  );
  mkdirSync(path.join(work, 'events'));
}

async function writeLog() {
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const users = Math.max(1, Math.floor(EVENTS / 5));
  const base = Date.UTC(2026, 0, 1);
  const span = 30 * 86400000;
  const perFile = Math.ceil(EVENTS / FILES);
  let written = 0;
  for (let f = 0; f < FILES; f++) {
    const file = path.join(work, 'events', `part-${String(f).padStart(3, '0')}.${ext}`);
    const out = GZIP ? createGzip({ level: 1 }) : null;
    const sink = GZIP ? createWriteStream(file) : null;
    if (out) out.pipe(sink);
    const fd = GZIP ? -1 : openSync(file, 'w');
    const lines = [];
    const n = Math.min(perFile, EVENTS - written);
    for (let i = 0; i < n; i++) {
      const u = Math.floor(rand() * users);
      const arm = u % 2 ? 'green' : 'blue';
      const t = base + Math.floor(rand() * span);
      const r = rand();
      let e;
      if (r < 0.7) e = { type: 'exposure', experimentId: 'checkout', userId: `user-${u}`, variant: r < 0.007 ? (arm === 'blue' ? 'green' : 'blue') : arm, timestamp: new Date(t).toISOString() };
      else if (r < 0.82) e = { type: 'conversion', experimentId: 'checkout', userId: `user-${u}`, metric: 'purchase', timestamp: new Date(t).toISOString() };
      else e = { type: 'conversion', experimentId: 'checkout', userId: `user-${u}`, metric: 'add-to-cart', value: Math.floor(rand() * 100), timestamp: new Date(t).toISOString() };
      lines.push(JSON.stringify(e));
      if (lines.length === 50_000) flush(lines, fd, out);
    }
    flush(lines, fd, out);
    written += n;
    if (GZIP) await new Promise((resolve) => { sink.on('close', resolve); out.end(); });
    else closeSync(fd);
  }
}
function flush(lines, fd, gz) {
  if (lines.length === 0) return;
  const text = lines.join('\n') + '\n';
  lines.length = 0;
  if (gz) gz.write(text);
  else writeSync(fd, text);
}

// The floor: read every file and JSON.parse every line, nothing else.
const BARE = `
const fs = require('node:fs'); const zlib = require('node:zlib');
let n = 0;
for (const f of fs.readdirSync('events').sort()) {
  const p = 'events/' + f;
  const fd = fs.openSync(p, 'r'); const head = Buffer.alloc(2); fs.readSync(fd, head, 0, 2, 0); fs.closeSync(fd);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const text = zlib.gunzipSync(fs.readFileSync(p)).toString('utf8');
    for (const line of text.split('\\n')) if (line) { JSON.parse(line); n++; }
    continue;
  }
  const fd2 = fs.openSync(p, 'r'); const buf = Buffer.allocUnsafe(1 << 20); let carry = '';
  for (;;) { const k = fs.readSync(fd2, buf, 0, buf.length, null); if (k === 0) break;
    const parts = (carry + buf.toString('utf8', 0, k)).split('\\n'); carry = parts.pop();
    for (const line of parts) if (line) { JSON.parse(line); n++; } }
  fs.closeSync(fd2);
}
process.stdout.write(String(n));
`;

const peaks = { streaming: [], duckdb: [], bare: [] };
// CPU seconds (user + system) too: on a shared, loaded machine wall time is mostly waiting for a core.
const cpu = { streaming: [], duckdb: [], bare: [] };
function timed(kind, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK %M CPU %U %S', ...argv], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const peak = /PEAK (\d+)/.exec(r.stderr);
  if (peak) peaks[kind].push(Number(peak[1]) / 1024);
  const c = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (c) cpu[kind].push(Number(c[1]) + Number(c[2]));
  return { ms, stdout: r.stdout };
}
const LOG = ['--log', `events/*.${ext}`];
const streaming = () => timed('streaming', [process.execPath, BIN, 'experiment', 'results', 'checkout', ...LOG, '--json']).ms;
const duckdb = () => timed('duckdb', [process.execPath, BIN, 'experiment', 'results', 'checkout', ...LOG, '--engine', 'duckdb', '--json']).ms;
const bare = () => timed('bare', [process.execPath, '-e', BARE]).ms;

try {
  if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time for peak RSS');
  writeProject();
  const t0 = Date.now();
  await writeLog();
  process.stderr.write(`wrote ${EVENTS.toLocaleString('en-US')} events in ${FILES} files (${GZIP ? 'gzip' : 'plain'}) in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  // Same numbers from both engines, or the timing means nothing.
  const a = JSON.parse(timed('streaming', [process.execPath, BIN, 'experiment', 'results', 'checkout', ...LOG, '--json']).stdout);
  const b = JSON.parse(timed('duckdb', [process.execPath, BIN, 'experiment', 'results', 'checkout', ...LOG, '--engine', 'duckdb', '--json']).stdout);
  if (JSON.stringify(a.arms) !== JSON.stringify(b.arms) || a.excluded.multipleArms !== b.excluded.multipleArms) throw new Error('streaming and duckdb disagree');
  const label = `${(EVENTS / 1e6).toLocaleString('en-US')}M events, ${FILES} ${GZIP ? 'gzipped ' : ''}files`;
  const mib = (xs) => `${Math.max(...xs).toFixed(0)} MiB`;
  const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const secs = (k) => `${med(cpu[k]).toFixed(1)} s`;
  const vsDuck = interleave({ subject: duckdb, floor: streaming, runs: RUNS, warmup: 0 });
  report({
    name: `results --engine duckdb (${label}) vs the streaming reader`, unit: 'ms',
    subject: vsDuck.subject.median, floor: vsDuck.floor.median, subjectLabel: 'duckdb', floorLabel: 'streaming',
    ratio: vsDuck.ratio, ratioMin: vsDuck.ratioMin, ratioMax: vsDuck.ratioMax, target: 0.33,
    extra: `peak RSS duckdb ${mib(peaks.duckdb)}, streaming ${mib(peaks.streaming)}; CPU duckdb ${secs('duckdb')}, streaming ${secs('streaming')}`,
  });
  const vsBare = interleave({ subject: streaming, floor: bare, runs: RUNS, warmup: 0 });
  report({
    name: `results, streaming reader (${label}) vs bare read + JSON.parse`, unit: 'ms',
    subject: vsBare.subject.median, floor: vsBare.floor.median, subjectLabel: 'streaming', floorLabel: 'read + JSON.parse',
    ratio: vsBare.ratio, ratioMin: vsBare.ratioMin, ratioMax: vsBare.ratioMax, target: 1.5,
    extra: `peak RSS streaming ${mib(peaks.streaming)}, bare ${mib(peaks.bare)}; CPU streaming ${secs('streaming')}, bare ${secs('bare')}`,
  });
} finally {
  if (keep) process.stderr.write(`kept ${work}\n`);
  else removeDir(work);
}
