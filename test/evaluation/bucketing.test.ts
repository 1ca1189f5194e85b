/**
 * Golden bucketing vectors. The numbers below were computed by
 * golden/generate-bucketing-vectors.py (Python hashlib, integer arithmetic),
 * independently of src/evaluation/bucketing.ts, and committed as literals:
 * if the implementation drifts from the seed's md5 scheme, these fail.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  bucketKeyOf,
  isInRollout,
  md5Uint32,
  rolloutHash,
  variantHash,
  evaluate,
  type EvaluationContext,
} from '../../src/evaluation/index.js';
import { makeFlag } from './helpers.js';

interface GoldenRow {
  flagKey: string;
  bucketKey: string;
  hex8: string;
  h: number;
  bucket: number;
  hundredths: number;
  inRollout: Record<string, boolean>;
  variantH: number;
  variantBucket: number;
  variantIndex: Record<string, number>;
}

// prettier-ignore
const GOLDEN: GoldenRow[] = [
  {"flagKey": "new-orchestrator-v2", "bucketKey": "user-1", "hex8": "8c91e61e", "h": 2358371870, "bucket": 70, "hundredths": 18, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3049559889, "variantBucket": 89, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "new-orchestrator-v2", "bucketKey": "user-2", "hex8": "2ac0e167", "h": 717283687, "bucket": 87, "hundredths": 36, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 1077562642, "variantBucket": 42, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "new-orchestrator-v2", "bucketKey": "user-3", "hex8": "e847a456", "h": 3897009238, "bucket": 38, "hundredths": 92, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3238032220, "variantBucket": 20, "variantIndex": {"50/50": 0, "10/20/70": 1, "33.33/33.33/33.34": 0}},
  {"flagKey": "new-orchestrator-v2", "bucketKey": "user-42", "hex8": "6dbdb5cb", "h": 1841149387, "bucket": 87, "hundredths": 93, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3970794431, "variantBucket": 31, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 0}},
  {"flagKey": "new-orchestrator-v2", "bucketKey": "tenant-beta-1", "hex8": "b14def13", "h": 2974674707, "bucket": 7, "hundredths": 47, "inRollout": {"0.5": false, "10": true, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 2606387416, "variantBucket": 16, "variantIndex": {"50/50": 0, "10/20/70": 1, "33.33/33.33/33.34": 0}},
  {"flagKey": "new-orchestrator-v2", "bucketKey": "tenant-acme", "hex8": "27796e4a", "h": 662269514, "bucket": 14, "hundredths": 95, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 4075515965, "variantBucket": 65, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "new-orchestrator-v2", "bucketKey": "anonymous", "hex8": "47f1c8eb", "h": 1207027947, "bucket": 47, "hundredths": 79, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 4286057358, "variantBucket": 58, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "self-evolution-enabled", "bucketKey": "user-1", "hex8": "ad8693d7", "h": 2911278039, "bucket": 39, "hundredths": 80, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 1953318699, "variantBucket": 99, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "self-evolution-enabled", "bucketKey": "tenant-acme", "hex8": "d4c204a3", "h": 3569484963, "bucket": 63, "hundredths": 49, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 2113373080, "variantBucket": 80, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "self-evolution-enabled", "bucketKey": "anonymous", "hex8": "d12dc7f9", "h": 3509438457, "bucket": 57, "hundredths": 84, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3656095672, "variantBucket": 72, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "parallel-agents-limit", "bucketKey": "user-1", "hex8": "763a5c42", "h": 1983536194, "bucket": 94, "hundredths": 61, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 377545966, "variantBucket": 66, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "parallel-agents-limit", "bucketKey": "42", "hex8": "f93681d4", "h": 4181098964, "bucket": 64, "hundredths": 89, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3071707971, "variantBucket": 71, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "model-provider", "bucketKey": "user-1", "hex8": "0c952fee", "h": 211103726, "bucket": 26, "hundredths": 37, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 4046040701, "variantBucket": 1, "variantIndex": {"50/50": 0, "10/20/70": 0, "33.33/33.33/33.34": 0}},
  {"flagKey": "model-provider", "bucketKey": "anonymous", "hex8": "c57d0aac", "h": 3313306284, "bucket": 84, "hundredths": 62, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 1462485787, "variantBucket": 87, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "checkout-redesign", "bucketKey": "u-0001", "hex8": "c7404149", "h": 3342877001, "bucket": 1, "hundredths": 70, "inRollout": {"0.5": false, "10": true, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1891770001, "variantBucket": 1, "variantIndex": {"50/50": 0, "10/20/70": 0, "33.33/33.33/33.34": 0}},
  {"flagKey": "checkout-redesign", "bucketKey": "u-0002", "hex8": "fb491a84", "h": 4215872132, "bucket": 32, "hundredths": 21, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1313006124, "variantBucket": 24, "variantIndex": {"50/50": 0, "10/20/70": 1, "33.33/33.33/33.34": 0}},
  {"flagKey": "checkout-redesign", "bucketKey": "u-0003", "hex8": "8bea54aa", "h": 2347390122, "bucket": 22, "hundredths": 1, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1170498565, "variantBucket": 65, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "u-0004", "hex8": "1234e5f9", "h": 305456633, "bucket": 33, "hundredths": 66, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 180519338, "variantBucket": 38, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "u-0005", "hex8": "88cb23b2", "h": 2295014322, "bucket": 22, "hundredths": 43, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 3348549177, "variantBucket": 77, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "checkout-redesign", "bucketKey": "jos\u00e9", "hex8": "6c937191", "h": 1821602193, "bucket": 93, "hundredths": 21, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 838191397, "variantBucket": 97, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "checkout-redesign", "bucketKey": "\u7528\u6237-7", "hex8": "cf9ee4e2", "h": 3483296994, "bucket": 94, "hundredths": 69, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3029079911, "variantBucket": 11, "variantIndex": {"50/50": 0, "10/20/70": 1, "33.33/33.33/33.34": 0}},
  {"flagKey": "checkout-redesign", "bucketKey": "tenant-only-9", "hex8": "206fa46f", "h": 544187503, "bucket": 3, "hundredths": 75, "inRollout": {"0.5": false, "10": true, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1969577808, "variantBucket": 8, "variantIndex": {"50/50": 0, "10/20/70": 0, "33.33/33.33/33.34": 0}},
  {"flagKey": "checkout-redesign", "bucketKey": "anonymous", "hex8": "9bcf3ec3", "h": 2614050499, "bucket": 99, "hundredths": 4, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 240375263, "variantBucket": 63, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "pricing.v2", "bucketKey": "alice@example.com", "hex8": "62e73692", "h": 1659319954, "bucket": 54, "hundredths": 99, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 1593341725, "variantBucket": 25, "variantIndex": {"50/50": 0, "10/20/70": 1, "33.33/33.33/33.34": 0}},
  {"flagKey": "pricing.v2", "bucketKey": "bob@example.com", "hex8": "3e150939", "h": 1041566009, "bucket": 9, "hundredths": 60, "inRollout": {"0.5": false, "10": true, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 3026843958, "variantBucket": 58, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "pricing.v2", "bucketKey": "carol@example.com", "hex8": "e9e89c7e", "h": 3924335742, "bucket": 42, "hundredths": 57, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 4261637585, "variantBucket": 85, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "pricing.v2", "bucketKey": "0", "hex8": "891ce76f", "h": 2300372847, "bucket": 47, "hundredths": 28, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 536829796, "variantBucket": 96, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "a", "bucketKey": "b", "hex8": "d8160c9b", "h": 3625323675, "bucket": 75, "hundredths": 36, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3415690539, "variantBucket": 39, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "A_b-c.d", "bucketKey": "user:with:colons", "hex8": "eb7b81a2", "h": 3950739874, "bucket": 74, "hundredths": 98, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 880890049, "variantBucket": 49, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "search-ranking", "bucketKey": "1234567890", "hex8": "b811294a", "h": 3088132426, "bucket": 26, "hundredths": 24, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1611109143, "variantBucket": 43, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-5", "hex8": "5c8d15b0", "h": 1552750000, "bucket": 0, "hundredths": 0, "inRollout": {"0.5": true, "10": true, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1306687135, "variantBucket": 35, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-31", "hex8": "e2b84ba0", "h": 3803728800, "bucket": 0, "hundredths": 88, "inRollout": {"0.5": false, "10": true, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 2501366850, "variantBucket": 50, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-198", "hex8": "c263d2b8", "h": 3261321912, "bucket": 12, "hundredths": 19, "inRollout": {"0.5": false, "10": false, "12.25": true, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1977799261, "variantBucket": 61, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-149", "hex8": "77261860", "h": 1998985312, "bucket": 12, "hundredths": 53, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 178020897, "variantBucket": 97, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-64", "hex8": "cf8f5d83", "h": 3482279299, "bucket": 99, "hundredths": 92, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": true, "100": true, "0": false, "33.33": false}, "variantH": 3598336645, "variantBucket": 45, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 1}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-3470", "hex8": "6a99bbdf", "h": 1788459999, "bucket": 99, "hundredths": 99, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": false, "99.99": false, "100": true, "0": false, "33.33": false}, "variantH": 2502796291, "variantBucket": 91, "variantIndex": {"50/50": 1, "10/20/70": 2, "33.33/33.33/33.34": 2}},
  {"flagKey": "checkout-redesign", "bucketKey": "edge-222", "hex8": "ef23a955", "h": 4012091733, "bucket": 33, "hundredths": 17, "inRollout": {"0.5": false, "10": false, "12.25": false, "50": true, "99.99": true, "100": true, "0": false, "33.33": true}, "variantH": 1248989333, "variantBucket": 33, "variantIndex": {"50/50": 0, "10/20/70": 2, "33.33/33.33/33.34": 0}},
];

const WEIGHT_SETS: Record<string, number[]> = {
  '50/50': [50, 50],
  '10/20/70': [10, 20, 70],
  '33.33/33.33/33.34': [33.33, 33.33, 33.34],
};

/** A context whose seed bucketing key is `bucketKey`, in the shapes production sends. */
function contextFor(bucketKey: string): EvaluationContext {
  if (bucketKey === 'anonymous') return { tenant: { type: 'enterprise' } };
  if (bucketKey.startsWith('tenant-')) return { tenant: { id: bucketKey, type: 'startup' } };
  // A numeric user id is hashed as JavaScript concatenation spells it.
  if (bucketKey === '42') return { user: { id: 42 }, tenant: { id: 'tenant-acme' } };
  return { user: { id: bucketKey }, tenant: { id: 'tenant-other' } };
}

