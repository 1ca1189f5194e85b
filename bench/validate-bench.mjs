// Validation at CI scale: `flags validate` over 5,000 one-flag files vs a
// plain script that only reads the same files and parses them with yaml's
// parseDocument (the floor: what any YAML-based validator must pay). Runs are
// interleaved; the figure is the ratio of medians. Target ≤ 1.6× (issue 21.7;
// the first round's was 2×).
//
// Usage: node bench/validate-bench.mjs [--json]   (after `npm run build`)
// Env: BENCH_FILES (default 5000), BENCH_RUNS (default 7).
import { spawnSync } from 'node:child_process';
import { writeFlagSet, writeParseFloor } from './flag-files.mjs';
import { BIN, interleave, loadAverage, measureProcess, median, removeDir, reportInterleaved, tempDir } from './lib.mjs';

const N = Number(process.env.BENCH_FILES ?? 5000);
const runs = Number(process.env.BENCH_RUNS ?? 7);

const dir = tempDir();
try {
  const flagsDir = writeFlagSet(dir, N);

  const floorScript = writeParseFloor(dir);

  // The subject must find these files valid, or it is not measuring the happy path.
  const check = spawnSync(process.execPath, [BIN, 'validate', '--strict', '--dir', flagsDir], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`flags validate found problems in the generated flags:\n${check.stdout}${check.stderr}`);
  if (!check.stdout.startsWith(`✓ ${N} flags in ${N} files are valid`)) throw new Error(`unexpected summary: ${check.stdout}`);

  // Wall time is the figure; CPU time (user + sys, when /usr/bin/time exists)
  // is printed beside it because it is far less sensitive to a busy machine.
  const cpu = { subject: [], floor: [] };
  const timed = (side, args) => {
    const m = measureProcess(process.execPath, args);
    if (m.cpuMs !== null) cpu[side].push(m.cpuMs);
    return m.ms;
  };
  const r = interleave({
    subject: () => timed('subject', [BIN, 'validate', '--dir', flagsDir]),
    floor: () => timed('floor', [floorScript, flagsDir]),
    runs,
    warmup: 1,
  });
  const cpuExtra = cpu.subject.length > 0 ? `CPU time ${(median(cpu.subject) / median(cpu.floor)).toFixed(2)}× (${median(cpu.subject).toFixed(0)} vs ${median(cpu.floor).toFixed(0)} ms)` : undefined;
  reportInterleaved(r, {
    name: `validate (${N.toLocaleString('en-US')} one-flag files)`,
    subjectLabel: 'flags validate',
    floorLabel: 'read + parseDocument',
    unit: 'ms',
    target: 1.6,
    extra: [cpuExtra, `load ${loadAverage()}`].filter(Boolean).join('; '),
  });
  // Against the fastest YAML reading there is (data only, no positions): no
  // target, printed so the figure above is not read against a slow floor.
  const jsYamlFloor = writeParseFloor(dir, 'js-yaml');
  const fast = interleave({ subject: () => timed('subject', [BIN, 'validate', '--dir', flagsDir]), floor: () => timed('floor', [jsYamlFloor, flagsDir]), runs, warmup: 1 });
  reportInterleaved(fast, {
    name: `validate vs js-yaml (${N.toLocaleString('en-US')} one-flag files)`,
    subjectLabel: 'flags validate',
    floorLabel: 'read + js-yaml load',
    unit: 'ms',
    extra: `load ${loadAverage()}`,
  });
} finally {
  removeDir(dir);
}
