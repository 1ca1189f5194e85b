// `flags experiment results` over 1,000,000 events (500,000 users) against a
// plain script that only reads the log and JSON.parses every line.
//
//   node bench/results-bench.mjs [--runs 5] [--users 500000] [--keep]
//
// `--users 5000` keeps the same 1,000,000 events but few distinct users, so
// the per-user table stays in cache: the difference between the two runs is
// the cost of random access to per-user state, which exact attribution needs.
// The analysis (event-log reader → tally → statistics) is bundled from src/
// with esbuild, as the CLI ships it, and each pass runs in its own child
// process so peak RSS (process.resourceUsage().maxRSS) is that pass's alone.
// Runs are interleaved and the medians compared. Targets (issue 6 / brief):
// at most 1.5× the plain pass (issue: 2×), peak RSS under 300 MiB (issue: 400).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { report } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const keep = args.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'flags-results-bench-'));
const log = join(work, 'events.jsonl');

const USERS = Number(args[args.indexOf('--users') + 1]) || 500_000;
const EVENTS = 1_000_000;
const REPEATS = EVENTS - USERS - 200_000;

// --- 1. The log: deterministic (xorshift), realistic mix -------------------
// One first exposure per user (500,000), repeat exposures up to 800,000
// (0.5% of them to the other arm: multi-arm users), 150,000 primary
// conversions (10% of them before the exposure), 50,000 secondary-metric
// conversions; in random order.
function generate() {
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const base = Date.UTC(2025, 0, 1);
  const month = 30 * 24 * 3600 * 1000;
  const exposedAt = new Float64Array(USERS);
  const arm = new Uint8Array(USERS);
  for (let u = 0; u < USERS; u++) {
    exposedAt[u] = base + Math.floor(rand() * month);
    arm[u] = rand() < 0.5 ? 0 : 1;
  }
  const arms = ['blue', 'green'];
  const kinds = new Uint8Array(EVENTS); // 0 first exposure, 1 repeat, 2 conversion, 3 secondary
  kinds.fill(1, USERS, USERS + REPEATS);
  kinds.fill(2, USERS + REPEATS, USERS + REPEATS + 150_000);
  kinds.fill(3, USERS + REPEATS + 150_000);
  const order = new Uint32Array(EVENTS);
  for (let i = 0; i < EVENTS; i++) order[i] = i;
  for (let i = EVENTS - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const fd = openSync(log, 'w');
  let chunk = '';
  for (let k = 0; k < EVENTS; k++) {
    const i = order[k];
    const kind = kinds[i];
    let u = kind === 0 ? i : Math.floor(rand() * USERS);
    // A real effect to find: conversions drawn for blue users are redrawn one time in five.
    if (kind === 2 && arm[u] === 0 && rand() < 0.2) u = Math.floor(rand() * USERS);
    const userId = `user-${u.toString(36).padStart(6, '0')}`;
    let line;
    if (kind === 0 || kind === 1) {
      const a = kind === 1 && rand() < 0.005 ? 1 - arm[u] : arm[u];
      const t = kind === 0 ? exposedAt[u] : exposedAt[u] + Math.floor(rand() * month);
      line = { type: 'exposure', experimentId: 'checkout-color', userId, variant: arms[a], timestamp: new Date(t).toISOString() };
    } else {
      const t = exposedAt[u] + (rand() < 0.1 ? -1 : 1) * Math.floor(rand() * month);
      const metric = kind === 2 ? 'purchase' : 'revenue';
      line = { type: 'conversion', experimentId: 'checkout-color', userId, metric, value: Math.round(rand() * 10000) / 100, timestamp: new Date(t).toISOString() };
    }
    chunk += JSON.stringify(line) + '\n';
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

// --- 2. The analysis, bundled from src/ -------------------------------------
const entry = `
import { readEventLines } from './src/store/event-log.ts';
import { createTally, tallyLine, tallyMalformed, summarizeTally } from './src/experiments/tally.ts';
import { analyzeExperiment } from './src/experiments/results.ts';
import { ExperimentSchema } from './src/schema/experiment.ts';

const experiment = ExperimentSchema.parse({
  id: 'checkout-color', name: 'Checkout colour', description: '', flagKey: 'checkout-color',
  control: { key: 'blue', name: 'Blue' }, treatment: [{ key: 'green', name: 'Green', weight: 50 }],
  primaryMetric: 'purchase', status: 'running',
});
const t0 = performance.now();
const state = createTally({ experimentId: experiment.id, primaryMetric: experiment.primaryMetric, arms: ['blue', 'green'] });
const read = readEventLines(process.argv[2], (line) => tallyLine(state, line));
if (read.tornLastLine) tallyMalformed(state, 'torn last line', read.tornLastLine.line);
const { results } = analyzeExperiment(experiment, summarizeTally(state), { alpha: 0.05, correction: 'holm' });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, results }) + '\\n');
`;
const analysisScript = join(work, 'analyze.mjs');

function run(script, extra = []) {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [script, log, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallMs = performance.now() - t0;
  return { ...JSON.parse(out), wallMs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mib = (kib) => (kib / 1024).toFixed(0);

try {
  let t = performance.now();
  generate();
  const say = args.includes('--json') ? () => {} : console.log;
  say(`log: ${EVENTS.toLocaleString()} events, ${USERS.toLocaleString()} users, ${(statSync(log).size / 2 ** 20).toFixed(0)} MiB (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'analyze-entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: analysisScript,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });

  const plainScript = join(root, 'bench', 'results-plain.mjs');
  run(plainScript); // warm the page cache
  const plain = [];
  const analysis = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always follows the other.
    if (i % 2 === 0) {
      plain.push(run(plainScript));
      analysis.push(run(analysisScript));
    } else {
      analysis.push(run(analysisScript));
      plain.push(run(plainScript));
    }
  }
  const readline = run(plainScript, ['--readline']);

  const r = analysis[0].results;
  say(`analysis: ${r.arms.map((a) => `${a.key} ${a.converters}/${a.users}`).join(', ')}; excluded ${JSON.stringify(r.excluded)}; verdict "${r.verdict}"`);
  say(`runs: ${runs}, interleaved; times are the pass inside the process (wall incl. node start-up in brackets)`);
  const pm = median(plain.map((x) => x.ms));
  const am = median(analysis.map((x) => x.ms));
  const pw = median(plain.map((x) => x.wallMs));
  const aw = median(analysis.map((x) => x.wallMs));
  say(`plain read + JSON.parse: median ${pm.toFixed(0)} ms [${pw.toFixed(0)} ms], peak RSS ${mib(Math.max(...plain.map((x) => x.maxRssKiB)))} MiB   (all: ${plain.map((x) => x.ms.toFixed(0)).join(', ')})`);
  say(`full analysis:           median ${am.toFixed(0)} ms [${aw.toFixed(0)} ms], peak RSS ${mib(Math.max(...analysis.map((x) => x.maxRssKiB)))} MiB   (all: ${analysis.map((x) => x.ms.toFixed(0)).join(', ')})`);
  say(`readline + JSON.parse (reference, 1 run): ${readline.ms.toFixed(0)} ms`);
  const pmin = Math.min(...plain.map((x) => x.ms));
  const amin = Math.min(...analysis.map((x) => x.ms));
  // On a shared machine the minimum is the steadiest estimate of the pass's own cost.
  say(`fastest runs: plain ${pmin.toFixed(0)} ms, analysis ${amin.toFixed(0)} ms: ${(amin / pmin).toFixed(2)}×`);
  const ratio = am / pm;
  const peak = Math.max(...analysis.map((x) => x.maxRssKiB)) / 1024;
  say(`ratio analysis / plain: ${ratio.toFixed(2)}× (target ≤ 1.5×; issue 6: ≤ 2×), wall ${(aw / pw).toFixed(2)}×`);
  say(`load average during the runs: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
  say(`peak RSS of the analysis: ${peak.toFixed(0)} MiB (target < 300 MiB; issue 6: < 400 MiB)`);
  const ratios = analysis.map((x, i) => x.ms / plain[i].ms);
  if (args.includes('--json')) {
    report({
      name: `experiment results (${(EVENTS / 1e6).toFixed(0)}M events, ${USERS.toLocaleString('en-US')} users)`,
      subjectLabel: 'analysis',
      floorLabel: 'read + JSON.parse',
      unit: 'ms',
      subject: am,
      floor: pm,
      ratio,
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      target: 1.5,
      extra: `peak RSS ${peak.toFixed(0)} MiB (target < 300)`,
    });
  } else if (ratio > 1.5 || peak >= 300) process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
