// `flags experiment results` over 1,000,000 events, in two shapes measured in
// the same run: 500,000 distinct users (the per-user table far beyond the CPU
// caches) and 5,000 users (the table in cache), each against a plain script
// that only reads the same log and JSON.parses every line (the floor).
//
//   node bench/results-bench.mjs [--runs 5] [--json] [--keep] [--memory] [--baseline DIR]
//
// The analysis is what the CLI runs (event-sources reader → tally → the
// statistics), bundled from src/ with esbuild as the CLI ships it; each pass
// runs in its own child process so its peak RSS (process.resourceUsage().maxRSS)
// is that pass's alone. Floor and analysis alternate, both shapes in every
// round with the order rotated, and medians are compared.
// Targets (issue 21.2): ≤ 1.5× on 500k users with peak RSS < 200 MiB,
// ≤ 1.2× on 5k users.
//
// --baseline DIR also bundles the same analysis from DIR/src (e.g. an
// untouched checkout: `git archive HEAD src | tar -x -C DIR`, with
// node_modules linked in) and runs it in every round beside ours, so a change
// is judged by ours ÷ baseline measured in the same minutes.
//
// --memory adds the per-user memory figure (issue 21.6): a child process
// feeds the tally 500,000 and then 2,500,000 users' events generated in
// memory (no file, so nothing but the tally grows) and reports its peak RSS;
// bytes per user = the difference over the 2,000,000 extra users.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median, report } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const keep = args.includes('--keep');
const json = args.includes('--json');
const baselineDir = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined;
const work = mkdtempSync(join(tmpdir(), 'flags-results-bench-'));
const EVENTS = 1_000_000;
const SHAPES = [
  { users: 500_000, target: 1.5, rssTarget: 200 },
  { users: 5_000, target: 1.2, rssTarget: 200 },
];

