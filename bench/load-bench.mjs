// Library load time (issue 21.3): what a short-lived process or a serverless
// cold start pays to load each entry point, as the wall time of
// `node -e "require('flagyard/runtime')"` (or an `import()`) run in a project
// that installed the package (a link to this checkout, resolved through its
// package.json "exports" as a user's program resolves it), against the same
// child with nothing loaded (the timing and printing alone), interleaved in
// rounds whose order rotates, median per side.
// Targets are milliseconds above bare Node (the full entry under 40 ms, the
// runtime under 15 ms); the ratio printed is subject / floor, and the target
// ratio is (floor + target ms) / floor of this same run, so run.mjs's table
// says met or MISSED. The peers' SDKs are loaded in the same rounds.
//
// An `import` pays Node's ESM loader first (about 10 ms here, for an import()
// of an empty .mjs file), as does every ESM program for its own first module:
// "bare Node" for an ESM program already includes it. So each "(import)" line
// is judged against that import of an empty file run in the same rounds
// (net), and prints the figure above bare `node -e` as well (gross). Two
// one-line packages are loaded in the same rounds too: Node's own cost of
// finding, resolving, reading and compiling any package, by require and by import.
//
// On a loaded machine a process's wall time is mostly waiting for a core, and
// the difference of two such medians is noise. So each child also times the
// load itself (hrtime and process.cpuUsage() around the require or import)
// and prints it: "in process" below, the same quantity as "above bare node"
// without Node's own start-up in the way; its CPU time moves least with load.
// It also prints the CPU time of its whole process so far: "process CPU" is
// that figure above the floor's, the whole-process difference in CPU time.
//
// Usage: node bench/load-bench.mjs [--json] [--baseline DIST]   Env: BENCH_RUNS (default 21)
// --baseline DIST: also load the entries of another build's dist/ folder (e.g.
// a copy made before a change) in the same rounds, for a before/after.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DROPPED_EXTRA_CA_CERTS, loadAverage, median, removeDir, report, ROOT, tempDir } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 21);
const json = process.argv.includes('--json');
const require = createRequire(import.meta.url);
if (!existsSync(path.join(ROOT, 'dist/index.cjs'))) throw new Error('run `npm run build` first');
const scratch = tempDir('flags-load-bench-');
process.on('exit', () => removeDir(scratch));
const emptyModule = path.join(scratch, 'empty.mjs');
writeFileSync(emptyModule, 'export {};\n');

/** A project whose node_modules/flagyard is `pkg` (a package folder with package.json and dist/). */
function projectWith(name, pkg) {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(pkg, path.join(dir, 'node_modules', 'flagyard'), 'junction');
  return dir;
}
const project = projectWith('project', ROOT);
// Two one-line packages beside it, resolved the same way (node_modules, "exports"): what Node itself
// pays to load any package by require and by import.
for (const [name, file, text, type] of [
  ['tiny-cjs', 'index.cjs', 'module.exports = { answer: 42 };\n', 'commonjs'],
  ['tiny-esm', 'index.js', 'export const answer = 42;\n', 'module'],
]) {
  mkdirSync(path.join(project, 'node_modules', name));
  writeFileSync(path.join(project, 'node_modules', name, file), text);
  writeFileSync(path.join(project, 'node_modules', name, 'package.json'), JSON.stringify({ name, type, exports: { '.': `./${file}` } }));
}
const baselineAt = process.argv.indexOf('--baseline');
const baselineArg = baselineAt > 0 ? path.resolve(process.argv[baselineAt + 1]) : null;
// The baseline is installed the same way: a package folder holding a copy of
// that dist/, this package.json and our node_modules (for the application's
// @openfeature/server-sdk the openfeature entry requires).
let baselineProject = null;
if (baselineArg) {
  const pkg = path.join(scratch, 'baseline-package');
  cpSync(baselineArg, path.join(pkg, 'dist'), { recursive: true, filter: (f) => !/\.(map|cache)$/.test(f) });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'junction');
  baselineProject = projectWith('baseline-project', pkg);
}

// The child's own measurement: wall and CPU ms of the load, printed as JSON.
const START = 'const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();';
// `total`: the CPU time of the whole process so far (Node's start-up included).
const PRINT =
  'const c = process.cpuUsage(c0), a = process.cpuUsage(); console.log(JSON.stringify({ wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1000, total: (a.user + a.system) / 1000 }));';
const req = (specifier) => `${START} require(${JSON.stringify(specifier)}); ${PRINT}`;
// A rejected import() must fail the run, not pass as a fast load.
const imp = (specifier) => `${START} import(${JSON.stringify(specifier)}).then(() => { ${PRINT} }, (e) => { console.error(e); process.exit(1); });`;

