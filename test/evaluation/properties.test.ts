/**
 * Properties of bucketing: monotone rollouts, shares that converge to the
 * percentage, variant shares that follow the weights.
 * The 100k ids are deterministic (`user-0` … `user-99999`), so the
 * chi-square tests cannot flake; their thresholds are generous (p ≈ 1e-6).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileFlag,
  evaluateCompiled,
  isInRollout,
  rolloutHash,
  variantHash,
  type EvaluationContext,
} from '../../src/evaluation/index.js';
import { makeFlag } from './helpers.js';

const N = 100_000;
const IDS = Array.from({ length: N }, (_, i) => `user-${i}`);

/** Pearson's chi-square statistic of observed counts against expected shares (summing to 1). */
function chiSquare(observed: number[], shares: number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  let chi = 0;
  observed.forEach((o, i) => {
    const e = total * shares[i];
    if (e > 0) chi += ((o - e) * (o - e)) / e;
    else if (o > 0) chi = Number.POSITIVE_INFINITY;
  });
  return chi;
}

// Chi-square critical values at p = 1e-6 (generous: a correct bucketing passes
// them with overwhelming probability, a biased one at 100k samples does not).
const CRITICAL = { 1: 23.93, 2: 27.63, 3: 30.66, 99: 184.6 } as const;

const flagKeyArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/);
const hundredthsArb = fc.integer({ min: 0, max: 10_000 });
const contextArb: fc.Arbitrary<EvaluationContext> = fc.oneof(
  fc.record({ user: fc.record({ id: fc.string({ minLength: 1 }) }) }),
  fc.record({ tenant: fc.record({ id: fc.string({ minLength: 1 }) }) }),
  fc.record({ user: fc.record({ id: fc.integer({ min: 1 }) }), tenant: fc.record({ id: fc.string() }) }),
  fc.constant({}),
);

describe('rollouts', () => {
  it('raising a percentage never moves a context out', () => {
    fc.assert(
      fc.property(flagKeyArb, contextArb, hundredthsArb, hundredthsArb, (key, ctx, a, b) => {
        const [lo, hi] = a <= b ? [a / 100, b / 100] : [b / 100, a / 100];
        return !isInRollout(key, ctx, lo) || isInRollout(key, ctx, hi);
      }),
      { numRuns: 2000 },
    );
  });

  it('raising a fallthrough percentage never moves a context out, through evaluate', () => {
    fc.assert(
      fc.property(flagKeyArb, contextArb, hundredthsArb, hundredthsArb, (key, ctx, a, b) => {
        const [lo, hi] = a <= b ? [a / 100, b / 100] : [b / 100, a / 100];
        const at = (p: number) => evaluateCompiled(compileFlag(makeFlag({ key, fallthrough: { percentage: p, value: true } })), ctx).value;
        return at(lo) !== true || at(hi) === true;
      }),
      { numRuns: 500 },
    );
  });

  it('0% includes no one and 100% everyone', () => {
    fc.assert(
      fc.property(flagKeyArb, contextArb, (key, ctx) => !isInRollout(key, ctx, 0) && isInRollout(key, ctx, 100)),
      { numRuns: 1000 },
    );
  });

  it('whole percentages are exactly the seed rule h % 100 < p', () => {
    fc.assert(
      fc.property(flagKeyArb, contextArb, fc.integer({ min: 0, max: 100 }), (key, ctx, p) => isInRollout(key, ctx, p) === rolloutHash(key, ctx) % 100 < p),
      { numRuns: 2000 },
    );
  });

  it('h % 100 is uniform over 100k ids (chi-square, 99 degrees of freedom)', () => {
    const counts = new Array<number>(100).fill(0);
    for (const id of IDS) counts[rolloutHash('checkout-redesign', { user: { id } }) % 100]++;
    expect(chiSquare(counts, new Array(100).fill(0.01))).toBeLessThan(CRITICAL[99]);
  });

  it.each([0.5, 1, 10, 12.25, 33.33, 50, 99.99])('the share of a %s%% rollout over 100k ids converges to it', (p) => {
    let inside = 0;
    for (const id of IDS) if (isInRollout('checkout-redesign', { user: { id } }, p)) inside++;
    expect(chiSquare([inside, N - inside], [p / 100, 1 - p / 100])).toBeLessThan(CRITICAL[1]);
    // And the share is close in plain terms (±0.5 percentage points).
    expect(Math.abs((inside / N) * 100 - p)).toBeLessThan(0.5);
  });
});

describe('variant splits', () => {
  const weightsArb = fc
    .array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 })
    .filter((ws) => ws.reduce((a, b) => a + b, 0) >= 100)
    .map((ws) => {
      // Cut the list where it reaches 100, so the weights sum to exactly 100.
      const out: number[] = [];
      let sum = 0;
      for (const w of ws) {
        const take = Math.min(w, 100 - sum);
        if (take <= 0) break;
        out.push(take);
        sum += take;
      }
      return out;
    })
    .filter((ws) => ws.length >= 2);

  const variantFlag = (key: string, weights: number[]) =>
    compileFlag(
      makeFlag({
        key,
        type: 'string',
        defaultValue: 'off',
        variants: weights.map((weight, i) => ({ key: `v${i}`, name: `V${i}`, value: `value-${i}`, weight })),
      }),
    );

  it('the chosen variant is the one whose cumulative range holds h % 100', () => {
    fc.assert(
      fc.property(flagKeyArb, contextArb, weightsArb, (key, ctx, weights) => {
        const r = evaluateCompiled(variantFlag(key, weights), ctx);
        const b = variantHash(key, ctx) % 100;
        const i = Number(r.variant!.slice(1));
        const before = weights.slice(0, i).reduce((a, w) => a + w, 0);
        return r.reason === 'SPLIT' && r.value === `value-${i}` && before <= b && b < before + weights[i];
      }),
      { numRuns: 1000 },
    );
  });

  it.each([[[50, 50]], [[10, 20, 70]], [[25, 25, 25, 25]], [[1, 99]]])('shares over 100k ids follow the weights %j', (weights) => {
    const flag = variantFlag('pricing.v2', weights);
    const counts = new Array<number>(weights.length).fill(0);
    for (const id of IDS) counts[Number(evaluateCompiled(flag, { user: { id } }).variant!.slice(1))]++;
    const df = Math.min(weights.length - 1, 3) as 1 | 2 | 3;
    expect(chiSquare(counts, weights.map((w) => w / 100))).toBeLessThan(CRITICAL[df]);
  });

  it('fractional weights resolve to whole buckets, as the seed splits on h % 100', () => {
    // 33.33/33.33/33.34: buckets 0–33 (34%), 34–66 (33%), 67–99 (33%).
    const flag = variantFlag('pricing.v2', [33.33, 33.33, 33.34]);
    const counts = [0, 0, 0];
    const byBucket = [0, 0, 0];
    for (const id of IDS) {
      counts[Number(evaluateCompiled(flag, { user: { id } }).variant!.slice(1))]++;
      const b = variantHash('pricing.v2', { user: { id } }) % 100;
      byBucket[b <= 33 ? 0 : b <= 66 ? 1 : 2]++;
    }
    expect(counts).toEqual(byBucket);
    expect(chiSquare(counts, [0.34, 0.33, 0.33])).toBeLessThan(CRITICAL[2]);
  });
});
