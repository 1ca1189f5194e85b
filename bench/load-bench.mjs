// Library load time (issue 21.3): what a short-lived process or a serverless
// cold start pays to load each entry point, as the wall time of
// `node -e "require(entry)"` (or an `import()` of the ESM build) against the
// same child with nothing loaded (the timing and printing alone), interleaved
// in rounds whose order rotates, median per side.
// Targets are milliseconds above bare Node (the full entry under 40 ms, the
// runtime under 15 ms); the ratio printed is subject / floor, and the target
// ratio is (floor + target ms) / floor of this same run, so run.mjs's table
// says met or MISSED. The peers' SDKs are loaded in the same rounds.
//
// On a loaded machine a process's wall time is mostly waiting for a core, and
// the difference of two such medians is noise. So each child also times the
// load itself (hrtime and process.cpuUsage() around the require or import)
// and prints it: "in process" below, the same quantity as "above bare node"
// without Node's own start-up in the way; its CPU time moves least with load.
//
// Usage: node bench/load-bench.mjs [--json] [--baseline DIST]   Env: BENCH_RUNS (default 21)
// --baseline DIST: also load the entries of another build's dist/ folder (e.g.
// one built from an older commit) in the same rounds, for a before/after.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, removeDir, report, ROOT, tempDir } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 21);
const json = process.argv.includes('--json');
const require = createRequire(import.meta.url);
if (!existsSync(path.join(ROOT, 'dist/index.cjs'))) throw new Error('run `npm run build` first');
const scratch = tempDir('flags-load-bench-');
process.on('exit', () => removeDir(scratch));
const emptyModule = path.join(scratch, 'empty.mjs');
writeFileSync(emptyModule, 'export {};\n');
const baselineAt = process.argv.indexOf('--baseline');
const baseline = baselineAt > 0 ? path.resolve(process.argv[baselineAt + 1]) : null;

// The child's own measurement: wall and CPU ms of the load, printed as JSON.
const START = 'const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();';
const PRINT = 'const c = process.cpuUsage(c0); console.log(JSON.stringify({ wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1000 }));';
const req = (file) => `${START} require(${JSON.stringify(file)}); ${PRINT}`;
// A rejected import() must fail the run, not pass as a fast load.
const imp = (file) => `${START} import(${JSON.stringify(pathToFileURL(file).href)}).then(() => { ${PRINT} }, (e) => { console.error(e); process.exit(1); });`;

/** Our entries in a dist folder: name → { code for `node -e`, target in ms above bare node }. */
const entriesOf = (dist, suffix = '') => ({
  [`flagyard (require)${suffix}`]: { code: req(path.join(dist, 'index.cjs')), targetMs: 40 },
  [`flagyard (import)${suffix}`]: { code: imp(path.join(dist, 'index.js')), targetMs: 40 },
  [`flagyard/runtime (require)${suffix}`]: { code: req(path.join(dist, 'runtime.cjs')), targetMs: 15 },
  [`flagyard/runtime (import)${suffix}`]: { code: imp(path.join(dist, 'runtime.js')), targetMs: 15 },
  // No target of its own; it includes loading the application's @openfeature/server-sdk (shown alone below).
  [`flagyard/openfeature (require)${suffix}`]: { code: req(path.join(dist, 'openfeature.cjs')) },
  [`flagyard/openfeature (import)${suffix}`]: { code: imp(path.join(dist, 'openfeature.js')) },
});
const ours = entriesOf(path.join(ROOT, 'dist'));
const before = baseline ? entriesOf(baseline, ' baseline') : {};
const peers = {
  // What any `import()` of a file pays first: Node starting its ESM loader (read the "(import)" figures net of it).
  "Node's ESM loader (import of an empty .mjs file)": { code: imp(emptyModule) },
  '@openfeature/server-sdk': { code: req(require.resolve('@openfeature/server-sdk')) },
  '@growthbook/growthbook': { code: req(require.resolve('@growthbook/growthbook')) },
  '@openfeature/flagd-core': { code: req(require.resolve('@openfeature/flagd-core')) },
};
// The floor runs the same timing and printing with nothing loaded: a child's
// console.log alone sets up stdout as a stream (about 10 ms of Node's own
// modules), which a bare `node -e 0` never pays and every subject did.
const floorName = 'node -e (the same timing and print, nothing loaded)';
const FLOOR_CODE = `${START} ${PRINT}`;
const all = { [floorName]: { code: FLOOR_CODE }, ...ours, ...before, ...peers };

/** Wall ms of one child process, and the load as the child measured it (zero for the floor). */
function timeLoad(code) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node -e ${code} exited ${r.status}: ${r.stderr}`);
  const inner = JSON.parse(r.stdout.trim().split('\n').pop());
  return { wall, inner };
}

const names = Object.keys(all);
const samples = Object.fromEntries(names.map((n) => [n, { wall: [], innerWall: [], innerCpu: [] }]));
const warmup = 2;
for (let round = 0; round < runs + warmup; round++) {
  // Rotate the order each round, so no subject always runs first or right after another.
  for (let j = 0; j < names.length; j++) {
    const name = names[(round + j) % names.length];
    const t = timeLoad(all[name].code);
    if (round < warmup) continue;
    samples[name].wall.push(t.wall);
    samples[name].innerWall.push(t.inner.wall);
    samples[name].innerCpu.push(t.inner.cpu);
  }
}

const floor = median(samples[floorName].wall);
const inProcess = (name) => `in process ${median(samples[name].innerWall).toFixed(1)} ms (CPU ${median(samples[name].innerCpu).toFixed(1)} ms)`;
const note = (name, text) => (json ? console.log(JSON.stringify({ name, note: text })) : console.log(`${name}: ${text}`));

for (const [name, { targetMs = 40 }] of Object.entries(ours)) {
  const s = samples[name].wall;
  // Ratios per round: the subject against the floor run in the same round.
  const ratios = s.map((x, i) => x / samples[floorName].wall[i]);
  const m = median(s);
  report({
    name: `load ${name}`,
    subjectLabel: name,
    floorLabel: floorName,
    unit: 'ms',
    subject: m,
    floor,
    ratio: m / floor,
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    target: Number(((floor + targetMs) / floor).toFixed(2)),
    extra: `+${(m - floor).toFixed(0)} ms above bare node printing the same line (target < ${targetMs} ms); ${inProcess(name)}`,
  });
}
for (const name of Object.keys(before)) note(`load ${name}`, `+${(median(samples[name].wall) - floor).toFixed(0)} ms above bare node; ${inProcess(name)}; ${baseline}`);
note('peers load', Object.keys(peers).map((n) => `${n} +${(median(samples[n].wall) - floor).toFixed(0)} ms, ${inProcess(n)}`).join('; ') + ` (bare node ${floor.toFixed(0)} ms)`);
