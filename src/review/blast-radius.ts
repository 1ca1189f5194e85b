/**
 * Blast radius of a flag change: evaluate the old and the new version over the
 * same contexts and count whose value changes, and from what to what.
 *
 * Two sources (SPEC 3):
 * - `contexts`: the caller's contexts (real users exported from production);
 *   the totals are over them.
 * - `segments`: without real users, the contexts are built from what the two
 *   versions target. Why segments and not one invented population: a single
 *   share over made-up users would depend on how the population was made up
 *   and mean nothing. Per segment ("tenant.type=free"), crossed with a few
 *   thousand user ids for the bucketing, the share is exact for that segment
 *   up to sampling, and a reviewer can weigh the segments by what they know.
 * Pure and deterministic: user ids are `user-0`, `user-1`, …, no randomness.
 */
import { compileFlag, evaluateCompiled, type CompiledFlag, type EvaluationContext } from '../evaluation/index.js';
import { sampleValues } from '../evaluation/operators/index.js';
import type { Flag, JsonValue } from '../schema/flag.js';
import type { Segment as SegmentDefinition } from '../schema/segment.js';
import { withSegmentConditionsForSampling } from './segment-changes.js';

/** SPEC 6: the segment definitions each version evaluates with (flags/segments/). */
export interface SegmentDefinitions {
  before?: readonly SegmentDefinition[];
  after?: readonly SegmentDefinition[];
}
import { canonicalJson } from './diff-flags.js';
import { ruleSegmentsOf, uncoveredRules } from './rule-segments.js';

export interface Transition {
  from: JsonValue;
  to: JsonValue;
  count: number;
}

/** Attribute path → the value every context of the segment has; null: the attribute is missing. */
export type Segment = Record<string, JsonValue>;

export interface SegmentRadius {
  segment: Segment;
  sampled: number;
  changed: number;
  transitions: Transition[];
}

export interface BlastRadius {
  source: 'contexts' | 'segments';
  sampled: number;
  changed: number;
  /** changed / sampled, 0 when nothing was sampled. */
  share: number;
  transitions: Transition[];
  segments?: SegmentRadius[];
  /**
   * Segments only: ids of rules the change affects that no sample matched (a
   * regex, contradictory conditions), so the counts cannot speak for them.
   */
  uncovered?: string[];
  /** Limits applied while building segments, for the renderers (not part of the JSON). */
  notes?: string[];
}

/** Users crossed with each segment: `user-0` … `user-2999`. */
export const DEFAULT_USERS_PER_SEGMENT = 3000;
/** Above this many combinations the segments vary one attribute at a time. */
export const MAX_CROSS_SEGMENTS = 64;
/** Listed values sampled per attribute (values that differ between the versions come first). */
export const MAX_VALUES_PER_ATTRIBUTE = 12;

/** Counts value changes between the versions over the given contexts. */
export function blastRadiusOverContexts(before: Flag, after: Flag, contexts: Iterable<EvaluationContext>): BlastRadius {
  const counter = new ContextBlastRadius(before, after);
  for (const ctx of contexts) counter.add(ctx);
  return counter.result();
}

/**
 * The same count fed one context at a time, so a caller can stream a large
 * contexts file once for all changed flags instead of holding it in memory.
 */
export class ContextBlastRadius {
  private readonly tally = new Tally();
  private readonly before: CompiledFlag;
  private readonly after: CompiledFlag;

  constructor(before: Flag, after: Flag, definitions: SegmentDefinitions = {}) {
    this.before = compileFlag(before, { segments: definitions.before ?? [] });
    this.after = compileFlag(after, { segments: definitions.after ?? [] });
  }

  add(ctx: EvaluationContext): void {
    this.tally.add(this.before, this.after, ctx);
  }

  result(): BlastRadius {
    return { source: 'contexts', ...this.tally.result(), share: this.tally.share() };
  }
}

export interface SegmentOptions {
  usersPerSegment?: number;
  maxCrossSegments?: number;
  maxValuesPerAttribute?: number;
  /** SPEC 6: segment definitions of each version (for evaluation, and for samples of the attributes they test). */
  definitions?: SegmentDefinitions;
}

