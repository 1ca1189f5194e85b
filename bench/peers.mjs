#!/usr/bin/env node
// Our in-process evaluator against the peers' SDKs, in one process, on the
// same three flags (a tenant.type rule, that rule plus a 10% rollout, a 50/50
// split) over the same 100,000 users:
//   - @openfeature/flagd-core (flagd's in-process engine: JSON Logic + fractional)
//   - @growthbook/growthbook (GrowthBookClient.evalFeature, multi-user server API)
//   - @featurevisor/sdk (v2 datafile, createInstance().getVariation / isEnabled)
// Each SDK gets the flags in its own format and each context in its own shape
// (built before timing, so no SDK pays for converting). Before anything is
// timed the answers are cross-checked: the rule must give exactly the same
// value everywhere, and the rollout and split must give their share within one
// point over the 100,000 users (each SDK hashes differently, so the same user
// may land elsewhere; the shares must still agree).
//
// Also: the time to load each library (`require` in a fresh process, median
// of interleaved runs, minus bare `node -e 0`): our full entry and our runtime.
//
// Usage: node bench/peers.mjs [--json]   Env: ROUNDS (default 11), USERS (default 100000)
import { FlagdCore } from '@openfeature/flagd-core';
import { GrowthBookClient } from '@growthbook/growthbook';
import { createInstance } from '@featurevisor/sdk';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadAverage, median, report, ROOT, THREE_FLAGS } from './lib.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 11);
const USERS = Number(process.env.USERS ?? 100_000);
const json = process.argv.includes('--json');
const TARGET = 1 / 1.5; // ours ≤ 1/1.5 of the fastest peer's time: at least 1.5× faster

const dist = path.join(ROOT, 'dist/index.js');
if (!existsSync(dist)) throw new Error('run `npm run build` first');
const ours = await import(pathToFileURL(dist).href);

// ---- the flags ---------------------------------------------------------------
const ourFlags = Object.values(THREE_FLAGS);

const isEnterprise = { '==': [{ var: 'tenant.type' }, 'enterprise'] };
const flagdConfig = JSON.stringify({
  flags: {
    'tenant-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { if: [isEnterprise, 'on', 'off'] } },
    'rollout-flag': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [isEnterprise, 'on', { fractional: [['on', 10], ['off', 90]] }] },
    },
    'split-flag': {
      state: 'ENABLED',
      variants: { control: 'control', treatment: 'treatment' },
      defaultVariant: 'control',
      targeting: { fractional: [['control', 50], ['treatment', 50]] },
    },
  },
});

const gbFeatures = {
  'tenant-flag': { defaultValue: false, rules: [{ condition: { 'tenant.type': 'enterprise' }, force: true }] },
  'rollout-flag': { defaultValue: false, rules: [{ condition: { 'tenant.type': 'enterprise' }, force: true }, { force: true, coverage: 0.1, hashAttribute: 'id' }] },
  'split-flag': { defaultValue: 'control', rules: [{ key: 'split-flag', variations: ['control', 'treatment'], weights: [0.5, 0.5], hashAttribute: 'id' }] },
};

const everyone = { key: 'everyone', segments: '*', percentage: 100000 };
const fvDatafile = {
  schemaVersion: '2',
  revision: 'bench',
  segments: { enterprise: { key: 'enterprise', conditions: [{ attribute: 'tenantType', operator: 'equals', value: 'enterprise' }] } },
  features: {
    'tenant-flag': { key: 'tenant-flag', bucketBy: 'userId', traffic: [{ key: 'ent', segments: ['enterprise'], percentage: 100000 }, { key: 'rest', segments: '*', percentage: 0 }] },
    'rollout-flag': { key: 'rollout-flag', bucketBy: 'userId', traffic: [{ key: 'ent', segments: ['enterprise'], percentage: 100000 }, { key: 'rest', segments: '*', percentage: 10000 }] },
    'split-flag': {
      key: 'split-flag',
      bucketBy: 'userId',
      variations: [{ value: 'control' }, { value: 'treatment' }],
      traffic: [{ ...everyone, allocation: [{ variation: 'control', range: [0, 50000] }, { variation: 'treatment', range: [50000, 100000] }] }],
    },
  },
};

// ---- the contexts, one array per SDK's own shape -----------------------------
const TYPES = ['enterprise', 'professional', 'startup', 'free'];
const ourContexts = Array.from({ length: USERS }, (_, i) => ({ environment: 'production', tenant: { id: `tenant-${i % 97}`, type: TYPES[i % 4] }, user: { id: `user-${i}` } }));
const flagdContexts = ourContexts.map((c) => ({ targetingKey: c.user.id, tenant: { type: c.tenant.type } }));
const gbContexts = ourContexts.map((c) => ({ attributes: { id: c.user.id, tenant: { type: c.tenant.type } } }));
const fvContexts = ourContexts.map((c) => ({ userId: c.user.id, tenantType: c.tenant.type }));

// ---- the contenders: (flagKey, index) → value --------------------------------
const evaluator = ours.createFlagEvaluator(ourFlags);
const flagd = new FlagdCore();
flagd.setConfigurations(flagdConfig);
const gb = new GrowthBookClient({}).initSync({ payload: { features: gbFeatures } });
const fv = createInstance({ datafile: fvDatafile, logLevel: 'fatal' });