describe('golden md5 bucketing vectors', () => {
  it('has the rows the generator writes', () => {
    expect(GOLDEN).toHaveLength(37);
  });

  it.each(GOLDEN)('$flagKey:$bucketKey → h=$h', (row) => {
    const ctx = contextFor(row.bucketKey);
    expect(bucketKeyOf(ctx)).toBe(row.bucketKey);
    expect(md5Uint32(`${row.flagKey}:${row.bucketKey}`)).toBe(row.h);
    expect(rolloutHash(row.flagKey, ctx)).toBe(row.h);
    expect(row.h.toString(16).padStart(8, '0')).toBe(row.hex8);
    expect(row.h % 100).toBe(row.bucket);
    expect(Math.floor(row.h / 100) % 100).toBe(row.hundredths);
    expect(variantHash(row.flagKey, ctx)).toBe(row.variantH);
    expect(row.variantH % 100).toBe(row.variantBucket);
    for (const [p, inside] of Object.entries(row.inRollout)) {
      expect([p, isInRollout(row.flagKey, ctx, Number(p))]).toEqual([p, inside]);
    }
  });

  it.each(GOLDEN)('evaluate serves the golden rollout and variant for $flagKey:$bucketKey', (row) => {
    const ctx = contextFor(row.bucketKey);
    for (const [p, inside] of Object.entries(row.inRollout)) {
      const flag = makeFlag({ key: row.flagKey, fallthrough: { percentage: Number(p), value: true } });
      expect([p, evaluate(flag, ctx)]).toEqual([p, inside ? { value: true, reason: 'FALLTHROUGH' } : { value: false, reason: 'DEFAULT' }]);
      const ruleFlag = makeFlag({ key: row.flagKey, rules: [{ id: 'r', conditions: [], percentage: Number(p), value: true }] });
      expect([p, evaluate(ruleFlag, ctx).reason]).toEqual([p, inside ? 'RULE_MATCH' : 'DEFAULT']);
    }
    for (const [name, weights] of Object.entries(WEIGHT_SETS)) {
      const flag = makeFlag({
        key: row.flagKey,
        type: 'string',
        defaultValue: 'off',
        variants: weights.map((weight, i) => ({ key: `v${i}`, name: `V${i}`, value: `value-${i}`, weight })),
      });
      const i = row.variantIndex[name];
      expect([name, evaluate(flag, ctx)]).toEqual([name, { value: `value-${i}`, reason: 'SPLIT', variant: `v${i}` }]);
    }
  });
});

