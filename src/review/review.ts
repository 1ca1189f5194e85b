/**
 * A review of the changes between two flag sets: the pairing and field
 * changes (diff-flags), the risk of each flag (risk), and its blast radius
 * (blast-radius), changed flags ordered highest risk first. Pure.
 */
import type { EvaluationContext } from '../evaluation/index.js';
import type { Flag } from '../schema/flag.js';
import { blastRadiusOverSegments, ContextBlastRadius, type BlastRadius, type SegmentOptions } from './blast-radius.js';
import { diffFlagSets, type FieldChange, type FlagChange, type FlagSetDiff, type FlagSetSide } from './diff-flags.js';
import { assessFlagRisk, RISK_ORDER, type ChangeRisk, type Risk } from './risk.js';
import type { Segment } from '../schema/segment.js';
import type { SegmentDefinitions } from './blast-radius.js';
import { reviewSegmentChanges, type ReviewedSegment } from './segment-changes.js';

/** SPEC 6: the segments a side evaluates with. */
type WithSegments = FlagSetSide & { segments?: { segments: ReadonlyMap<string, Segment> } };

function definitionsOf(before: WithSegments, after: WithSegments): SegmentDefinitions {
  return { before: [...(before.segments?.segments.values() ?? [])], after: [...(after.segments?.segments.values() ?? [])] };
}

export interface ReviewedFlag {
  key: string;
  risk: Risk;
  /** Why the risk, highest first. */
  reasons: string[];
  changes: FieldChange[];
  /** The risk of each entry of `changes`. */
  changeRisks: ChangeRisk[];
  blastRadius: BlastRadius;
  before: Flag;
  after: Flag;
}

export interface FlagReview {
  added: string[];
  /** Every removed flag is high risk: callers get their own defaults from now on. */
  removed: string[];
  /** Highest risk first, then by key. */
  changed: ReviewedFlag[];
  /** Keys defined in the new set but invalid there: not compared. */
  skipped: string[];
  /** Added keys that existed in the old set but were invalid there. */
  previouslyInvalid: string[];
  source: 'contexts' | 'segments';
  /** SPEC 6: changed segments, each with the flags that use it and their blast radius. */
  segmentChanges?: ReviewedSegment[];
}

export interface ReviewOptions {
  /** Real contexts to measure the blast radius over; segments are built without them. */
  contexts?: Iterable<EvaluationContext>;
  segments?: SegmentOptions;
}

/** Reviews the changes; the blast radius over `opts.contexts` when given, else over segments. */
export function reviewFlagChanges(before: WithSegments, after: WithSegments, opts: ReviewOptions = {}): FlagReview {
  if (opts.contexts !== undefined) {
    const contexts = [...opts.contexts];
    const review = reviewOverContexts(before, after);
    for (const ctx of contexts) review.add(ctx);
    const out = review.finish();
    const segmentChanges = reviewSegmentChanges(before, after, { contexts });
    return segmentChanges.length ? { ...out, segmentChanges } : out;
  }
  const definitions = definitionsOf(before, after);
  const out = assemble(before, diffFlagSets(before, after), (c) => blastRadiusOverSegments(c.before, c.after, { ...opts.segments, definitions }), 'segments');
  const segmentChanges = reviewSegmentChanges(before, after, { segments: opts.segments });
  return segmentChanges.length ? { ...out, segmentChanges } : out;
}

export interface StreamingReview {
  /** Flags whose blast radius is being measured (nothing to feed when empty). */
  readonly changedKeys: readonly string[];
  add(context: EvaluationContext): void;
  finish(): FlagReview;
}

/** A review whose contexts are fed one at a time (a large JSON Lines file is read once for every changed flag). */
export function reviewOverContexts(before: WithSegments, after: WithSegments): StreamingReview {
  const diff = diffFlagSets(before, after);
  const definitions = definitionsOf(before, after);
  const counters = diff.changed.map((c) => new ContextBlastRadius(c.before, c.after, definitions));
  return {
    changedKeys: diff.changed.map((c) => c.key),
    add(context) {
      for (const counter of counters) counter.add(context);
    },
    finish() {
      return assemble(before, diff, (_c, i) => counters[i].result(), 'contexts');
    },
  };
}

function assemble(before: FlagSetSide, diff: FlagSetDiff, radius: (c: FlagChange, i: number) => BlastRadius, source: FlagReview['source']): FlagReview {
  const changed = diff.changed.map((c, i): ReviewedFlag => {
    const risk = assessFlagRisk(c);
    return { key: c.key, risk: risk.risk, reasons: risk.reasons, changes: c.changes, changeRisks: risk.changes, blastRadius: radius(c, i), before: c.before, after: c.after };
  });
  changed.sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const previouslyInvalid = diff.added.filter((k) => before.invalidKeys?.has(k) === true);
  return { added: diff.added, removed: diff.removed, changed, skipped: diff.skipped, previouslyInvalid, source };
}