/** Counts value changes per segment built from what the two versions target. */
export function blastRadiusOverSegments(before: Flag, after: Flag, opts: SegmentOptions = {}): BlastRadius {
  const users = opts.usersPerSegment ?? DEFAULT_USERS_PER_SEGMENT;
  const defs = opts.definitions ?? {};
  const sampleBefore = defs.before?.length ? withSegmentConditionsForSampling(before, new Map(defs.before.map((s) => [s.key, s]))) : before;
  const sampleAfter = defs.after?.length ? withSegmentConditionsForSampling(after, new Map(defs.after.map((s) => [s.key, s]))) : after;
  const built = buildSegments(sampleBefore, sampleAfter, opts);
  const { notes } = built;
  // Per-rule combinations of conditions (rule-segments.ts), so every rule of both versions is matched by some sample.
  const seen = new Set(built.segments.map(segmentId));
  const segments = [...built.segments, ...ruleSegmentsOf(sampleBefore, sampleAfter).segments.filter((s) => !seen.has(segmentId(s)) && (seen.add(segmentId(s)), true))];
  const b = compileFlag(before, { segments: defs.before ?? [] });
  const a = compileFlag(after, { segments: defs.after ?? [] });
  const uncovered = uncoveredRules(sampleBefore, sampleAfter, segments);
  const total = new Tally();
  const out: SegmentRadius[] = [];
  for (const segment of segments) {
    const tally = new Tally();
    for (const ctx of sampleContexts(segment, users)) {
      tally.add(b, a, ctx);
      total.add(b, a, ctx);
    }
    out.push({ segment, ...tally.result() });
  }
  const result: BlastRadius = { source: 'segments', ...total.result(), share: total.share(), segments: out, uncovered };
  if (notes.length > 0) result.notes = notes;
  return result;
}

function segmentId(s: Segment): string {
  return canonicalJson(Object.fromEntries(Object.entries(s).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))));
}

class Tally {
  sampled = 0;
  changed = 0;
  private transitions = new Map<string, Transition>();

  add(before: CompiledFlag, after: CompiledFlag, ctx: EvaluationContext): void {
    this.sampled++;
    const from = evaluateCompiled(before, ctx).value;
    const to = evaluateCompiled(after, ctx).value;
    if (from === to) return;
    const fk = canonicalJson(from);
    const tk = canonicalJson(to);
    if (fk === tk) return;
    this.changed++;
    const id = fk + '\u0000' + tk;
    const t = this.transitions.get(id);
    if (t) t.count++;
    else this.transitions.set(id, { from, to, count: 1 });
  }

  share(): number {
    return this.sampled === 0 ? 0 : this.changed / this.sampled;
  }

  result(): { sampled: number; changed: number; transitions: Transition[] } {
    // Most frequent first; ties by value text so the order never depends on the samples' order.
    const transitions = [...this.transitions.entries()]
      .sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([, t]) => t);
    return { sampled: this.sampled, changed: this.changed, transitions };
  }
}

/**
 * Why these path segments are skipped: evaluation never resolves them (SPEC 2),
 * so no value of theirs can change a result; sampling them would only add
 * segments, and building a context with `__proto__` would be unsafe.
 */
const UNREACHABLE = /(^|\.)(__proto__|constructor|prototype)(\.|$)/;

interface AttributePlan {
  listedBefore: JsonValue[];
  listedAfter: JsonValue[];
  numeric: boolean;
  semver: boolean;
}

/**
 * The segments for a pair of versions. Per attribute that a condition of either
 * version names (and `environment` when either has environment overrides):
 * each listed value, one value outside them (for ordered comparisons a value
 * below and one above), and missing (null). Combined as a cross product when
 * that stays small, else one attribute at a time with the others missing.
 */
export function buildSegments(before: Flag, after: Flag, opts: SegmentOptions = {}): { segments: Segment[]; notes: string[] } {
  const maxCross = opts.maxCrossSegments ?? MAX_CROSS_SEGMENTS;
  const maxValues = opts.maxValuesPerAttribute ?? MAX_VALUES_PER_ATTRIBUTE;
  const notes: string[] = [];
  const plans = new Map<string, AttributePlan>();
  const plan = (attribute: string) => {
    let p = plans.get(attribute);
    if (!p) plans.set(attribute, (p = { listedBefore: [], listedAfter: [], numeric: false, semver: false }));
    return p;
  };
  // Said once each, after the segments are built (regex: what sampling cannot cover).
  const operatorNotes = new Set<string>();
  for (const [flag, side] of [
    [before, 'listedBefore'],
    [after, 'listedAfter'],
  ] as const) {
    for (const rule of flag.rules) {
      for (const c of rule.conditions) {
        // Segment references (SPEC 6) have no attribute of their own.
        if (c.attribute === undefined || UNREACHABLE.test(c.attribute)) continue;
        const p = plan(c.attribute);
        const samples = sampleValues(c.operator, c.value);
        p[side].push(...samples.listed);
        if (samples.scale === 'number') p.numeric = true;
        if (samples.scale === 'version') p.semver = true;
        if (samples.note !== undefined) operatorNotes.add(samples.note);
      }
    }
    if (flag.environments) plan('environment')[side].push(...Object.keys(flag.environments));
  }
  notes.push(...operatorNotes);

  const attributes = [...plans.keys()].sort();
  const values = new Map<string, JsonValue[]>();
  for (const attribute of attributes) {
    const p = plans.get(attribute)!;
    let listed = prioritized(p.listedBefore, p.listedAfter);
    if (listed.length > maxValues) {
      notes.push(`${attribute}: ${maxValues} of ${listed.length} listed values sampled`);
      listed = listed.slice(0, maxValues);
    }
    values.set(attribute, [...listed, ...outsideValues(listed, p), null]);
  }

  if (attributes.length === 0) return { segments: [{}], notes };
  const crossSize = attributes.reduce((n, a) => n * values.get(a)!.length, 1);
  if (crossSize <= maxCross) {
    let segments: Segment[] = [{}];
    for (const attribute of attributes) {
      const next: Segment[] = [];
      for (const s of segments) for (const v of values.get(attribute)!) next.push({ ...s, [attribute]: v });
      segments = next;
    }
    return { segments, notes };
  }
  notes.push(`${crossSize} combinations of ${attributes.length} attributes: each attribute varied alone, the others missing`);
  const segments: Segment[] = [];
  for (const attribute of attributes) for (const v of values.get(attribute)!) if (v !== null) segments.push({ [attribute]: v });
  segments.push({}); // every targeted attribute missing
  return { segments, notes };
}

