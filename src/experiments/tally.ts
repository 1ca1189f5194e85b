/**
 * The one streaming pass over the event log (SPEC 4.3 and 8): a fold whose
 * memory grows with distinct users (times the experiment's few metrics), not
 * events, and whose answer does not depend on the order of lines. Its product
 * is a `SufficientStats`, the value every other counting path (SQL, DuckDB,
 * --counts) also produces.
 *
 * Per user it keeps the earliest exposure and its arm, whether another arm
 * was seen, and per metric the latest conversion time. A conversion at or
 * after the first exposure exists exactly when the latest conversion is at or
 * after the earliest exposure, so those values decide the 0/1 metrics whatever
 * order the lines come in, and repeated events change nothing.
 *
 * Revenue (the sum of `value` at or after the first exposure) is harder: a
 * line read later may move the earliest exposure back, and a sum cannot be
 * split after the fact. Why this is still exact: a revenue conversion is added
 * when it is at or after the earliest exposure seen so far (it stays after
 * every earlier exposure a later line may bring); otherwise it is left out
 * and kept aside (PendingRevenue: user, time, value), and when the counts are
 * read each kept conversion is added if it is at or after the user's now
 * final first exposure. So one pass suffices, in any order of lines.
 *
 * Memory must stay bounded by users, so only so many conversions are kept
 * (a million by default). Past that a left-out conversion is not kept: the
 * user remembers the latest time of such a conversion, and when the earliest
 * exposure later moves back to E' at or before it, the user's sum is not
 * final: the user is marked AMBIGUOUS and the caller reads the log a second
 * time (`needsSecondPass`), re-summing just those users against their now
 * final first exposure (their kept conversions are dropped: the second pass
 * sees them again). In a log appended in time order every exposure arrives
 * before the conversions after it, so nothing is kept and no user is ever
 * ambiguous.
 *
 * Lines are read in place when they have the canonical shape
 * (event-scanner.ts), else parsed; users live in a compact table of
 * fixed-size records (user-table.ts), read and written through named
 * accessors. Scanned events wait in a small batch so that their users are
 * looked up together (tally-batch.ts); the batch is applied before any parsed
 * line and before anything reads the state, so events apply in line order.
 *
 * Pure: lines in, counts out. The store reads the file; the caller feeds lines.
 */
import { parseEventLine, type LogEvent } from '../schema/event.js';
import { decodeUtf8Escaped } from '../schema/utf8.js';
import type { MetricKind } from '../schema/experiment.js';
import { createScannedEvent, isWord, scanEventBytes, wordBytes, type ScannedEvent } from './event-scanner.js';
import type { SufficientStats } from './sufficient-stats.js';
import { collectTally } from './tally-collect.js';
import { PendingRevenue } from './pending-revenue.js';
import { EventBatch } from './tally-batch.js';
import { UserTable } from './user-table.js';

