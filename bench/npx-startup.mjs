// Start-up through npx (SPEC 5): what a user pays per call in a project that
// installed the package, three ways side by side, interleaved:
//   `npx flags list`                  (every doc example; npm's own start-up on top)
//   `node_modules/.bin/flags list`    (package scripts and direct calls use this)
//   `node -e 0`                       (the floor: bare Node)
// The package is packed and installed into a temporary project as a user gets it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, removeDir, report, ROOT, tempDir, timeProcess } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 10);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
Object.assign(env, { NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });

const work = tempDir('flags-bench-npx-');
try {
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env, encoding: 'utf8' }));
  const project = path.join(work, 'project');
  execFileSync('mkdir', [project]);
  writeFileSync(path.join(project, 'package.json'), '{ "name": "bench-consumer", "private": true }\n');
  execFileSync('npm', ['install', '--save-dev', '--prefer-offline', '--no-package-lock', path.join(work, filename)], { cwd: project, env, stdio: 'ignore' });
  const args = ['list', '--dir', path.join(ROOT, 'flags')];
  const opts = { cwd: project, env };
  const sides = {
    npx: () => timeProcess('npx', ['flags', ...args], opts),
    bin: () => timeProcess(path.join(project, 'node_modules/.bin/flags'), args, opts),
    node: () => timeProcess(process.execPath, ['-e', '0'], opts),
  };
  const times = { npx: [], bin: [], node: [] };
  for (const f of Object.values(sides)) f(); // warm-up: disk cache, npm's cache
  const order = Object.keys(sides);
  for (let i = 0; i < runs; i++) {
    // Rotate the order so no side always runs first.
    for (let j = 0; j < order.length; j++) {
      const k = order[(i + j) % order.length];
      times[k].push(sides[k]());
    }
  }
  const ratios = (k) => times[k].map((t, i) => t / times.node[i]);
  const figure = (k, name, label, target, extra) =>
    report({
      name,
      subjectLabel: label,
      floorLabel: 'node -e 0',
      unit: 'ms',
      subject: median(times[k]),
      floor: median(times.node),
      ratio: median(times[k]) / median(times.node),
      ratioMin: Math.min(...ratios(k)),
      ratioMax: Math.max(...ratios(k)),
      target,
      extra,
    });
  figure('bin', 'start-up via node_modules/.bin', 'node_modules/.bin/flags list', 1.3);
  figure('npx', 'start-up via npx', 'npx flags list', 15, `npx adds ${(median(times.npx) - median(times.bin)).toFixed(0)} ms per call over the binary`);
} finally {
  removeDir(work);
}
