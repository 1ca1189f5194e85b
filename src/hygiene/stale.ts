/**
 * `flags stale` classification (issue 20): from each flag's state, how long
 * it has been in it (git history), and how much code still reads it, what to
 * do first. Pure: history and references are gathered by the store, "now" is
 * passed in.
 */
import type { Flag } from '../schema/flag.js';
import { canonicalJson, servedValues, type FlagState } from './flag-state.js';

/** What to do with a flag, in the order the report lists them. */
export const STALE_ACTIONS = ['remove', 'clean-up-code', 'review', 'wait', 'active', 'permanent'] as const;
export type StaleAction = (typeof STALE_ACTIONS)[number];

export interface CommitRef {
  commit: string;
  /** Committer time, ms since the epoch. */
  time: number;
  author: string;
}

export interface CodeReference {
  /** Path from the repository root. */
  file: string;
  line: number;
}

export interface StaleInput {
  key: string;
  file: string;
  flag: Flag;
  state: FlagState;
  /** Since when the flag has been in `state`: a commit, or null when only the working tree has it so. */
  stateSince: CommitRef | null;
  /** The last commit that changed the flag's value (not its file), or null when it was never committed. */
  lastChange: CommitRef | null;
  /** The working tree differs from the last committed version of the flag. */
  uncommitted: boolean;
  references: CodeReference[];
  /** The experiment that ended (state experiment-ended). */
  experiment?: { id: string; status: string; endDate?: string };
  /** Days since `expiresAt`, or null when not expired. */
  expiredDays: number | null;
}

export interface StaleEntry {
  key: string;
  file: string;
  action: StaleAction;
  /** One line: the action's reason with its numbers ("served one value for 90 days, 0 references"). */
  reason: string;
  state: FlagState;
  daysInState: number;
  daysSinceChange: number | null;
  lastChange: CommitRef | null;
  uncommitted: boolean;
  references: CodeReference[];
  expiredDays: number | null;
  /** Every fact behind the classification, for the report. */
  evidence: string[];
}

export interface ClassifyOptions {
  /** ms since the epoch. */
  now: number;
  /** How long a flag stays in a final state before it is due (default 30 days). */
  sinceDays: number;
}

const DAY_MS = 86_400_000;
const FINAL: ReadonlySet<FlagState> = new Set(['killed', 'disabled', 'experiment-ended', 'one-value']);

const days = (from: number, now: number) => Math.max(0, Math.floor((now - from) / DAY_MS));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function stateText(input: StaleInput, d: number): string {
  const ago = d === 0 ? 'today' : `${plural(d, 'day')} ago`;
  switch (input.state) {
    case 'killed':
      return `killed ${ago}`;
    case 'disabled':
      return d === 0 ? 'disabled today' : `disabled for ${plural(d, 'day')}`;
    case 'experiment-ended':
      return `experiment ${input.experiment?.id ?? ''} ${input.experiment?.status ?? 'ended'}${input.experiment?.endDate ? ` on ${input.experiment.endDate.slice(0, 10)}` : ''}`.replace('  ', ' ');
    case 'one-value': {
      const [v] = servedValues(input.flag);
      return d === 0 ? `serves one value (${short(v)}) since today` : `served one value (${short(v)}) for ${plural(d, 'day')}`;
    }
    case 'live':
      return `serves ${servedValues(input.flag).length} values`;
  }
}

function short(v: unknown): string {
  const s = canonicalJson(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** One flag's action, reason and evidence. */
export function classifyFlag(input: StaleInput, opts: ClassifyOptions): StaleEntry {
  const { now, sinceDays } = opts;
  let since = input.stateSince?.time ?? now;
  // An experiment's end date is when the flag stopped mattering, even if the file changed later.
  if (input.state === 'experiment-ended' && input.experiment?.endDate) {
    const end = Date.parse(input.experiment.endDate);
    if (Number.isFinite(end)) since = Math.min(since, end);
  }
  const inState = input.uncommitted && input.stateSince === null ? 0 : days(since, now);
  const sinceChange = input.uncommitted || input.lastChange === null ? null : days(input.lastChange.time, now);
  const refs = input.references.length;
  const refText = plural(refs, 'reference');
  const what = stateText(input, inState);

  const evidence: string[] = [what];
  if (input.lastChange) evidence.push(`last change ${input.lastChange.commit.slice(0, 10)} by ${input.lastChange.author}, ${plural(days(input.lastChange.time, now), 'day')} ago`);
  if (input.uncommitted) evidence.push('changed in the working tree, not committed');
  evidence.push(refs === 0 ? '0 references in code' : `${refText}: ${input.references.slice(0, 3).map((r) => `${r.file}:${r.line}`).join(', ')}${refs > 3 ? ', …' : ''}`);
  if (input.expiredDays !== null) evidence.push(`expired on ${input.flag.expiresAt} (${plural(input.expiredDays, 'day')} ago)`);

  let action: StaleAction;
  let reason: string;
  if (input.flag.temporary === false) {
    action = 'permanent';
    reason = `permanent flag (temporary: false), ${what}`;
  } else if (FINAL.has(input.state)) {
    if (inState < sinceDays) {
      action = 'wait';
      reason = `${what}, ${refText}; due after ${plural(sinceDays, 'day')}`;
    } else {
      action = refs === 0 ? 'remove' : 'clean-up-code';
      reason = `${what}, ${refText}`;
    }
  } else if (input.expiredDays !== null) {
    action = 'review';
    reason = `expired ${plural(input.expiredDays, 'day')} ago, ${what}, ${refText}`;
  } else if (refs === 0 && sinceChange !== null && sinceChange >= sinceDays) {
    action = 'review';
    reason = `${what} but 0 references in code, unchanged for ${plural(sinceChange, 'day')}`;
  } else {
    action = 'active';
    reason = sinceChange === null ? `${what}, changed in the working tree, ${refText}` : `${what}, changed ${sinceChange === 0 ? 'today' : `${plural(sinceChange, 'day')} ago`}, ${refText}`;
  }
  return {
    key: input.key,
    file: input.file,
    action,
    reason,
    state: input.state,
    daysInState: inState,
    daysSinceChange: sinceChange,
    lastChange: input.lastChange,
    uncommitted: input.uncommitted,
    references: input.references,
    expiredDays: input.expiredDays,
    evidence,
  };
}

/** Every flag classified, sorted by what to do first: action, then longest in its state, then key. */
export function classifyFlags(inputs: readonly StaleInput[], opts: ClassifyOptions): StaleEntry[] {
  const rank = (a: StaleAction) => STALE_ACTIONS.indexOf(a);
  return inputs
    .map((i) => classifyFlag(i, opts))
    .sort((a, b) => rank(a.action) - rank(b.action) || b.daysInState - a.daysInState || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
