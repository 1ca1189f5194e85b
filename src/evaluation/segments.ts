/**
 * Segments compiled once into membership tests (SPEC 6). A segment is data
 * (`{key, conditions}`) passed in by the caller, so a bundle or a server can
 * hand the same map to the pure evaluator that the CLI builds from files.
 *
 * Why lazily, with a cache: a segment used by forty flags is compiled once,
 * and one that no flag reaches is never compiled. Why a cycle is an error at
 * compile time: `a` in `b` in `a` has no meaning; validation reports it at the
 * files, and the evaluator refuses to guess (the flags using it are not served).
 */
import { FlagsError } from '../errors.js';
import type { Segment } from '../schema/segment.js';
import type { CompiledCondition } from './conditions.js';

export interface SegmentTable {
  /** The keys of every segment, in the order given. */
  readonly keys: readonly string[];
  has(key: string): boolean;
  /** The segment as given, or undefined. */
  get(key: string): Segment | undefined;
  /**
   * Whether a context is in the segment, compiled on first use. Throws a
   * FlagsError: UNKNOWN_SEGMENT for a key the table lacks, SEGMENT_CYCLE when
   * the segment reaches itself through `in_segment`.
   */
  membership(key: string): CompiledCondition;
}

/** What callers may pass as segments: a compiled table, a list, or a map key → segment. */
export type SegmentsInput = SegmentTable | Iterable<Segment> | Readonly<Record<string, Segment>>;

export function isSegmentTable(v: unknown): v is SegmentTable {
  return typeof v === 'object' && v !== null && typeof (v as SegmentTable).membership === 'function';
}

/**
 * Compiles segments into a table. `compileConditions` is the condition
 * compiler (injected so this module and conditions.ts do not import each
 * other in a circle).
 */
export function createSegmentTable(
  input: Iterable<Segment> | Readonly<Record<string, Segment>>,
  compileConditions: (segment: Segment, table: SegmentTable) => CompiledCondition,
): SegmentTable {
  const byKey = new Map<string, Segment>();
  const list: Iterable<Segment> =
    typeof (input as Iterable<Segment>)[Symbol.iterator] === 'function'
      ? (input as Iterable<Segment>)
      : Object.keys(input).map((k) => (input as Record<string, Segment>)[k]);
  for (const s of list) byKey.set(s.key, s);
  const compiled = new Map<string, CompiledCondition>();
  const compiling: string[] = [];
  const table: SegmentTable = {
    keys: [...byKey.keys()],
    has: (key) => byKey.has(key),
    get: (key) => byKey.get(key),
    membership(key) {
      const done = compiled.get(key);
      if (done !== undefined) return done;
      const segment = byKey.get(key);
      if (segment === undefined) throw new FlagsError('UNKNOWN_SEGMENT', `unknown segment "${key}"`);
      if (compiling.includes(key)) {
        throw new FlagsError('SEGMENT_CYCLE', `segment "${key}" refers to itself: ${[...compiling.slice(compiling.indexOf(key)), key].join(' → ')}`);
      }
      compiling.push(key);
      try {
        const test = compileConditions(segment, table);
        compiled.set(key, test);
        return test;
      } finally {
        compiling.pop();
      }
    },
  };
  return table;
}
