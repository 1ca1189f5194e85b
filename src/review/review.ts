/**
 * A review of the changes between two flag sets: the pairing and field
 * changes (diff-flags), the risk of each flag (risk), and its blast radius
 * (blast-radius), changed flags ordered highest risk first. Pure.
 */
import type { EvaluationContext } from '../evaluation/index.js';
import type { Flag } from '../schema/flag.js';
import { blastRadiusOverContexts, blastRadiusOverSegments, type BlastRadius, type SegmentOptions } from './blast-radius.js';
import { diffFlagSets, type FieldChange, type FlagSetSide } from './diff-flags.js';
import { assessFlagRisk, RISK_ORDER, type ChangeRisk, type Risk } from './risk.js';

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
}

export interface ReviewOptions {
  /** Real contexts to measure the blast radius over; segments are built without them. */
  contexts?: readonly EvaluationContext[];
  segments?: SegmentOptions;
}

export function reviewFlagChanges(before: FlagSetSide, after: FlagSetSide, opts: ReviewOptions = {}): FlagReview {
  const diff = diffFlagSets(before, after);
  const changed = diff.changed.map((c): ReviewedFlag => {
    const risk = assessFlagRisk(c);
    const blastRadius = opts.contexts
      ? blastRadiusOverContexts(c.before, c.after, opts.contexts)
      : blastRadiusOverSegments(c.before, c.after, opts.segments);
    return { key: c.key, risk: risk.risk, reasons: risk.reasons, changes: c.changes, changeRisks: risk.changes, blastRadius, before: c.before, after: c.after };
  });
  changed.sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const previouslyInvalid = diff.added.filter((k) => before.invalidKeys?.has(k) === true);
  return { added: diff.added, removed: diff.removed, changed, skipped: diff.skipped, previouslyInvalid, source: opts.contexts ? 'contexts' : 'segments' };
}
