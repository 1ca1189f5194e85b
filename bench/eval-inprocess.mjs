#!/usr/bin/env node
// In-process evaluation cost: nanoseconds per evaluation of the engine against
// a hand-written function with the same logic (own-property lookups, missing
// attribute = no match, the seed's md5 bucketing) and the same hashing, for
// three flag shapes. The hand-written function is the floor: what evaluation
// costs with no engine at all. Target: engine ≤ 1.2× floor.
//
// Usage: node bench/eval-inprocess.mjs [path/to/module.js] [--json]
//   Without a path, src/evaluation/index.ts is bundled on the fly with esbuild
//   into a temp file; with one (e.g. dist/index.js), that module is imported
//   and must export compileFlag, evaluateCompiled, createFlagEvaluator.
//   --json: one JSON result line per shape (bench/lib.mjs report format)
//   instead of the table.
// Env: ROUNDS (default 21), OPS (evaluations per timed batch, default 200000),
//   SHAPES (comma-separated substrings of shape names to run; default all).
import { build } from 'esbuild';
import * as nodeCrypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, report, THREE_FLAGS } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 21);
const OPS = Number(process.env.OPS ?? 200_000);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const TARGET = 1.2;
const modulePath = process.argv.slice(2).find((a) => !a.startsWith('--'));
const json = process.argv.includes('--json');

async function loadEngine() {
  if (modulePath) return import(pathToFileURL(resolve(modulePath)).href);
  const dir = mkdtempSync(join(tmpdir(), 'flags-bench-'));
  const outfile = join(dir, 'evaluation.mjs');
  try {
    await build({
      entryPoints: [join(root, 'src/evaluation/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the floor: what a developer would write by hand for each flag ---------

// Same hashing as the engine: its own md5Uint32 once the engine is loaded (a
// JavaScript md5 for short ASCII keys since issue 21.4; the bundled
// src/evaluation exports it), else one-shot node:crypto md5, first four digest
// bytes (a module given by path without md5Uint32: the ratio then compares
// different hashing).
let md5u32 = (s) => {
  const d = nodeCrypto.hash('md5', s, 'binary');
  return ((d.charCodeAt(0) << 24) | (d.charCodeAt(1) << 16) | (d.charCodeAt(2) << 8) | d.charCodeAt(3)) >>> 0;
};
const bucketKey = (ctx) => '' + (ctx.user?.id || ctx.tenant?.id || 'anonymous');
// Same attribute semantics as the engine: own properties only, missing = no match.
const tenantType = (ctx) => {
  const t = Object.hasOwn(ctx, 'tenant') ? ctx.tenant : undefined;
  if (typeof t !== 'object' || t === null || !Object.hasOwn(t, 'type')) return undefined;
  return t.type;
};

const floors = {
  'tenant.type rule': (ctx) =>
    tenantType(ctx) === 'enterprise' ? { value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' } : { value: false, reason: 'DEFAULT' },
  'rule + 10% rollout': (ctx) => {
    if (tenantType(ctx) === 'enterprise') return { value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' };
    return md5u32('rollout-flag:' + bucketKey(ctx)) % 100 < 10 ? { value: true, reason: 'FALLTHROUGH' } : { value: false, reason: 'DEFAULT' };
  },
  '50/50 variants': (ctx) =>
    md5u32('split-flag:' + bucketKey(ctx) + ':variant') % 100 < 50
      ? { value: 'control', reason: 'SPLIT', variant: 'control' }
      : { value: 'treatment', reason: 'SPLIT', variant: 'treatment' },
};
// For reference only: the same rule without own-property safety.
const naiveTenantRule = (ctx) =>
  ctx.tenant?.type === 'enterprise' ? { value: true, reason: 'RULE_MATCH', ruleId: 'enterprise-only' } : { value: false, reason: 'DEFAULT' };

// ---- the same flags, as files would define them ---------------------------

const flags = THREE_FLAGS;

// 1024 contexts: a quarter enterprise, the rest spread over other types.
const TYPES = ['enterprise', 'professional', 'startup', 'free'];
const contexts = Array.from({ length: 1024 }, (_, i) => ({
  environment: 'production',
  tenant: { id: `tenant-${i % 97}`, type: TYPES[i % 4] },
  user: { id: `user-${i}` },
}));

// ---- timing ----------------------------------------------------------------

let sink = 0;
function timeBatch(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) {
    const r = fn(contexts[i & 1023]);
    if (r.value === true) sink++;
  }
  return Number(process.hrtime.bigint() - t0) / OPS;
}

/**
 * Interleaved rounds (alternating which contender runs first), so a load spike
 * on a shared machine hits every contender alike. Returns the median ns/op of
 * each contender and, per contender, the median of its per-round ratio to the
 * floor (pairs measured seconds apart: more robust than a ratio of medians).
 */
function compare(contenders) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) for (let w = 0; w < 3; w++) timeBatch(contenders[n]); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const n of order) samples[n].push(timeBatch(contenders[n]));
  }
  return Object.fromEntries(
    names.map((n) => {
      const ratios = samples[n].map((v, r) => v / samples.floor[r]);
      return [n, { ns: median(samples[n]), ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) }];
    }),
  );
}

const engine = await loadEngine();
if (typeof engine.md5Uint32 === 'function') md5u32 = engine.md5Uint32;
const evaluator = engine.createFlagEvaluator(Object.values(flags));

// The engine and the floor must agree before their speed means anything.
for (const [shape, flag] of Object.entries(flags)) {
  const compiled = engine.compileFlag(flag);
  for (const ctx of contexts) {
    const a = JSON.stringify(engine.evaluateCompiled(compiled, ctx));
    const b = JSON.stringify(floors[shape](ctx));
    if (a !== b) throw new Error(`${shape}: engine ${a} ≠ floor ${b} for ${JSON.stringify(ctx)}`);
  }
}

if (!json) console.log(`node ${process.version}, ${ROUNDS} interleaved rounds × ${OPS} evaluations, median ns/evaluation\n`);
const rows = [];
const only = process.env.SHAPES?.split(',');
for (const [shape, flag] of Object.entries(flags)) {
  if (only && !only.some((o) => shape.includes(o))) continue;
  const compiled = engine.compileFlag(flag);
  const contenders = {
    floor: floors[shape],
    evaluateCompiled: (ctx) => engine.evaluateCompiled(compiled, ctx),
    'evaluator.evaluate': (ctx) => evaluator.evaluate(flag.key, ctx),
  };
  if (shape === 'tenant.type rule') contenders['naive (no own-property check)'] = naiveTenantRule;
  const result = compare(contenders);
  for (const [name, { ns, ratio }] of Object.entries(result)) {
    rows.push({ shape, contender: name, 'ns/eval': ns.toFixed(1), 'vs floor': `${ratio.toFixed(2)}×` });
  }
  if (json) {
    const { evaluateCompiled: subject, floor, 'evaluator.evaluate': byKey } = result;
    report({
      name: `in-process evaluation: ${shape}`,
      ratio: subject.ratio,
      ratioMin: subject.ratioMin,
      ratioMax: subject.ratioMax,
      subjectLabel: 'evaluateCompiled',
      subject: subject.ns,
      floorLabel: 'hand-written function',
      floor: floor.ns,
      unit: 'ns',
      target: TARGET,
      extra: `evaluator.evaluate (lookup by key) ${byKey.ratio.toFixed(2)}×, ${byKey.ns.toFixed(1)} ns`,
    });
  }
}
if (!json) console.table(rows);
if (sink < 0) console.log(sink);