/** Values of one side only first (those are what the change is about), then shared ones; no duplicates. */
function prioritized(before: JsonValue[], after: JsonValue[]): JsonValue[] {
  const keysB = new Set(before.map((v) => canonicalJson(v)));
  const keysA = new Set(after.map((v) => canonicalJson(v)));
  const seen = new Set<string>();
  const first: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of [...before, ...after]) {
    const k = canonicalJson(v);
    if (seen.has(k)) continue;
    seen.add(k);
    (keysB.has(k) && keysA.has(k) ? rest : first).push(v);
  }
  return [...first, ...rest];
}

/** Values outside the listed ones, of the listed ones' kind. */
function outsideValues(listed: JsonValue[], p: AttributePlan): JsonValue[] {
  if (p.semver) {
    // Below every listed version (listed ones include each version and the next patch above).
    return listed.includes('0.0.0') ? [] : ['0.0.0'];
  }
  const numbers = listed.filter((v): v is number => typeof v === 'number');
  if (p.numeric || (listed.length > 0 && numbers.length === listed.length)) {
    if (numbers.length === 0) return [0];
    const lo = Math.min(...numbers) - 1;
    const hi = Math.max(...numbers) + 1;
    // Ordered comparisons need a value below and one above; equality needs one that is not listed.
    return p.numeric ? [lo, hi] : [hi];
  }
  if (listed.length > 0 && listed.every((v) => typeof v === 'boolean')) {
    return listed.includes(true) && listed.includes(false) ? [] : [!listed[0]];
  }
  let candidate = 'other';
  for (let i = 2; listed.includes(candidate); i++) candidate = `other-${i}`;
  return [candidate];
}

/**
 * The contexts of a segment: its attributes, crossed with `user-0…user-(n-1)`
 * as the bucketing key. When the segment fixes the user id (or leaves it
 * missing and fixes the tenant id), every context would be the same one, so
 * there is one.
 */
export function* sampleContexts(segment: Segment, users: number): Generator<EvaluationContext> {
  const has = (a: string) => Object.hasOwn(segment, a);
  let vary: 'user.id' | 'tenant.id' | null = 'user.id';
  if (has('user.id')) {
    // A fixed user id is the bucketing key; with the user id missing, a fixed
    // (or missing) tenant id is, else tenant ids vary instead.
    if (segment['user.id'] !== null || has('tenant.id')) vary = null;
    else vary = 'tenant.id';
  }
  const count = vary === null ? 1 : users;
  for (let i = 0; i < count; i++) {
    const ctx: Record<string, unknown> = {};
    if (vary === 'user.id') setPath(ctx, 'user.id', `user-${i}`);
    if (vary === 'tenant.id') setPath(ctx, 'tenant.id', `tenant-${i}`);
    for (const [attribute, value] of Object.entries(segment)) if (value !== null) setPath(ctx, attribute, value);
    yield ctx as EvaluationContext;
  }
}

/** Sets a dot path, creating plain objects on the way (a deeper path replaces a scalar in the way). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = Object.hasOwn(cur, parts[i]) ? cur[parts[i]] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const obj: Record<string, unknown> = {};
      define(cur, parts[i], obj);
      cur = obj;
    } else cur = next as Record<string, unknown>;
  }
  define(cur, parts[parts.length - 1], value);
}

function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