describe('the seed bucketing key: user?.id || tenant?.id || "anonymous"', () => {
  it.each<[string, EvaluationContext, string]>([
    ['user id wins over tenant id', { user: { id: 'u1' }, tenant: { id: 't1' } }, 'u1'],
    ['tenant id without a user', { tenant: { id: 't1' } }, 't1'],
    ['tenant id when the user has no id', { user: {}, tenant: { id: 't1' } }, 't1'],
    ['empty-string user id falls through (JS ||)', { user: { id: '' }, tenant: { id: 't1' } }, 't1'],
    ['user id 0 falls through (JS ||)', { user: { id: 0 }, tenant: { id: 't1' } }, 't1'],
    ['numeric user id as JS concatenation spells it', { user: { id: 42 } }, '42'],
    ['fractional numeric id', { user: { id: 1.5 } }, '1.5'],
    ['string "0" is truthy', { user: { id: '0' }, tenant: { id: 't1' } }, '0'],
    ['no user, no tenant', {}, 'anonymous'],
    ['null user and tenant', { user: null, tenant: null } as unknown as EvaluationContext, 'anonymous'],
    ['empty tenant id', { tenant: { id: '' } }, 'anonymous'],
    ['attributes do not bucket', { attributes: { id: 'x' } }, 'anonymous'],
  ])('%s', (_name, ctx, expected) => {
    expect(bucketKeyOf(ctx)).toBe(expected);
  });

  it('anonymous contexts share one bucket (the seed hashes the literal "anonymous")', () => {
    expect(rolloutHash('f', {})).toBe(md5Uint32('f:anonymous'));
  });
});