const contenders = {
  flagyard: {
    'tenant-flag': (i) => evaluator.evaluate('tenant-flag', ourContexts[i]).value,
    'rollout-flag': (i) => evaluator.evaluate('rollout-flag', ourContexts[i]).value,
    'split-flag': (i) => evaluator.evaluate('split-flag', ourContexts[i]).value,
  },
  'flagd-core': {
    'tenant-flag': (i) => flagd.resolveBooleanEvaluation('tenant-flag', false, flagdContexts[i]).value,
    'rollout-flag': (i) => flagd.resolveBooleanEvaluation('rollout-flag', false, flagdContexts[i]).value,
    'split-flag': (i) => flagd.resolveStringEvaluation('split-flag', 'control', flagdContexts[i]).value,
  },
  growthbook: {
    'tenant-flag': (i) => gb.evalFeature('tenant-flag', gbContexts[i]).value,
    'rollout-flag': (i) => gb.evalFeature('rollout-flag', gbContexts[i]).value,
    'split-flag': (i) => gb.evalFeature('split-flag', gbContexts[i]).value,
  },
  featurevisor: {
    'tenant-flag': (i) => fv.isEnabled('tenant-flag', fvContexts[i]),
    'rollout-flag': (i) => fv.isEnabled('rollout-flag', fvContexts[i]),
    'split-flag': (i) => fv.getVariation('split-flag', fvContexts[i]),
  },
};
const shapes = { 'tenant-flag': 'tenant.type rule', 'rollout-flag': 'rule + 10% rollout', 'split-flag': '50/50 variants' };

// ---- cross-check before timing -----------------------------------------------
const truthy = { 'tenant-flag': true, 'rollout-flag': true, 'split-flag': 'treatment' };
const expectedShare = { 'tenant-flag': 0.25, 'rollout-flag': 0.25 + 0.75 * 0.1, 'split-flag': 0.5 };
for (const [name, fns] of Object.entries(contenders)) {
  for (const key of Object.keys(shapes)) {
    let hits = 0;
    for (let i = 0; i < USERS; i++) {
      const v = fns[key](i);
      if (key === 'tenant-flag' && v !== (i % 4 === 0)) throw new Error(`${name} ${key}: user ${i} got ${v}`);
      if (key !== 'split-flag' && i % 4 === 0 && v !== true) throw new Error(`${name} ${key}: enterprise user ${i} got ${v}`);
      if (v === truthy[key]) hits++;
    }
    const share = hits / USERS;
    if (Math.abs(share - expectedShare[key]) > 0.01) throw new Error(`${name} ${key}: share ${share.toFixed(4)}, expected ${expectedShare[key]}`);
  }
}

// ---- timing: interleaved rounds, median ns per evaluation --------------------
let sink = 0;
function timeOne(fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < USERS; i++) if (fn(i) === true) sink++;
  return Number(process.hrtime.bigint() - t0) / USERS;
}
const names = Object.keys(contenders);
const results = {};
for (const key of Object.keys(shapes)) {
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) timeOne(contenders[n][key]); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const n of order) samples[n].push(timeOne(contenders[n][key]));
  }
  results[key] = Object.fromEntries(names.map((n) => [n, { ns: median(samples[n]), samples: samples[n] }]));
}

// ---- load time: require in a fresh process, minus bare node ------------------
// Without NODE_EXTRA_CA_CERTS: bench/lib.mjs drops it from every child's environment (see there).
const loadEnv = process.env;
function loadMs(code) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: loadEnv });
  if (r.status !== 0) throw new Error(`${code}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
// Like for like: every library by `require` (an import() would add Node's ESM loader to ours alone).
const loads = {
  'node -e 0': '0',
  flagyard: `require(${JSON.stringify(path.join(ROOT, 'dist/index.cjs'))})`,
  'flagyard/runtime': `require(${JSON.stringify(path.join(ROOT, 'dist/runtime.cjs'))})`,
  'flagd-core': "require('@openfeature/flagd-core')",
  growthbook: "require('@growthbook/growthbook')",
  featurevisor: "require('@featurevisor/sdk')",
};
const loadSamples = Object.fromEntries(Object.keys(loads).map((n) => [n, []]));
for (let r = 0; r < Math.max(5, ROUNDS); r++) for (const [n, code] of Object.entries(loads)) loadSamples[n].push(loadMs(code));
const bare = median(loadSamples['node -e 0']);
const loadAbove = Object.fromEntries(Object.keys(loads).map((n) => [n, median(loadSamples[n]) - bare]));

// ---- report ------------------------------------------------------------------
const peers = names.filter((n) => n !== 'flagyard');
for (const [key, shape] of Object.entries(shapes)) {
  const r = results[key];
  const fastest = peers.reduce((a, b) => (r[a].ns <= r[b].ns ? a : b));
  const ratios = r.flagyard.samples.map((x, i) => x / r[fastest].samples[i]);
  const line = {
    name: `vs peers: ${shape}`,
    ratio: r.flagyard.ns / r[fastest].ns,
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    subjectLabel: 'flagyard evaluator.evaluate',
    subject: r.flagyard.ns,
    floorLabel: `fastest peer, ${fastest}`,
    floor: r[fastest].ns,
    unit: 'ns',
    target: Number(TARGET.toFixed(2)),
    extra: `ratio = ours / fastest peer (≤ 0.67: at least 1.5× faster); ` + peers.map((p) => `${p} ${r[p].ns.toFixed(0)} ns`).join(', ') + `; load ${loadAverage()}`,
  };
  report(line);
}
const loadLine = Object.entries(loadAbove)
  .filter(([n]) => n !== 'node -e 0')
  .map(([n, ms]) => `${n} +${ms.toFixed(0)} ms`)
  .join(', ');
if (json) console.log(JSON.stringify({ name: 'library load above node -e 0', note: loadLine }));
else console.log(`library load above bare node (${bare.toFixed(0)} ms): ${loadLine}`);
if (sink < 0) console.log(sink);
