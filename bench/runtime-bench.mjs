// flagyard/runtime (SPEC 7): what it costs a service to load, against the
// SDKs of two peers (GrowthBook, flagd-core), and what an evaluation costs
// against the in-process library (they share one evaluator: equal within noise).
// Each load is timed inside a fresh process around require()/import() alone,
// so Node's own start-up is not counted.
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BIN, median, removeDir, report, ROOT, tempDir } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const require = createRequire(import.meta.url);

// ---- load time ----
const loaders = {
  runtime: `require(${JSON.stringify(path.join(ROOT, 'dist/runtime.cjs'))})`,
  growthbook: `require(${JSON.stringify(require.resolve('@growthbook/growthbook'))})`,
  flagdCore: `require(${JSON.stringify(require.resolve('@openfeature/flagd-core'))})`,
  // The full library's ESM entry (it requires the CommonJS one: one copy for both).
  library: `await import(${JSON.stringify(path.join(ROOT, 'dist/index.js'))})`,
};
const timeLoad = (code) =>
  Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const t = process.hrtime.bigint(); ${code}; console.log(Number(process.hrtime.bigint() - t) / 1e6);`], {
      encoding: 'utf8',
    }).trim(),
  );
const loads = Object.fromEntries(Object.keys(loaders).map((k) => [k, []]));
const names = Object.keys(loaders);
for (let i = 0; i < runs + 2; i++) {
  // Rotate the order each round, so no loader always runs first on a cold cache.
  for (let j = 0; j < names.length; j++) {
    const name = names[(i + j) % names.length];
    const ms = timeLoad(loaders[name]);
    if (i >= 2) loads[name].push(ms);
  }
}
const m = Object.fromEntries(names.map((n) => [n, median(loads[n])]));
const ratios = loads.runtime.map((x, i) => x / loads.growthbook[i]);
report({
  name: 'runtime load (require)',
  subjectLabel: 'flagyard/runtime',
  floorLabel: '@growthbook/growthbook',
  unit: 'ms',
  subject: m.runtime,
  floor: m.growthbook,
  ratio: m.runtime / m.growthbook,
  ratioMin: Math.min(...ratios),
  ratioMax: Math.max(...ratios),
  target: 1.0,
  extra: `@openfeature/flagd-core ${m.flagdCore.toFixed(0)} ms, full library entry ${m.library.toFixed(0)} ms`,
});

// ---- evaluation ----
const dir = tempDir();
try {
  cpSync(path.join(ROOT, 'flags'), path.join(dir, 'flags'), { recursive: true });
  execFileSync(process.execPath, [BIN, 'build'], { cwd: dir });
  const lib = await import(path.join(ROOT, 'dist/index.js'));
  const { createBundleEvaluator } = require(path.join(ROOT, 'dist/runtime.cjs'));
  const library = await lib.createDirectoryEvaluator({ dir: path.join(dir, 'flags') });
  const runtime = await createBundleEvaluator({ file: path.join(dir, 'bundles/flags.json'), pollMs: 0 });
  const keys = library.keys();
  const types = ['enterprise', 'professional', 'free', 'starter'];
  const contexts = Array.from({ length: 1000 }, (_, i) => ({ user: { id: `user-${i}` }, tenant: { id: `tenant-${i % 7}`, type: types[i % 4], settings: { preferredProvider: i % 3 ? 'anthropic' : 'openai' } } }));
  const perEval = (ev) => {
    const t = process.hrtime.bigint();
    let sink = 0;
    for (let r = 0; r < 20; r++) for (const c of contexts) for (const k of keys) if (ev.evaluate(k, c).value) sink++;
    const ns = Number(process.hrtime.bigint() - t) / (20 * contexts.length * keys.length);
    return sink < 0 ? -1 : ns;
  };
  const a = [];
  const b = [];
  for (let i = 0; i < runs + 3; i++) {
    const [x, y] = i % 2 ? [perEval(runtime), perEval(library)] : [perEval(library), perEval(runtime)].reverse();
    if (i >= 3) {
      a.push(x);
      b.push(y);
    }
  }
  const r = a.map((x, i) => x / b[i]);
  report({
    name: 'runtime evaluation',
    subjectLabel: 'flagyard/runtime',
    floorLabel: 'library createDirectoryEvaluator',
    unit: 'ns',
    subject: median(a),
    floor: median(b),
    ratio: median(a) / median(b),
    ratioMin: Math.min(...r),
    ratioMax: Math.max(...r),
    target: 1.1,
  });
  library.close();
  runtime.close();
} finally {
  removeDir(dir);
}
