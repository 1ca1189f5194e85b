/**
 * The one streaming pass over the event log (SPEC 4.3): a fold whose memory
 * grows with distinct users, not events, and whose answer does not depend on
 * the order of lines.
 *
 * Per user it keeps only what attribution needs: the earliest exposure and its
 * arm, whether another arm was seen, and the latest primary-metric conversion.
 * A conversion at or after the first exposure exists exactly when the latest
 * conversion is at or after the earliest exposure, so those four values
 * decide the user whatever order the lines come in, and repeated events
 * (exact duplicates included) change nothing.
 *
 * Pure: lines in, counts out. The store reads the file; the caller feeds lines.
 */
import { parseEventLine, type LogEvent } from '../schema/event.js';

export interface TallyOptions {
  experimentId: string;
  primaryMetric: string;
  /** Arm keys (variant keys), control first. */
  arms: readonly string[];
}

export interface MalformedLine {
  /** 1-based line number, when lines were fed through tallyLine. */
  line?: number;
  reason: string;
}

export interface ArmTally {
  key: string;
  /** Users whose first exposure was to this arm (multi-arm users excluded). */
  users: number;
  /** Of those, users with a primary-metric conversion at or after their first exposure. */
  converters: number;
}

/** The result of the pass: plain data, JSON-serializable. */
export interface TallySummary {
  experimentId: string;
  arms: ArmTally[];
  /** Users exposed to more than one arm, excluded from the analysis. */
  multipleArms: number;
  /** Exposed single-arm users whose primary-metric conversions all came before their first exposure. */
  conversionsBeforeExposure: number;
  /** Users with a primary-metric conversion and no exposure to a known arm. */
  conversionsWithoutExposure: number;
  /** Lines that are not a valid event, a torn last line included. */
  malformedLines: number;
  /** The first few malformed lines, for the report. */
  malformedExamples: MalformedLine[];
  /** Exposures to a variant that is not an arm of the experiment (events, ignored). */
  unknownVariantExposures: number;
  /** Valid events of other experiments (skipped). */
  otherExperimentEvents: number;
  /** Valid events of this experiment: exposures and conversions of any metric. */
  events: number;
  /** Distinct users with an exposure to a known arm (multi-arm users included). */
  exposedUsers: number;
}

const NO_ARM = 0xffff;
const MAX_EXAMPLES = 5;

/**
 * The accumulator. Per-user values live in parallel typed arrays indexed by a
 * slot number from one Map<userId, slot>: a Map entry with a small-integer
 * value plus 19 bytes of arrays per user, instead of an object per user,
 * keeps 500,000 users in a few tens of MiB.
 */
export interface TallyState {
  readonly options: TallyOptions;
  readonly armIndex: Map<string, number>;
  readonly slots: Map<string, number>;
  firstExposure: Float64Array;
  lastConversion: Float64Array;
  arm: Uint16Array;
  multi: Uint8Array;
  lineNumber: number;
  malformedLines: number;
  malformedExamples: MalformedLine[];
  unknownVariantExposures: number;
  otherExperimentEvents: number;
  events: number;
}

/** A fresh accumulator for one experiment. */
export function createTally(options: TallyOptions): TallyState {
  const capacity = 1024;
  const armIndex = new Map<string, number>();
  options.arms.forEach((key, i) => armIndex.set(key, i));
  return {
    options,
    armIndex,
    slots: new Map(),
    firstExposure: new Float64Array(capacity),
    lastConversion: new Float64Array(capacity),
    arm: new Uint16Array(capacity),
    multi: new Uint8Array(capacity),
    lineNumber: 0,
    malformedLines: 0,
    malformedExamples: [],
    unknownVariantExposures: 0,
    otherExperimentEvents: 0,
    events: 0,
  };
}

/**
 * Feeds one log line (without its newline). Call it for every line, blank
 * ones included, so malformed lines are reported with their line numbers.
 * Blank lines are skipped silently: the appender may leave one behind when it
 * repairs a torn last line.
 */
export function tallyLine(state: TallyState, line: string): void {
  state.lineNumber++;
  if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
  const parsed = parseEventLine(line);
  if (parsed.ok) tallyEvent(state, parsed.event, parsed.time);
  else tallyMalformed(state, parsed.reason, state.lineNumber);
}

