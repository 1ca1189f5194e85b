// Library load time (issue 21.3): what a short-lived process or a serverless
// cold start pays to load each entry point, as the wall time of
// `node -e "require(entry)"` (or an `import()` of the ESM build) against bare
// `node -e 0`, interleaved in rounds whose order rotates, median per side.
// Targets are milliseconds above bare Node (the full entry under 40 ms, the
// runtime under 15 ms); the ratio printed is subject / floor, and the target
// ratio is (floor + target ms) / floor of this same run, so run.mjs's table
// says met or MISSED. The peers' SDKs are loaded in the same rounds for
// comparison.
//
// On a loaded machine a process's wall time is mostly waiting for a core, so
// each child also prints the CPU time it used (process.cpuUsage(), user +
// system, at exit); the CPU figure above the floor's is shown beside the wall
// figure and moves far less with the load.
//
// Usage: node bench/load-bench.mjs [--json]   Env: BENCH_RUNS (default 21)
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { median, report, ROOT } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 21);
const require = createRequire(import.meta.url);
if (!existsSync(path.join(ROOT, 'dist/index.cjs'))) throw new Error('run `npm run build` first');

const dist = (file) => path.join(ROOT, 'dist', file);
const req = (file) => `require(${JSON.stringify(file)})`;
// A rejected import() must fail the run, not pass silently as a fast load.
const imp = (file) => `import(${JSON.stringify(pathToFileURL(file).href)}).catch((e) => { console.error(e); process.exit(1); })`;

/** Each subject: the code given to `node -e`, its target in ms above bare node (none: shown for comparison). */
const subjects = {
  'flagyard (require)': { code: req(dist('index.cjs')), targetMs: 40 },
  'flagyard (import)': { code: imp(dist('index.js')), targetMs: 40 },
  'flagyard/runtime (require)': { code: req(dist('runtime.cjs')), targetMs: 15 },
  'flagyard/runtime (import)': { code: imp(dist('runtime.js')), targetMs: 15 },
  // The provider needs the application's own OpenFeature SDK, loaded on both sides.
  'flagyard/openfeature (require)': { code: req(dist('openfeature.cjs')) },
  'flagyard/openfeature (import)': { code: imp(dist('openfeature.js')) },
  '@openfeature/server-sdk alone (require)': { code: req(require.resolve('@openfeature/server-sdk')) },
  '@growthbook/growthbook (require)': { code: req(require.resolve('@growthbook/growthbook')) },
  '@openfeature/flagd-core (require)': { code: req(require.resolve('@openfeature/flagd-core')) },
};

/** Wall ms of one `node -e CODE` and the CPU ms the child reports for itself. */
function timeLoad(code) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', `${code}; process.on('exit', () => { const u = process.cpuUsage(); console.log((u.user + u.system) / 1000); });`], { cwd: ROOT, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node -e ${code} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(r.stdout.trim().split('\n').pop()) };
}

const floorName = 'node -e 0';
const all = { [floorName]: { code: '0' }, ...subjects };
const names = Object.keys(all);
const samples = Object.fromEntries(names.map((n) => [n, []]));
const cpu = Object.fromEntries(names.map((n) => [n, []]));
const warmup = 2;
for (let round = 0; round < runs + warmup; round++) {
  for (let j = 0; j < names.length; j++) {
    const name = names[(round + j) % names.length];
    const t = timeLoad(all[name].code);
    if (round >= warmup) {
      samples[name].push(t.wall);
      cpu[name].push(t.cpu);
    }
  }
}

const floor = median(samples[floorName]);
const floorCpu = median(cpu[floorName]);
const above = (name) => median(samples[name]) - floor;
const cpuAbove = (name) => median(cpu[name]) - floorCpu;
const peers = Object.keys(subjects)
  .filter((n) => !n.startsWith('flagyard'))
  .map((n) => `${n.replace(' (require)', '')} +${above(n).toFixed(0)} ms (CPU +${cpuAbove(n).toFixed(0)} ms)`)
  .join(', ');
for (const [name, { targetMs }] of Object.entries(subjects)) {
  if (!name.startsWith('flagyard')) continue;
  // Ratios per round: subject against the floor run in the same round.
  const ratios = samples[name].map((x, i) => x / samples[floorName][i]);
  const m = median(samples[name]);
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
    // No target of its own (the provider): the full entry's.
    target: Number(((floor + (targetMs ?? 40)) / floor).toFixed(2)),
    extra: `+${(m - floor).toFixed(0)} ms above bare node (target < ${targetMs ?? 40} ms); CPU +${cpuAbove(name).toFixed(0)} ms above its ${floorCpu.toFixed(0)} ms`,
  });
}
const note = `${peers} (bare node ${floor.toFixed(0)} ms, CPU ${floorCpu.toFixed(0)} ms)`;
if (process.argv.includes('--json')) console.log(JSON.stringify({ name: 'peers load above node -e 0', note }));
else console.log(`peers load above bare node: ${note}`);
