// 1. Start-up: five everyday calls of the installed bin on this repository's
// flags, each against `node -e 0` measured in the same rounds. A round runs the
// floor and the five once each, starting at a different one every round, so a
// change in machine load hits all alike; a figure is the median of its
// per-round ratios to the floor (min–max beside it), which stays steady on a
// shared machine where absolute times do not.
//
//   node bench/startup.mjs [--json] [--runs N] [--pipe]
//
// --pipe reads each process's stdout through a pipe (as a CI log or `| less`
// does) instead of sending it to /dev/null. BENCH_RUNS also sets the rounds.
import path from 'node:path';
import { BIN, median, report, ROOT, timeProcess } from './lib.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg('--runs') ?? process.env.BENCH_RUNS ?? 40);
const stdout = process.argv.includes('--pipe') ? 'pipe' : 'ignore';
const env = { ...process.env, NO_COLOR: '1' };
const dir = path.join(ROOT, 'flags');

const floor = { label: 'node -e 0', argv: ['-e', '0'] };
const figures = [
  { name: 'start-up (flags list)', label: 'flags list', args: ['list', '--dir', dir], target: 1.3 },
  { name: 'start-up (flags eval KEY)', label: 'flags eval new-orchestrator-v2', args: ['eval', 'new-orchestrator-v2', '--dir', dir], target: 1.3 },
  { name: 'start-up (flags validate)', label: 'flags validate', args: ['validate', '--dir', dir], target: 1.3 },
  { name: 'start-up (flags --version)', label: 'flags --version', args: ['--version'], target: 1.15 },
  { name: 'start-up (flags --help)', label: 'flags --help', args: ['--help'], target: 1.15 },
].map((f) => ({ ...f, argv: [BIN, ...f.args], times: [] }));

const all = [floor, ...figures];
floor.times = [];
const time = (p) => timeProcess(process.execPath, p.argv, { env, stdout });
for (let w = 0; w < 3; w++) for (const p of all) time(p);
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < all.length; k++) {
    const p = all[(round + k) % all.length];
    p.times.push(time(p));
  }
}

for (const f of figures) {
  const ratios = f.times.map((t, i) => t / floor.times[i]);
  report({
    name: f.name,
    subjectLabel: f.label,
    floorLabel: floor.label,
    unit: 'ms',
    subject: median(f.times),
    floor: median(floor.times),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    target: f.target,
    extra: `${runs} rounds, stdout ${stdout === 'pipe' ? 'piped' : 'to /dev/null'}`,
  });
}