/** Counts a line that could not be used (the reader reports a torn last line this way). */
export function tallyMalformed(state: TallyState, reason: string, line?: number): void {
  state.malformedLines++;
  if (state.malformedExamples.length < MAX_EXAMPLES) {
    state.malformedExamples.push(line === undefined ? { reason } : { line, reason });
  }
}

/** Feeds one valid event; `time` is its timestamp in epoch milliseconds. */
export function tallyEvent(state: TallyState, event: LogEvent, time: number): void {
  if (event.experimentId !== state.options.experimentId) {
    state.otherExperimentEvents++;
    return;
  }
  state.events++;
  if (event.type === 'exposure') {
    const a = state.armIndex.get(event.variant);
    if (a === undefined) {
      // Not attributed to anyone: an exposure we cannot place says nothing about an arm.
      state.unknownVariantExposures++;
      return;
    }
    const s = slotOf(state, event.userId);
    const current = state.arm[s];
    if (current === NO_ARM) {
      state.arm[s] = a;
      state.firstExposure[s] = time;
      return;
    }
    // Until some arm differs from the stored one, every exposure seen had the
    // stored arm; so "another arm was seen" is detected whatever the order.
    if (current !== a) state.multi[s] = 1;
    // On a tie the stored arm stays; a tie across arms is a multi-arm user anyway.
    if (time < state.firstExposure[s]) {
      state.firstExposure[s] = time;
      state.arm[s] = a;
    }
    return;
  }
  // Only the primary metric decides conversion (SPEC 4.3); other metrics cost no memory.
  if (event.metric !== state.options.primaryMetric) return;
  const s = slotOf(state, event.userId);
  if (time > state.lastConversion[s]) state.lastConversion[s] = time;
}

function slotOf(state: TallyState, userId: string): number {
  let s = state.slots.get(userId);
  if (s !== undefined) return s;
  s = state.slots.size;
  if (s === state.arm.length) grow(state);
  state.slots.set(userId, s);
  state.firstExposure[s] = Infinity;
  state.lastConversion[s] = -Infinity;
  state.arm[s] = NO_ARM;
  return s;
}

function grow(state: TallyState): void {
  const capacity = state.arm.length * 2;
  const f = new Float64Array(capacity);
  f.set(state.firstExposure);
  state.firstExposure = f;
  const c = new Float64Array(capacity);
  c.set(state.lastConversion);
  state.lastConversion = c;
  const a = new Uint16Array(capacity);
  a.set(state.arm);
  state.arm = a;
  const m = new Uint8Array(capacity);
  m.set(state.multi);
  state.multi = m;
}

/** The counts of the pass so far. Does not change the state. */
export function summarizeTally(state: TallyState): TallySummary {
  const k = state.options.arms.length;
  const users = new Array<number>(k).fill(0);
  const converters = new Array<number>(k).fill(0);
  let multipleArms = 0;
  let before = 0;
  let without = 0;
  let exposed = 0;
  const count = state.slots.size;
  for (let s = 0; s < count; s++) {
    const a = state.arm[s];
    const conv = state.lastConversion[s];
    if (a === NO_ARM) {
      if (conv !== -Infinity) without++;
      continue;
    }
    exposed++;
    if (state.multi[s] === 1) {
      multipleArms++;
      continue;
    }
    users[a]++;
    if (conv >= state.firstExposure[s]) converters[a]++;
    else if (conv !== -Infinity) before++;
  }
  return {
    experimentId: state.options.experimentId,
    arms: state.options.arms.map((key, i) => ({ key, users: users[i], converters: converters[i] })),
    multipleArms,
    conversionsBeforeExposure: before,
    conversionsWithoutExposure: without,
    malformedLines: state.malformedLines,
    malformedExamples: state.malformedExamples.slice(),
    unknownVariantExposures: state.unknownVariantExposures,
    otherExperimentEvents: state.otherExperimentEvents,
    events: state.events,
    exposedUsers: exposed,
  };
}

/** Tallies a whole sequence of lines at once (tests, small logs). */
export function tallyLines(options: TallyOptions, lines: Iterable<string>): TallySummary {
  const state = createTally(options);
  for (const line of lines) tallyLine(state, line);
  return summarizeTally(state);
}
