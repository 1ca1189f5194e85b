/**
 * Segments built per rule, from the combination of its conditions (issue 12):
 * varying one attribute at a time never matches a rule with two conditions
 * (`platform in [ios, android]` and `app.version semver_gte 2.5.0`), so a
 * change to it would look like it moves nobody. For every rule this builds
 *
 * - one segment satisfying all its conditions together,
 * - for each condition, the values just either side of its boundaries
 *   (`gt`/`lt`/`gte`/`lte` and semver thresholds) with the others satisfied,
 * - for each condition, a value that fails it with the others satisfied.
 *
 * Values are chosen from candidates derived from the condition values and
 * checked with the evaluator's own condition matcher, so a segment is only
 * called "matching" when evaluation agrees. A rule none of whose candidate
 * combinations satisfies every condition (a regex, contradictory conditions)
 * is reported by `unmatchedRules` so the report can say it is not covered.
 * Pure and deterministic.
 */
import { matchCondition, type EvaluationContext } from '../evaluation/index.js';
import { sampleValues } from '../evaluation/operators/index.js';
import type { Condition, Flag, JsonValue, Rule } from '../schema/flag.js';
import type { Segment } from './blast-radius.js';
import { canonicalJson } from './diff-flags.js';

/** Segments per rule; beyond this many rules the rest are left to the attribute segments (and reported if unmatched). */
export const MAX_RULES_WITH_SEGMENTS = 64;

const UNREACHABLE = /(^|\.)(__proto__|constructor|prototype)(\.|$)/;

/**
 * Candidate values for one condition's attribute: what may satisfy it, what is
 * just either side of it, and what fails it (its operator family's samples).
 */
function candidates(c: Condition): JsonValue[] {
  return sampleValues(c.operator, c.value).around;
}

/** A context holding `segment`'s values (null: missing), with a fixed user id for the matcher. */
function contextOf(segment: Segment): EvaluationContext {
  const ctx: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(segment)) {
    if (value === null) continue;
    const parts = attribute.split('.');
    let cur = ctx;
    for (const p of parts.slice(0, -1)) {
      const next = Object.hasOwn(cur, p) ? cur[p] : undefined;
      if (typeof next !== 'object' || next === null || Array.isArray(next)) Object.defineProperty(cur, p, { value: {}, enumerable: true, writable: true, configurable: true });
      cur = cur[p] as Record<string, unknown>;
    }
    Object.defineProperty(cur, parts[parts.length - 1], { value, enumerable: true, writable: true, configurable: true });
  }
  return ctx as EvaluationContext;
}

/** Whether the conditions all hold for the segment (the evaluator's matcher decides). */
export function segmentMatchesRule(rule: Pick<Rule, 'conditions'>, segment: Segment): boolean {
  const ctx = contextOf(segment);
  return rule.conditions.every((c) => matchCondition(c, ctx));
}

/** Per attribute of the rule, candidate values (missing last), deduplicated. */
function candidatesByAttribute(rule: Rule): Map<string, JsonValue[]> {
  const out = new Map<string, JsonValue[]>();
  for (const c of rule.conditions) {
    if (c.attribute === undefined || UNREACHABLE.test(c.attribute)) continue;
    const list = out.get(c.attribute) ?? [];
    list.push(...candidates(c));
    out.set(c.attribute, list);
  }
  for (const [attribute, list] of out) {
    const seen = new Set<string>();
    out.set(attribute, [...list, null].filter((v) => !seen.has(canonicalJson(v)) && (seen.add(canonicalJson(v)), true)));
  }
  return out;
}

/**
 * A segment satisfying every condition of the rule, found attribute by
 * attribute (conditions on one attribute are satisfied together), or null.
 */
function satisfying(rule: Rule, byAttribute: Map<string, JsonValue[]>): Segment | null {
  const segment: Segment = {};
  for (const [attribute, values] of byAttribute) {
    const own = rule.conditions.filter((c) => c.attribute === attribute);
    const hit = values.find((v) => segmentMatchesRule({ conditions: own }, { [attribute]: v }));
    if (hit === undefined) return null;
    segment[attribute] = hit;
  }
  return segmentMatchesRule(rule, segment) ? segment : null;
}

export interface RuleSegments {
  segments: Segment[];
  /** Ids of rules for which no combination satisfying all their conditions was found. */
  unmatched: string[];
}

/** The per-rule segments of one flag version (see the file comment). */
export function ruleSegments(flag: Flag): RuleSegments {
  const segments: Segment[] = [];
  const unmatched: string[] = [];
  flag.rules.forEach((rule, i) => {
    if (rule.conditions.length === 0) return;
    const byAttribute = candidatesByAttribute(rule);
    const base = i < MAX_RULES_WITH_SEGMENTS ? satisfying(rule, byAttribute) : null;
    if (!base) {
      unmatched.push(rule.id);
      return;
    }
    segments.push(base);
    // Each attribute's other candidates with the rest satisfied: either side of each boundary, and failing values.
    for (const [attribute, values] of byAttribute) {
      for (const v of values) if (canonicalJson(v) !== canonicalJson(base[attribute])) segments.push({ ...base, [attribute]: v });
    }
  });
  return { segments, unmatched };
}

/** Segments of both versions, without duplicates, in a stable order. */
export function ruleSegmentsOf(before: Flag, after: Flag): RuleSegments {
  const b = ruleSegments(before);
  const a = ruleSegments(after);
  const seen = new Set<string>();
  const segments: Segment[] = [];
  for (const s of [...b.segments, ...a.segments]) {
    const k = canonicalJson(sortKeys(s));
    if (seen.has(k)) continue;
    seen.add(k);
    segments.push(s);
  }
  return { segments, unmatched: [...new Set([...b.unmatched, ...a.unmatched])] };
}

function sortKeys(s: Segment): Segment {
  return Object.fromEntries(Object.entries(s).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/**
 * The rules whose outcome the change can affect: every rule when a field that
 * decides what all of them serve changed (enabled, kill switch, default,
 * type), else the rules added, removed or changed.
 */
export function rulesAffected(before: Flag, after: Flag): Rule[] {
  const global = before.enabled !== after.enabled || before.killSwitch !== after.killSwitch || before.type !== after.type || canonicalJson(before.defaultValue) !== canonicalJson(after.defaultValue);
  const byId = (f: Flag) => new Map(f.rules.map((r) => [r.id, r]));
  const bm = byId(before);
  const am = byId(after);
  const out: Rule[] = [];
  for (const r of before.rules) if (global || canonicalJson(r as never) !== canonicalJson((am.get(r.id) ?? null) as never)) out.push(r);
  for (const r of after.rules) if ((global || canonicalJson(r as never) !== canonicalJson((bm.get(r.id) ?? null) as never)) && !out.some((o) => o.id === r.id)) out.push(r);
  return out;
}

/** Affected rules that no sampled segment satisfies: the report cannot tell what their change does. */
export function uncoveredRules(before: Flag, after: Flag, segments: readonly Segment[]): string[] {
  return rulesAffected(before, after)
    .filter((r) => r.conditions.length > 0 && !segments.some((s) => segmentMatchesRule(r, s)))
    .map((r) => r.id);
}