// --- 1. The logs: deterministic (xorshift), realistic mix -------------------
// One first exposure per user, repeat exposures up to 800,000 events in all
// (0.5% of them to the other arm: multi-arm users), 150,000 primary
// conversions (10% of them before the exposure), 50,000 revenue
// conversions with a value; in random order.
function generate(users, file) {
  const repeats = EVENTS - users - 200_000;
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const base = Date.UTC(2025, 0, 1);
  const month = 30 * 24 * 3600 * 1000;
  const exposedAt = new Float64Array(users);
  const arm = new Uint8Array(users);
  for (let u = 0; u < users; u++) {
    exposedAt[u] = base + Math.floor(rand() * month);
    arm[u] = rand() < 0.5 ? 0 : 1;
  }
  const arms = ['blue', 'green'];
  const kinds = new Uint8Array(EVENTS); // 0 first exposure, 1 repeat, 2 conversion, 3 revenue
  kinds.fill(1, users, users + repeats);
  kinds.fill(2, users + repeats, users + repeats + 150_000);
  kinds.fill(3, users + repeats + 150_000);
  const order = new Uint32Array(EVENTS);
  for (let i = 0; i < EVENTS; i++) order[i] = i;
  for (let i = EVENTS - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const fd = openSync(file, 'w');
  let chunk = '';
  for (let k = 0; k < EVENTS; k++) {
    const i = order[k];
    const kind = kinds[i];
    let u = kind === 0 ? i : Math.floor(rand() * users);
    // A real effect to find: conversions drawn for blue users are redrawn one time in five.
    if (kind === 2 && arm[u] === 0 && rand() < 0.2) u = Math.floor(rand() * users);
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

// --- 2. The analysis, bundled from src/ as the CLI runs it ------------------
const common = `
import * as tally from './src/experiments/tally.ts';
const { createTally, tallyLine, tallyMalformed, tallyStats, needsSecondPass, beginSecondPass } = tally;
// Before issue 21.6 there was no such accessor.
const tallyTableBytes = (state) => tally.tallyTableBytes?.(state) ?? 0;
import { analyzeExperiment } from './src/experiments/results.ts';
import { statsQueryPlan } from './src/experiments/query-plan.ts';
import { ExperimentSchema } from './src/schema/experiment.ts';

const experiment = ExperimentSchema.parse({
  id: 'checkout-color', name: 'Checkout colour', description: '', flagKey: 'checkout-color',
  control: { key: 'blue', name: 'Blue' }, treatment: [{ key: 'green', name: 'Green', weight: 50 }],
  primaryMetric: 'purchase', metrics: [{ key: 'revenue', kind: 'revenue' }], status: 'running',
});
const plan = statsQueryPlan(experiment);
const newTally = () => createTally({ experimentId: experiment.id, primaryMetric: experiment.primaryMetric, arms: plan.arms, metrics: plan.metrics });
`;
const analysisEntry = `${common}
import { readEventSources } from './src/store/event-sources.ts';
const files = [process.argv[2]];
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const state = newTally();
const onLine = (line) => tallyLine(state, line);
// As src/cli/commands/experiment-results.ts reads: lines as bytes when the tally takes them.
const read = tally.tallyLineBytes ? { onLineBytes: (buf, start, end) => tally.tallyLineBytes(state, buf, start, end) } : {};
const reports = await readEventSources(files, onLine, read);
if (needsSecondPass(state)) {
  beginSecondPass(state);
  await readEventSources(files, onLine, read);
}
for (const r of reports) if (r.tornLastLine) tallyMalformed(state, 'torn last line', r.tornLastLine.line);
const { results } = analyzeExperiment(experiment, tallyStats(state), { alpha: 0.05, correction: 'holm' });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS, tableBytes: tallyTableBytes(state), results }) + '\\n');
`;
// Users' events made in memory: one exposure each, a conversion for one in
// three, ids like the log's. Only the tally keeps anything.
const memoryEntry = `${common}
const users = Number(process.argv[2]);
const withTally = process.argv[3] === 'tally';
const state = newTally();
const base = Date.UTC(2025, 0, 1);
let sink = 0;
for (let u = 0; u < users; u++) {
  const userId = 'user-' + u.toString(36).padStart(6, '0');
  const ts = new Date(base + (u % 86400) * 1000).toISOString();
  const lines = ['{"type":"exposure","experimentId":"checkout-color","userId":"' + userId + '","variant":"' + (u & 1 ? 'blue' : 'green') + '","timestamp":"' + ts + '"}'];
  if (u % 3 === 0) lines.push('{"type":"conversion","experimentId":"checkout-color","userId":"' + userId + '","metric":"revenue","value":1.5,"timestamp":"' + ts + '"}');
  for (const line of lines) {
    if (withTally) tallyLine(state, line);
    else sink += line.length;
  }
}
const stats = tallyStats(state);
process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, tableBytes: tallyTableBytes(state), users: stats.arms.reduce((a, b) => a + b.users, 0), sink }) + '\\n');
`;

async function bundle(contents, name, from = root) {
  const outfile = join(work, name);
  await build({
    stdin: { contents, resolveDir: from, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

function run(script, extra) {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [script, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return { ...JSON.parse(out), wallMs: performance.now() - t0 };
}

const say = json ? () => {} : console.log;
const mib = (kib) => kib / 1024;
const loads = [];

try {
  const analysisScript = await bundle(analysisEntry, 'analyze.mjs');
  const plainScript = join(root, 'bench', 'results-plain.mjs');
  const baseScript = baselineDir && (await bundle(analysisEntry, 'analyze-baseline.mjs', baselineDir));
  for (const shape of SHAPES) {
    shape.log = join(work, `events-${shape.users}.jsonl`);
    const t = performance.now();
    generate(shape.users, shape.log);
    say(`log: ${EVENTS.toLocaleString('en-US')} events, ${shape.users.toLocaleString('en-US')} users, ${(statSync(shape.log).size / 2 ** 20).toFixed(0)} MiB (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    run(plainScript, [shape.log]); // warm the page cache
    shape.plain = [];
    shape.analysis = [];
    shape.base = [];
  }
  for (let i = 0; i < runs; i++) {
    // Every round runs both shapes; which side (and which shape) goes first rotates.
    const shapes = i % 2 ? [...SHAPES].reverse() : SHAPES;
    for (const shape of shapes) {
      const sides = [
        [plainScript, shape.plain],
        [analysisScript, shape.analysis],
      ];
      if (baseScript) sides.push([baseScript, shape.base]);
      // Which side goes first rotates every second round.
      const first = (i >> 1) % sides.length;
      for (let k = 0; k < sides.length; k++) {
        const [script, into] = sides[(first + k) % sides.length];
        into.push(run(script, [shape.log]));
      }
    }
    loads.push(loadavg()[0]);
  }
  say(`runs: ${runs}, interleaved; times are the pass inside the process (wall incl. node start-up in brackets)`);
  for (const shape of SHAPES) {
    const r = shape.analysis[0].results;
    const name = `experiment results (1M events, ${shape.users.toLocaleString('en-US')} users)`;
    const pm = median(shape.plain.map((x) => x.ms));
    const am = median(shape.analysis.map((x) => x.ms));
    const ratios = shape.analysis.map((x, i) => x.ms / shape.plain[i].ms);
    const peak = mib(Math.max(...shape.analysis.map((x) => x.maxRssKiB)));
    const floorPeak = mib(Math.max(...shape.plain.map((x) => x.maxRssKiB)));
    const table = shape.analysis[0].tableBytes / 2 ** 20;
    say(`\n${name}: ${r.arms.map((a) => `${a.key} ${a.converters}/${a.users}`).join(', ')}; excluded ${JSON.stringify(r.excluded)}`);
    say(`  read + JSON.parse: median ${pm.toFixed(0)} ms [wall ${median(shape.plain.map((x) => x.wallMs)).toFixed(0)}], peak RSS ${floorPeak.toFixed(0)} MiB   (all: ${shape.plain.map((x) => x.ms.toFixed(0)).join(', ')})`);
    say(`  full analysis:     median ${am.toFixed(0)} ms [wall ${median(shape.analysis.map((x) => x.wallMs)).toFixed(0)}], peak RSS ${peak.toFixed(0)} MiB, user table ${table.toFixed(1)} MiB   (all: ${shape.analysis.map((x) => x.ms.toFixed(0)).join(', ')})`);
    // CPU time (user + system) of each pass: on a shared machine wall time is mostly waiting for a core.
    const pc = median(shape.plain.map((x) => x.cpuMs));
    const ac = median(shape.analysis.map((x) => x.cpuMs));
    const cpuRatios = shape.analysis.map((x, i) => x.cpuMs / shape.plain[i].cpuMs);
    say(`  CPU time: read + JSON.parse ${pc.toFixed(0)} ms, analysis ${ac.toFixed(0)} ms: ${(ac / pc).toFixed(2)}× (${Math.min(...cpuRatios).toFixed(2)}–${Math.max(...cpuRatios).toFixed(2)})`);
    if (baseScript) {
      const bm = median(shape.base.map((x) => x.ms));
      const vsBase = shape.analysis.map((x, i) => x.ms / shape.base[i].ms);
      const baseRatios = shape.base.map((x, i) => x.ms / shape.plain[i].ms);
      say(`  baseline (${baselineDir}): median ${bm.toFixed(0)} ms = ${(bm / pm).toFixed(2)}× the floor (${Math.min(...baseRatios).toFixed(2)}–${Math.max(...baseRatios).toFixed(2)}), peak RSS ${mib(Math.max(...shape.base.map((x) => x.maxRssKiB))).toFixed(0)} MiB; ours ÷ baseline ${median(vsBase).toFixed(3)} (${Math.min(...vsBase).toFixed(3)}–${Math.max(...vsBase).toFixed(3)}), CPU ${median(shape.analysis.map((x, i) => x.cpuMs / shape.base[i].cpuMs)).toFixed(3)}`);
      if (JSON.stringify(shape.base[0].results) !== JSON.stringify(r)) throw new Error('the baseline analysis gives different results');
    }
    shape.ratio = am / pm;
    shape.peak = peak;
    const extra = `CPU ${(ac / pc).toFixed(2)}× (${Math.min(...cpuRatios).toFixed(2)}–${Math.max(...cpuRatios).toFixed(2)}); peak RSS ${peak.toFixed(0)} MiB (target < ${shape.rssTarget}; floor ${floorPeak.toFixed(0)}), user table ${table.toFixed(1)} MiB; load ${median(loads).toFixed(1)}`;
    report({ name, subjectLabel: 'analysis', floorLabel: 'read + JSON.parse', unit: 'ms', subject: am, floor: pm, ratio: shape.ratio, ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), target: shape.target, extra });
  }
  say(`load average (1 min) after each round: ${loads.map((x) => x.toFixed(1)).join(', ')} on ${cpus().length} CPUs`);

  if (args.includes('--memory')) {
    const memoryScript = await bundle(memoryEntry, 'memory.mjs');
    const at = {};
    for (const users of [500_000, 2_500_000]) {
      const floor = run(memoryScript, [String(users), 'none']);
      const tally = run(memoryScript, [String(users), 'tally']);
      at[users] = { rss: mib(tally.maxRssKiB), floor: mib(floor.maxRssKiB), table: tally.tableBytes };
      say(`memory, ${users.toLocaleString('en-US')} users: peak RSS ${mib(tally.maxRssKiB).toFixed(0)} MiB (the same generation without the tally: ${mib(floor.maxRssKiB).toFixed(0)} MiB), user table ${(tally.tableBytes / 2 ** 20).toFixed(1)} MiB = ${(tally.tableBytes / users).toFixed(0)} bytes per user`);
    }
    const perUser = ((at[2_500_000].rss - at[500_000].rss) * 2 ** 20) / 2_000_000;
    say(`bytes per extra user (peak RSS difference over 2,000,000 users): ${perUser.toFixed(0)}`);
    if (json) {
      const note = `peak RSS ${at[500_000].rss.toFixed(0)} MiB at 500k users, ${at[2_500_000].rss.toFixed(0)} MiB at 2.5M: ${perUser.toFixed(0)} bytes per extra user`;
      console.log(JSON.stringify({ name: 'experiment results memory', note, bytesPerUser: perUser }));
    }
  }
  if (!json && SHAPES.some((s) => s.ratio > s.target || s.peak >= s.rssTarget)) process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
