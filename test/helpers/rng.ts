/**
 * The seeded PRNG the tests and the benchmarks share (mulberry32, in
 * bench/event-gen.mjs), typed for the tests: simulations and fuzz cases are
 * the same on every run of a seed.
 */
// @ts-expect-error plain JS module shared with the bench
import { rng as mulberry32 } from '../../bench/event-gen.mjs';

/** A small seeded generator of numbers in [0, 1). */
export const rng: (seed: number) => () => number = mulberry32;
