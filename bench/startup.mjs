// 1. Start-up: `flags list` on the repository's flags vs `node -e 0`.
import path from 'node:path';
import { BIN, interleave, report, ROOT, timeProcess } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const env = { ...process.env, NO_COLOR: '1' };
const r = interleave({
  subject: () => timeProcess(process.execPath, [BIN, 'list', '--dir', path.join(ROOT, 'flags')], { env }),
  floor: () => timeProcess(process.execPath, ['-e', '0'], { env }),
  runs,
  warmup: 3,
});
report({
  name: 'start-up (flags list)',
  subjectLabel: 'flags list',
  floorLabel: 'node -e 0',
  unit: 'ms',
  subject: r.subject.median,
  floor: r.floor.median,
  ratio: r.ratio,
  ratioMin: r.ratioMin,
  ratioMax: r.ratioMax,
  target: 1.3,
});