describe('md5Uint32 equals the seed formula parseInt(md5hex.slice(0, 8), 16)', () => {
  const seedH = (s: string) => parseInt(createHash('md5').update(s).digest('hex').slice(0, 8), 16);
  it.each(['', 'a', 'flag:user', 'é', '用户', '😀', 'x'.repeat(1000), 'f:\u0000:variant'])('%j', (s) => {
    expect(md5Uint32(s)).toBe(seedH(s));
  });

  it('over 20,000 inputs, including digests with a high first byte', () => {
    let high = 0;
    for (let i = 0; i < 20_000; i++) {
      const s = `flag-${i % 7}:user-${i}`;
      const h = md5Uint32(s);
      if (h >= 2 ** 31) high++;
      expect(h).toBe(seedH(s));
    }
    // The sign bit is exercised (a signed 32-bit read would fail these).
    expect(high).toBeGreaterThan(9_000);
  });
});

describe('Node 20 before 20.12 (no crypto.hash)', () => {
  it('falls back to createHash with identical output', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:crypto')>()), hash: undefined }));
    try {
      const fallback = await import('../../src/evaluation/bucketing.js');
      expect(fallback.md5Uint32).not.toBe(md5Uint32);
      for (const row of GOLDEN) expect(fallback.md5Uint32(`${row.flagKey}:${row.bucketKey}`)).toBe(row.h);
    } finally {
      vi.doUnmock('node:crypto');
      vi.resetModules();
    }
  });
});
