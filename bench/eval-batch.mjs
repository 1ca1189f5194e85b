// 3. Batch evaluation: `flags eval new-orchestrator-v2 --contexts` over 100,000
// contexts vs a plain script that reads the same file and computes the same
// answers with hand-written logic and the same md5 bucketing.
import { spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { writeContexts, writeEvalFloor } from './batch-files.mjs';
import { BIN, interleave, removeDir, reportInterleaved, ROOT, tempDir, timeProcess } from './lib.mjs';

const N = Number(process.env.BENCH_CONTEXTS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = tempDir();
try {
  const contexts = writeContexts(dir, N);
  const floorScript = writeEvalFloor(dir);
  const devnull = () => openSync('/dev/null', 'w');
  const flagsDir = path.join(ROOT, 'flags');
  // The floor must compute the same answers, or the ratio means nothing.
  const ours = spawnSync(process.execPath, [BIN, 'eval', 'new-orchestrator-v2', '--dir', flagsDir, '--contexts', contexts], { maxBuffer: 1 << 30, encoding: 'utf8' }).stdout;
  const theirs = spawnSync(process.execPath, [floorScript, contexts], { maxBuffer: 1 << 30, encoding: 'utf8' }).stdout;
  if (ours !== theirs) throw new Error('flags eval --contexts and the floor script disagree');
  const r = interleave({
    subject: () => timeProcess(process.execPath, [BIN, 'eval', 'new-orchestrator-v2', '--dir', flagsDir, '--contexts', contexts], { stdout: devnull() }),
    floor: () => timeProcess(process.execPath, [floorScript, contexts], { stdout: devnull() }),
    runs,
    warmup: 1,
  });
  reportInterleaved(r, {
    name: `batch evaluation (${N.toLocaleString('en-US')} contexts)`,
    subjectLabel: 'flags eval --contexts',
    floorLabel: 'plain script',
    unit: 'ms',
    target: 2,
  });
} finally {
  removeDir(dir);
}
