/**
 * Segments in a review (SPEC 6): which segments changed between two sets,
 * every flag that uses a changed segment (directly or through another
 * segment), and that flag's blast radius with the old segments against the
 * new ones. Pure.
 */
import type { EvaluationContext } from '../evaluation/index.js';
import type { Condition, Flag, Rule } from '../schema/flag.js';
import { isSegmentOperator } from '../schema/flag.js';
import { flagSegmentReferences, segmentReferences } from '../schema/segment-checks.js';
import type { Segment } from '../schema/segment.js';
import { blastRadiusOverSegments, ContextBlastRadius, type BlastRadius, type SegmentOptions } from './blast-radius.js';
import { deepEqual, type FieldChange } from './diff-flags.js';

export interface SegmentSide {
  segments?: { segments: ReadonlyMap<string, Segment>; invalidKeys?: ReadonlySet<string> };
  flags: ReadonlyMap<string, Flag>;
}

export interface ReviewedSegment {
  key: string;
  status: 'added' | 'removed' | 'changed';
  /** Added, but the old set defines it as an invalid segment (not served there). */
  previouslyInvalid?: true;
  changes: FieldChange[];
  /**
   * The flags (of the new set) that use the segment, each with its blast
   * radius; null for a flag the old set does not serve (added, or invalid
   * there): there is no old version to evaluate, and the flag is reviewed as
   * an added one.
   */
  flags: { key: string; blastRadius: BlastRadius | null }[];
}

/**
 * The segment changes of a review. `contexts`, when given, are the real
 * contexts to measure over (an array: it is walked once per affected flag).
 */
export function reviewSegmentChanges(before: SegmentSide, after: SegmentSide, opts: { contexts?: readonly EvaluationContext[]; segments?: SegmentOptions } = {}): ReviewedSegment[] {
  const b = before.segments?.segments ?? new Map<string, Segment>();
  const a = after.segments?.segments ?? new Map<string, Segment>();
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
  const out: ReviewedSegment[] = [];
  for (const key of keys) {
    const sb = b.get(key);
    const sa = a.get(key);
    if (sb !== undefined && sa !== undefined && deepEqual(sb, sa)) continue;
    const status = sb === undefined ? 'added' : sa === undefined ? 'removed' : 'changed';
    const changes: FieldChange[] = [];
    if (status === 'changed') {
      if (!deepEqual(sb!.description, sa!.description)) changes.push({ path: 'description', before: sb!.description, after: sa!.description });
      const n = Math.max(sb!.conditions.length, sa!.conditions.length);
      for (let i = 0; i < n; i++) {
        if (!deepEqual(sb!.conditions[i], sa!.conditions[i])) changes.push({ path: `conditions[${i}]`, before: sb!.conditions[i], after: sa!.conditions[i] });
      }
    }
    const users = [...after.flags.values()].filter((f) => usesSegment(f, key, a));
    const flags = users.map((flag) => {
      const old = before.flags.get(flag.key);
      // Evaluating the new version with the old segments instead stopped the diff (UNKNOWN_SEGMENT) when both are new.
      if (old === undefined) return { key: flag.key, blastRadius: null };
      const defs = { before: [...b.values()], after: [...a.values()] };
      let blastRadius: BlastRadius;
      if (opts.contexts) {
        const counter = new ContextBlastRadius(old, flag, defs);
        for (const ctx of opts.contexts) counter.add(ctx);
        blastRadius = counter.result();
      } else {
        blastRadius = blastRadiusOverSegments(old, flag, { ...opts.segments, definitions: defs });
      }
      return { key: flag.key, blastRadius };
    });
    const wasInvalid = status === 'added' && before.segments?.invalidKeys?.has(key) === true;
    out.push({ key, status, changes, flags, ...(wasInvalid && { previouslyInvalid: true as const }) });
  }
  return out;
}

/** Whether a flag refers to `key`, directly or through other segments. */
export function usesSegment(flag: Flag, key: string, segments: ReadonlyMap<string, Segment>): boolean {
  const seen = new Set<string>();
  const stack = flagSegmentReferences(flag).map((r) => r.key);
  while (stack.length) {
    const k = stack.pop()!;
    if (k === key) return true;
    if (seen.has(k)) continue;
    seen.add(k);
    const s = segments.get(k);
    if (s) stack.push(...segmentReferences(s.conditions, []).map((r) => r.key));
  }
  return false;
}

/**
 * A copy of the flag whose segment conditions are replaced by the conditions
 * of the segments they name, for building blast-radius samples only: the
 * sampler then sees the attributes the segments test (tenant.id in [...]).
 * Never evaluated: an `in_segment [a, b]` is an OR that a flat list cannot say.
 */
export function withSegmentConditionsForSampling(flag: Flag, segments: ReadonlyMap<string, Segment>): Flag {
  const expand = (conditions: readonly Condition[], depth: number): Condition[] =>
    conditions.flatMap((c) => {
      if (!isSegmentOperator(c.operator)) return [c];
      if (depth > 8 || !Array.isArray(c.value)) return [];
      return c.value.flatMap((k) => {
        const s = typeof k === 'string' ? segments.get(k) : undefined;
        return s ? expand(s.conditions, depth + 1) : [];
      });
    });
  const rules = (rs: readonly Rule[]) => rs.map((r) => ({ ...r, conditions: expand(r.conditions, 0) }));
  const environments = flag.environments
    ? Object.fromEntries(Object.entries(flag.environments).map(([e, o]) => [e, o.rules ? { ...o, rules: rules(o.rules) } : o]))
    : undefined;
  // The environments' own rules join the sampled rules too, so their attributes get samples.
  const envRules = Object.values(environments ?? {}).flatMap((o) => o.rules ?? []);
  return { ...flag, rules: [...rules(flag.rules), ...envRules], ...(environments && { environments }) };
}