const esmFloorName = "Node's ESM loader (import of an empty .mjs file)";
/** Our entries, as a program in `cwd` loads them: name → { code for `node -e`, cwd, target in ms, the floor it is judged against }. */
const entriesOf = (cwd, suffix = '') => ({
  [`flagyard (require)${suffix}`]: { code: req('flagyard'), cwd, targetMs: 40 },
  [`flagyard (import)${suffix}`]: { code: imp('flagyard'), cwd, targetMs: 40, esm: true },
  [`flagyard/runtime (require)${suffix}`]: { code: req('flagyard/runtime'), cwd, targetMs: 15 },
  [`flagyard/runtime (import)${suffix}`]: { code: imp('flagyard/runtime'), cwd, targetMs: 15, esm: true },
  // Target as the full entry's; it includes loading the application's @openfeature/server-sdk (shown alone below).
  [`flagyard/openfeature (require)${suffix}`]: { code: req('flagyard/openfeature'), cwd, targetMs: 40 },
  [`flagyard/openfeature (import)${suffix}`]: { code: imp('flagyard/openfeature'), cwd, targetMs: 40, esm: true },
});
const ours = entriesOf(project);
const before = baselineProject ? entriesOf(baselineProject, ' baseline') : {};
const references = {
  // What any `import()` of a file pays first: Node starting its ESM loader (the "(import)" lines are judged net of it).
  [esmFloorName]: { code: imp(pathToFileURL(emptyModule).href) },
  // What loading any package pays: Node finding it in node_modules, reading its package.json, resolving, reading and compiling it.
  'a one-line CommonJS package (require)': { code: req('tiny-cjs') },
  'a one-line ESM package (import)': { code: imp('tiny-esm') },
};
const peers = {
  '@openfeature/server-sdk': { code: req(require.resolve('@openfeature/server-sdk')) },
  '@growthbook/growthbook': { code: req(require.resolve('@growthbook/growthbook')) },
  '@openfeature/flagd-core': { code: req(require.resolve('@openfeature/flagd-core')) },
};
// The floor runs the same timing and printing with nothing loaded: a child's
// console.log alone sets up stdout as a stream (about 10 ms of Node's own
// modules), which a bare `node -e 0` never pays and every subject did.
const floorName = 'node -e (the same timing and print, nothing loaded)';
const all = { [floorName]: { code: `${START} ${PRINT}` }, ...ours, ...before, ...references, ...peers };

// The children run without NODE_EXTRA_CA_CERTS: bench/lib.mjs drops it (see there).
const childEnv = process.env;

/** Wall ms of one child process, and the load as the child measured it (zero for the floor). */
function timeLoad({ code, cwd = project }) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8', env: childEnv });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node -e ${code} exited ${r.status}: ${r.stderr}`);
  const inner = JSON.parse(r.stdout.trim().split('\n').pop());
  return { wall, inner };
}

const names = Object.keys(all);
const samples = Object.fromEntries(names.map((n) => [n, { wall: [], innerWall: [], innerCpu: [], processCpu: [] }]));
const warmup = 2;
for (let round = 0; round < runs + warmup; round++) {
  // Rotate the order each round, so no subject always runs first or right after another.
  for (let j = 0; j < names.length; j++) {
    const name = names[(round + j) % names.length];
    const t = timeLoad(all[name]);
    if (round < warmup) continue;
    samples[name].wall.push(t.wall);
    samples[name].innerWall.push(t.inner.wall);
    samples[name].innerCpu.push(t.inner.cpu);
    samples[name].processCpu.push(t.inner.total);
  }
}

const floor = median(samples[floorName].wall);
const esmFloor = median(samples[esmFloorName].wall);
const above = (name) => median(samples[name].wall) - floor;
// The same difference in CPU time of the whole process: what survives a loaded machine.
const cpuAbove = (name, base = floorName) => (median(samples[name].processCpu) - median(samples[base].processCpu)).toFixed(1);
const inProcess = (name) => `in process ${median(samples[name].innerWall).toFixed(1)} ms (CPU ${median(samples[name].innerCpu).toFixed(1)} ms)`;
const note = (name, text) => (json ? console.log(JSON.stringify({ name, note: text })) : console.log(`${name}: ${text}`));

for (const [name, { targetMs, esm }] of Object.entries(ours)) {
  const s = samples[name].wall;
  // Judged against its floor run in the same round: bare node for a require,
  // the import of an empty file for an import.
  const base = esm ? esmFloorName : floorName;
  const baseMedian = esm ? esmFloor : floor;
  const ratios = s.map((x, i) => x / samples[base].wall[i]);
  const m = median(s);
  const net = esm
    ? `net: +${(m - esmFloor).toFixed(0)} ms above an import of an empty .mjs file (target < ${targetMs} ms; process CPU +${cpuAbove(name, esmFloorName)} ms); gross: +${(m - floor).toFixed(0)} ms above bare node (process CPU +${cpuAbove(name)} ms)`
    : `+${(m - floor).toFixed(0)} ms above bare node (target < ${targetMs} ms; process CPU +${cpuAbove(name)} ms)`;
  report({
    name: `load ${name}`,
    subjectLabel: name,
    floorLabel: base,
    unit: 'ms',
    subject: m,
    floor: baseMedian,
    ratio: m / baseMedian,
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    target: Number(((baseMedian + targetMs) / baseMedian).toFixed(2)),
    extra: `${net}; ${inProcess(name)}; load ${loadAverage()}`,
  });
}
for (const name of Object.keys(before)) {
  const net = before[name].esm ? `, net +${(median(samples[name].wall) - esmFloor).toFixed(0)} ms (process CPU +${cpuAbove(name, esmFloorName)} ms)` : '';
  note(`load ${name}`, `+${above(name).toFixed(0)} ms above bare node (process CPU +${cpuAbove(name)} ms)${net}; ${inProcess(name)}; ${baselineArg}`);
}
const line = (n) => `${n} +${above(n).toFixed(0)} ms (process CPU +${cpuAbove(n)} ms), ${inProcess(n)}`;
note('load references', Object.keys(references).map(line).join('; ') + ` (bare node ${floor.toFixed(0)} ms, process CPU ${median(samples[floorName].processCpu).toFixed(1)} ms)`);
if (DROPPED_EXTRA_CA_CERTS) note('load environment', 'NODE_EXTRA_CA_CERTS is set here; the children ran without it (it adds the same start-up time to every process, floors included)');
note('peers load', Object.keys(peers).map(line).join('; ') + ` (bare node ${floor.toFixed(0)} ms)`);