export interface TallyOptions {
  experimentId: string;
  primaryMetric: string;
  /** Arm keys (variant keys), control first. */
  arms: readonly string[];
  /** The metrics to count (default: the primary metric, as a conversion). */
  metrics?: readonly { key: string; kind: MetricKind }[];
  /** The analysis window, epoch ms, both ends included; events outside it are counted and left out. */
  window?: { since?: number; until?: number };
  /**
   * How many left-out revenue conversions are kept to settle at the end
   * (24 bytes each; default 1,048,576). Past it, sums that turn out not to be
   * final need the second pass.
   */
  pendingRevenue?: number;
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

/** The seed's summary of the pass (primary metric only): plain data, JSON-serializable. */
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

/** What the reader saw besides the counts: for the report, not for the statistics. */
export type ReaderNotes = Pick<TallySummary, 'malformedExamples' | 'unknownVariantExposures' | 'otherExperimentEvents' | 'events'>;

const MAX_EXAMPLES = 5;

/** The accumulator; treat it as opaque. */
export interface TallyState {
  readonly options: TallyOptions;
  readonly armIndex: Map<string, number>;
  /** Metric key → its index in `metrics` (and in the user table's per-metric fields). */
  readonly metricIndex: Map<string, number>;
  /** Lookups by a range of the line's bytes (the scanner's path): [key, index] pairs, the same answers as the maps. */
  readonly armList: readonly (readonly [Uint8Array, number])[];
  readonly metricList: readonly (readonly [Uint8Array, number])[];
  readonly experimentBytes: Uint8Array;
  readonly metricKeys: readonly string[];
  readonly revenue: boolean[];
  /** Indexes of the revenue metrics. */
  readonly revenueMetrics: number[];
  /** Index of the primary metric, −1 when it is not counted. */
  readonly primary: number;
  readonly since: number;
  readonly until: number;
  readonly table: UserTable;
  readonly pending: PendingRevenue;
  /** The scanner's output, reused for every line. */
  readonly scanned: ScannedEvent;
  /** Scanned events waiting for their user lookup (tally-batch.ts); applied before anything reads the table. */
  readonly batch: EventBatch;
  /** A string line's bytes, for the scanner. */
  lineBytes: Uint8Array;
  /** 1 while reading the log the first time, 2 during the revenue re-sum. */
  pass: 1 | 2;
  ambiguousUsers: number;
  lineNumber: number;
  malformedLines: number;
  malformedExamples: MalformedLine[];
  unknownVariantExposures: number;
  otherExperimentEvents: number;
  outsideWindow: number;
  events: number;
}

/** A fresh accumulator for one experiment. */
export function createTally(options: TallyOptions): TallyState {
  const armIndex = new Map<string, number>();
  options.arms.forEach((key, i) => armIndex.set(key, i));
  const metrics = options.metrics ?? [{ key: options.primaryMetric, kind: 'conversion' as const }];
  const metricIndex = new Map<string, number>();
  metrics.forEach((m, i) => metricIndex.set(m.key, i));
  const revenue = metrics.map((m) => m.kind === 'revenue');
  return {
    options,
    armIndex,
    metricIndex,
    armList: [...armIndex.entries()].map(([key, i]) => [wordBytes(key), i] as const),
    metricList: [...metricIndex.entries()].map(([key, i]) => [wordBytes(key), i] as const),
    experimentBytes: wordBytes(options.experimentId),
    metricKeys: metrics.map((m) => m.key),
    revenue,
    revenueMetrics: revenue.flatMap((r, m) => (r ? [m] : [])),
    primary: metricIndex.get(options.primaryMetric) ?? -1,
    since: options.window?.since ?? -Infinity,
    until: options.window?.until ?? Infinity,
    table: new UserTable(revenue.map((r) => ({ revenue: r }))),
    pending: new PendingRevenue(options.pendingRevenue ?? 1 << 20),
    scanned: createScannedEvent(),
    batch: new EventBatch(),
    lineBytes: new Uint8Array(1024),
    pass: 1,
    ambiguousUsers: 0,
    lineNumber: 0,
    malformedLines: 0,
    malformedExamples: [],
    unknownVariantExposures: 0,
    otherExperimentEvents: 0,
    outsideWindow: 0,
    events: 0,
  };
}

/**
 * Feeds one log line (without its newline). Call it for every line, blank
 * ones included, so malformed lines are reported with their line numbers.
 * Blank lines are skipped silently: the appender may leave one behind when it
 * repairs a torn last line.
 */
export function tallyLine(state: TallyState, line: string, where?: string): void {
  if (state.pass === 2) return resumLine(state, line);
  state.lineNumber++;
  if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
  // The common case: a canonical line, read in place (event-scanner.ts).
  const n = asciiBytes(state, line);
  if (n >= 0 && scanEventBytes(state.lineBytes, 0, n, state.scanned)) return tallyScanned(state, state.lineBytes, state.scanned);
  applyBatch(state);
  tallyParsed(state, line, where);
}

/**
 * tallyLine for the line b[start, end) (UTF-8, without its newline), as the
 * reader hands it over: a canonical line is never decoded. `where` may be a
 * function, called only for a malformed line.
 */
export function tallyLineBytes(state: TallyState, b: Uint8Array, start: number, end: number, where?: string | (() => string)): void {
  if (state.pass === 2) {
    if (scanEventBytes(b, start, end, state.scanned)) resumScanned(state, b, state.scanned);
    else resumLine(state, decodeLine(b, start, end));
    return;
  }
  if (scanEventBytes(b, start, end, state.scanned)) {
    state.lineNumber++;
    return tallyScanned(state, b, state.scanned);
  }
  const line = decodeLine(b, start, end);
  state.lineNumber++;
  if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
  applyBatch(state);
  tallyParsed(state, line, where);
}

// Only lines the scanner declines are decoded: a canonical line is ASCII by construction, never checked here.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A declined line's text. Not UTF-8, its bad bytes are kept as U+DC80–U+DCFF
 * (decodeUtf8Escaped) and parseEventLine reports the first, where a loose
 * decoding made "café" and "cafè" in Latin-1 one user "caf\uFFFD". A byte
 * order mark is kept, as the string reader keeps it (the readers drop the one
 * opening a file).
 */
function decodeLine(b: Uint8Array, start: number, end: number): string {
  try {
    return decoder.decode(b.subarray(start, end));
  } catch {
    return decodeUtf8Escaped(b, start, end);
  }
}

const encoder = new TextEncoder();

/** The line's length in state.lineBytes after copying it there, or −1 when it is not all ASCII (then only JSON.parse reads it). */
function asciiBytes(state: TallyState, line: string): number {
  if (line.length > 65536) return -1;
  if (state.lineBytes.length < line.length * 3) state.lineBytes = new Uint8Array(line.length * 3);
  // Any other character takes more than one byte in UTF-8.
  const { written } = encoder.encodeInto(line, state.lineBytes);
  return written === line.length ? written : -1;
}

function tallyParsed(state: TallyState, line: string, where: string | (() => string) | undefined): void {
  const parsed = parseEventLine(line);
  if (parsed.ok) tallyEvent(state, parsed.event, parsed.time);
  // `where` ("file:line"), when lines come from several files: numbers restart per file; a bad byte's column follows.
  else if (where !== undefined) tallyMalformed(state, `${typeof where === 'function' ? where() : where}${parsed.column === undefined ? '' : `:${parsed.column}`}: ${parsed.reason}`);
  else tallyMalformed(state, parsed.reason, state.lineNumber);
}

/** Counts a line that could not be used (the reader reports a torn last line this way). */
export function tallyMalformed(state: TallyState, reason: string, line?: number): void {
  if (state.pass === 2) return;
  state.malformedLines++;
  if (state.malformedExamples.length < MAX_EXAMPLES) {
    state.malformedExamples.push(line === undefined ? { reason } : { line, reason });
  }
}

/** Feeds one valid event; `time` is its timestamp in epoch milliseconds. */
export function tallyEvent(state: TallyState, event: LogEvent, time: number): void {
  applyBatch(state);
  if (event.experimentId !== state.options.experimentId) {
    state.otherExperimentEvents++;
    return;
  }
  if (!inWindow(state, time)) return;
  const t = state.table;
  if (event.type === 'exposure') {
    const a = state.armIndex.get(event.variant) ?? -1;
    expose(state, a < 0 ? -1 : t.findString(event.userId, true), a, time);
  } else {
    const m = state.metricIndex.get(event.metric) ?? -1;
    convert(state, m < 0 ? -1 : t.findString(event.userId, true), m, time, event.value);
  }
}

/** tallyEvent for a scanned line: the same steps, every field read from its range of the line. */
function tallyScanned(state: TallyState, b: Uint8Array, e: ScannedEvent): void {
  if (!isWord(b, e.experimentStart, e.experimentEnd, state.experimentBytes)) {
    state.otherExperimentEvents++;
    return;
  }
  if (!inWindow(state, e.time)) return;
  let what: number;
  if (e.exposure) {
    what = lookup(state.armList, b, e.variantStart, e.variantEnd);
    if (what < 0) return expose(state, -1, -1, e.time);
  } else {
    const m = lookup(state.metricList, b, e.metricStart, e.metricEnd);
    // Metrics the experiment does not analyse: nothing to apply.
    if (m < 0) return;
    what = -1 - m;
  }
  if (state.batch.add(what, e.time, e.value ?? 0, b, e.userStart, e.userEnd)) applyBatch(state);
}

/** Applies the waiting events in their order: their users looked up together (tally-batch.ts), then each event as tallyEvent would. */
function applyBatch(state: TallyState): void {
  const batch = state.batch;
  const n = batch.size;
  if (n === 0) return;
  // Emptied first: should a lookup throw (too many users), nothing is applied twice.
  batch.size = 0;
  const t = state.table;
  t.prefetch(batch.hash, n);
  const { what, time, value, hash, idEnd, ids } = batch;
  for (let k = 0; k < n; k++) {
    const u = t.findHashed(hash[k], ids, k === 0 ? 0 : idEnd[k - 1], idEnd[k], false, true);
    const w = what[k];
    if (w >= 0) expose(state, u, w, time[k]);
    else convert(state, u, -1 - w, time[k], value[k]);
  }
}

function lookup(list: readonly (readonly [Uint8Array, number])[], b: Uint8Array, start: number, end: number): number {
  for (let k = 0; k < list.length; k++) if (isWord(b, start, end, list[k][0])) return list[k][1];
  return -1;
}

/** Counts an event of this experiment; false when it is outside the window. */
function inWindow(state: TallyState, time: number): boolean {
  state.events++;
  if (time >= state.since && time <= state.until) return true;
  state.outsideWindow++;
  return false;
}

/** An exposure of user u (the record of its id) to arm `a` (−1: not an arm; then no record was made) at `time`. */
function expose(state: TallyState, u: number, a: number, time: number): void {
  if (a < 0) {
    // Not attributed to anyone: an exposure we cannot place says nothing about an arm.
    state.unknownVariantExposures++;
    return;
  }
  const t = state.table;
  const current = t.arm(u);
  if (current === -1) {
    t.setArm(u, a, false);
    t.setFirstExposure(u, time);
    checkLeftOut(state, u, time);
    return;
  }
  // Until some arm differs from the stored one, every exposure seen had the
  // stored arm; so "another arm was seen" is detected whatever the order.
  const multi = t.isMultiArm(u) || current !== a;
  // On a tie the stored arm stays; a tie across arms is a multi-arm user anyway.
  if (time < t.firstExposure(u)) {
    t.setFirstExposure(u, time);
    t.setArm(u, a, multi);
    checkLeftOut(state, u, time);
  } else {
    t.setArm(u, current, multi);
  }
}

/** A conversion of user u to metric m (−1: not counted; then no record was made) at `time`. */
function convert(state: TallyState, u: number, m: number, time: number, value: number | undefined): void {
  // Metrics the experiment does not analyse cost no memory.
  if (m < 0) return;
  const t = state.table;
  if (time > t.latestConversion(u, m)) t.setLatestConversion(u, m, time);
  if (state.revenue[m]) {
    if (time >= t.firstExposure(u)) t.addRevenue(u, m, value ?? 0);
    else if (!state.pending.add(u, m, time, value ?? 0) && time > t.latestLeftOut(u)) t.setLatestLeftOut(u, time);
  }
}

/** The earliest exposure just moved back to `first`: a left-out revenue conversion at or after it makes the sum not final. */
function checkLeftOut(state: TallyState, u: number, first: number): void {
  if (state.revenueMetrics.length === 0) return;
  const t = state.table;
  if (!t.isAmbiguous(u) && t.latestLeftOut(u) >= first) {
    t.markAmbiguous(u);
    state.ambiguousUsers++;
  }
}

/** True when some revenue sums are not final yet: feed the same lines again after `beginSecondPass`. */
export function needsSecondPass(state: TallyState): boolean {
  applyBatch(state);
  return state.pass === 1 && state.ambiguousUsers > 0;
}

/**
 * Starts the re-sum of the ambiguous users' revenue: their sums restart at 0,
 * and the lines fed from now on only add their revenue conversions at or after
 * the (now final) first exposure. Nothing else is counted again.
 */
export function beginSecondPass(state: TallyState): void {
  applyBatch(state);
  const t = state.table;
  for (let u = 0; u < t.size; u++) if (t.isAmbiguous(u)) t.clearRevenue(u, state.revenueMetrics);
  // The second pass counts all of their conversions again, kept ones included.
  state.pending.sweep((u) => t.isAmbiguous(u));
  state.pass = 2;
}

function resumLine(state: TallyState, line: string): void {
  if (line.length === 0) return;
  const n = asciiBytes(state, line);
  if (n >= 0 && scanEventBytes(state.lineBytes, 0, n, state.scanned)) return resumScanned(state, state.lineBytes, state.scanned);
  const parsed = parseEventLine(line);
  if (!parsed.ok) return;
  const { event, time } = parsed;
  if (event.type !== 'conversion' || event.experimentId !== state.options.experimentId) return;
  resum(state, state.metricIndex.get(event.metric) ?? -1, time, event.value, (t) => t.findString(event.userId, false));
}

function resumScanned(state: TallyState, b: Uint8Array, e: ScannedEvent): void {
  if (e.exposure || !isWord(b, e.experimentStart, e.experimentEnd, state.experimentBytes)) return;
  resum(state, lookup(state.metricList, b, e.metricStart, e.metricEnd), e.time, e.value, (t) => t.find(b, e.userStart, e.userEnd, false, false));
}

/** The second pass's step for a conversion to metric m: add it when its user is ambiguous and it is at or after the final first exposure. */
function resum(state: TallyState, m: number, time: number, value: number | undefined, user: (t: UserTable) => number): void {
  if (time < state.since || time > state.until) return;
  if (m < 0 || !state.revenue[m]) return;
  const t = state.table;
  const u = user(t);
  if (u < 0 || !t.isAmbiguous(u)) return;
  if (time >= t.firstExposure(u)) t.addRevenue(u, m, value ?? 0);
}

/**
 * Adds the kept left-out conversions that are at or after their user's
 * earliest exposure as now known, and forgets them; the others stay kept, in
 * case more lines move the exposure further back. Counts do not change: a
 * kept conversion counts exactly when it is at or after the first exposure.
 */
function settlePending(state: TallyState): void {
  const t = state.table;
  state.pending.sweep((u, m, time, value) => {
    if (time < t.firstExposure(u)) return false;
    t.addRevenue(u, m, value);
    return true;
  });
}

/** Bytes the per-user table holds (records, index, ids): the memory that grows with users. */
export function tallyTableBytes(state: TallyState): number {
  applyBatch(state);
  return state.table.bytes() + state.pending.bytes();
}

/** The pass's result as the contract every counting path shares (SPEC 8). Does not change the state. */
export function tallyStats(state: TallyState): SufficientStats {
  return collect(state).stats;
}

/** The seed's primary-metric summary of the pass so far. Does not change the state. */
export function summarizeTally(state: TallyState): TallySummary {
  return collect(state).summary;
}

/** What the reader saw besides the counts. */
export function readerNotes(state: TallyState): ReaderNotes {
  return {
    malformedExamples: state.malformedExamples.slice(),
    unknownVariantExposures: state.unknownVariantExposures,
    otherExperimentEvents: state.otherExperimentEvents,
    events: state.events,
  };
}

function collect(state: TallyState): { stats: SufficientStats; summary: TallySummary } {
  applyBatch(state);
  settlePending(state);
  return collectTally(state);
}

/** Tallies a whole sequence of lines at once (tests, small logs); a second pass over them when revenue needs it. */
export function tallyLines(options: TallyOptions, lines: Iterable<string>): TallySummary {
  return tallyAll(options, lines).summary;
}

/** Like tallyLines, both results. `lines` is iterated twice when revenue sums need a second pass. */
export function tallyAll(options: TallyOptions, lines: Iterable<string>): { stats: SufficientStats; summary: TallySummary } {
  const state = createTally(options);
  for (const line of lines) tallyLine(state, line);
  if (needsSecondPass(state)) {
    beginSecondPass(state);
    for (const line of lines) tallyLine(state, line);
  }
  return collect(state);
}
