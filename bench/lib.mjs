// Shared helpers for the benchmarks: interleaved runs of a subject and its
// floor, medians with min–max, and one JSON result line per figure so
// bench/run.mjs can collect them into a table. Absolute times on shared
// machines are noise; the ratio measured side by side is the figure.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin/flags.cjs');

// NODE_EXTRA_CA_CERTS makes every Node process read and parse that file of
// certificates at start-up, before any code runs (on this project's machine:
// about 90 ms of CPU, bare `node -e 0` 47 → 138 ms). A user's machine rarely
// sets it; a floor inflated by it squeezes every start-up ratio towards 1
// (+50 ms reads 1.36× with it, 2.06× without). Every bench imports this file,
// so dropping it here runs every child process without it.
export const DROPPED_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS !== undefined;
delete process.env.NODE_EXTRA_CA_CERTS;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of one child process in ms (and its peak RSS in MiB when /usr/bin/time exists). */
export function timeProcess(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', opts.stdout ?? 'ignore', 'pipe'], cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * Wall time (ms), CPU time (user + sys, ms) and peak resident memory (MiB) of
 * one child process. CPU and memory come from GNU time (`/usr/bin/time -v`
 * fields through -f), and are null where it is missing.
 */
export function measureProcess(cmd, args, opts = {}) {
  if (!existsSync('/usr/bin/time')) return { ms: timeProcess(cmd, args, opts), cpuMs: null, rssMiB: null };
  const out = path.join(tmpdir(), `flags-bench-time-${process.pid}`);
  try {
    const ms = timeProcess('/usr/bin/time', ['-o', out, '-f', '%U %S %M', cmd, ...args], opts);
    const [user, sys, kib] = readFileSync(out, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
    return { ms, cpuMs: (user + sys) * 1000, rssMiB: kib / 1024 };
  } finally {
    rmSync(out, { force: true });
  }
}

/**
 * Runs `subject` and `floor` alternately `runs` times (after `warmup` rounds),
 * so drifts in machine load hit both alike. Returns per-side medians, min–max
 * and the ratio of medians.
 */
export function interleave({ subject, floor, runs = 10, warmup = 2 }) {
  const a = [];
  const b = [];
  for (let i = 0; i < warmup; i++) {
    subject();
    floor();
  }
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so neither always runs on a warm cache.
    if (i % 2) {
      a.push(subject());
      b.push(floor());
    } else {
      b.push(floor());
      a.push(subject());
    }
  }
  const ratios = a.map((x, i) => x / b[i]);
  return {
    subject: { median: median(a), min: Math.min(...a), max: Math.max(...a) },
    floor: { median: median(b), min: Math.min(...b), max: Math.max(...b) },
    ratio: median(a) / median(b),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  };
}

export function tempDir(prefix = 'flags-bench-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes a large generated file in 1 MiB pieces: `line(text)` appends text and a newline, `close()` finishes. */
export function lineWriter(file) {
  const fd = openSync(file, 'w');
  let chunk = '';
  return {
    line(text) {
      chunk += text + '\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    },
    close() {
      writeSync(fd, chunk);
      closeSync(fd);
    },
  };
}

/** report() of an interleave() result: the per-side medians, the ratio of medians and its range. */
export function reportInterleaved(r, fields) {
  report({ ...fields, subject: r.subject.median, floor: r.floor.median, ratio: r.ratio, ratioMin: r.ratioMin, ratioMax: r.ratioMax });
}

/** The machine's load average, for every printed table: on a shared machine the figures mean little without it. */
export function loadAverage() {
  return loadavg().map((x) => x.toFixed(1)).join(' ');
}

/** Prints the human line and, with --json (as run.mjs calls it), one JSON result line. */
export function report(result) {
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    const r = result;
    console.log(
      `${r.name}: ${r.ratio.toFixed(2)}× the floor (${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}); ` +
        `${r.subjectLabel} ${r.subject.toFixed(r.unit === 'ns' ? 1 : 0)} ${r.unit} vs ${r.floorLabel} ${r.floor.toFixed(r.unit === 'ns' ? 1 : 0)} ${r.unit}; ${r.target === undefined ? 'no target' : `target ≤ ${r.target}×`}` +
        (r.extra ? `; ${r.extra}` : ''),
    );
  }
}

// ---- the three flags the in-process benchmarks evaluate (eval-inprocess, peers) ----

const benchBase = { name: 'bench', description: '', tags: [], owner: 'bench', enabled: true, killSwitch: false };
const enterpriseRule = { id: 'enterprise-only', conditions: [{ attribute: 'tenant.type', operator: 'equals', value: 'enterprise' }], value: true };
/** A tenant.type rule; the same rule plus a 10% rollout; a 50/50 split. Keyed by shape. */
export const THREE_FLAGS = {
  'tenant.type rule': { ...benchBase, key: 'tenant-flag', type: 'boolean', defaultValue: false, rules: [enterpriseRule] },
  'rule + 10% rollout': { ...benchBase, key: 'rollout-flag', type: 'boolean', defaultValue: false, rules: [enterpriseRule], fallthrough: { percentage: 10, value: true } },
  '50/50 variants': {
    ...benchBase,
    key: 'split-flag',
    type: 'string',
    defaultValue: 'control',
    rules: [],
    variants: [
      { key: 'control', name: 'Control', value: 'control', weight: 50 },
      { key: 'treatment', name: 'Treatment', value: 'treatment', weight: 50 },
    ],
  },
};
