/**
 * The per-user memory of the streaming tally (issue 21.6): no JS object or
 * string per user, so the garbage collector has nothing to trace, and a few
 * dozen bytes per user instead of ~210.
 *
 * - Records: users are numbered 0, 1, 2, … in order of first sight; user u's
 *   record is a fixed run of float64 words in pages of 65,536 records (pages
 *   never move, so growing copies nothing and peak memory is what is held).
 *     words 0–2   read first on every lookup: the hash of the id, its
 *                 length in bytes (×2, +1 when stored two bytes per
 *                 character), the arm state (arm + 1, 0 none; MULTI_BIT
 *                 once another arm was seen; AMBIGUOUS_BIT) as three int32s;
 *                 then the id itself when it has up to 12 bytes, else where
 *                 the rest of it is in the arena and its first 8 bytes
 *     word 3      earliest exposure, epoch ms (Infinity: none)
 *     words 4 …   per metric, in the tally's order: latest conversion
 *                 (−Infinity: none), then for a revenue metric the sum of
 *                 values counted so far; last, when some metric is revenue,
 *                 the latest left-out revenue conversion not kept aside
 * - Ids: as bytes, one per character when every character is below U+0100
 *   (ids are ASCII in practice), else two; in the record up to 12 bytes (a
 *   lookup then reads no other memory), the rest of longer ones copied once
 *   into an arena of 1 MiB byte pages. An id takes its record's 12 bytes,
 *   plus its length − 8 in the arena when longer: never more than the id's
 *   bytes and an arena position, as before, except for ids under 8 bytes.
 * - Index: open addressing (linear probing, load ≤ 1/2) in an Int32Array;
 *   an entry is the record number + 1 in the bits of the mask (they suffice:
 *   records ≤ slots / 2) and the id hash's bits above the mask in the others,
 *   so a probe of another id's slot rarely reads its record. Only the index
 *   is rebuilt when it doubles.
 *
 * Ids are looked up by a range of bytes (the event line itself), so the
 * reader never makes a string for an id. Bytes per user with one metric:
 * 40 (record) + 8–16 (index) + for ids over 12 bytes their length − 8; see
 * docs/performance.md.
 */

const PAGE_BITS = 16;
const PAGE_RECORDS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_RECORDS - 1;
const ARENA_PAGE_BITS = 20;
const ARENA_PAGE = 1 << ARENA_PAGE_BITS;
// keyRef = page << 20 | offset, an int32: 2,047 pages of ids (2 GiB), far beyond any log read in memory.
const MAX_ARENA_PAGES = 2047;
const MULTI_BIT = 1 << 16;
const AMBIGUOUS_BIT = 1 << 17;
const ARM_MASK = MULTI_BIT - 1;
// Record words 0–2 are the lookup's (int32s 0–2, then the id's 12 bytes); the earliest exposure is word 3.
const FIRST = 3;
// An id of up to 12 bytes is kept in the record (bytes 12–23); of a longer
// one, the record keeps where its rest is in the arena (int32 3) and its
// first 8 bytes (bytes 16–23), the arena the rest.
const INLINE = 12;
const ID_AT = 12;
const PREFIX = 8;

/** The most hashes prefetch() takes at once. */
export const PREFETCH_MAX = 64;

/**
 * The hash of the id bytes b[start, end) that find() uses: FNV-1a, then
 * murmur3's finalizer so that ids that differ only in their last characters
 * spread over the low bits used for probing.
 */
export function idHash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** What each metric of the tally needs stored per user. */
export interface MetricColumns {
  revenue: boolean;
}

export class UserTable {
  /** Users so far; their records are 0 … size − 1. */
  size = 0;
  /** Float64 words per record. */
  private readonly words: number;
  /** Where each metric's latest conversion is in a record (word offset); its revenue sum is the next word. */
  private readonly latestAt: Int32Array;
  private readonly leftOutAt: number;
  private readonly initial: Float64Array;
  private readonly f64Pages: Float64Array[] = [];
  private readonly i32Pages: Int32Array[] = [];
  private readonly u8Pages: Uint8Array[] = [];
  private index: Int32Array;
  private mask: number;
  private readonly arena: Uint8Array[] = [];
  private arenaUsed = ARENA_PAGE;
  private scratch = new Uint8Array(64);
  private readonly prefetched = new Int32Array(PREFETCH_MAX);
  private sink = 0;

  constructor(metrics: readonly MetricColumns[], capacity = 1024) {
    this.latestAt = new Int32Array(metrics.length);
    let w = FIRST + 1;
    metrics.forEach((m, i) => {
      this.latestAt[i] = w;
      w += m.revenue ? 2 : 1;
    });
    this.leftOutAt = metrics.some((m) => m.revenue) ? w++ : -1;
    this.words = w;
    // Words FIRST … w − 1 of a new record.
    this.initial = new Float64Array(w - FIRST).fill(-Infinity);
    this.initial[0] = Infinity;
    metrics.forEach((m, i) => {
      if (m.revenue) this.initial[this.latestAt[i] + 1 - FIRST] = 0;
    });
    this.index = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  // ---- the fields of user u's record ----

  /** Earliest exposure to a known arm, epoch ms; Infinity when none. */
  firstExposure(u: number): number {
    return this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + FIRST];
  }

  setFirstExposure(u: number, time: number): void {
    this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + FIRST] = time;
  }

  /** The arm of the earliest exposure seen (index into the tally's arms), −1 when none. */
  arm(u: number): number {
    return (this.state(u) & ARM_MASK) - 1;
  }

  /** True once exposures to two different arms were seen. */
  isMultiArm(u: number): boolean {
    return (this.state(u) & MULTI_BIT) !== 0;
  }

  setArm(u: number, arm: number, multiArm: boolean): void {
    const s = this.state(u);
    this.setState(u, (s & AMBIGUOUS_BIT) | (multiArm ? MULTI_BIT : 0) | (arm + 1));
  }

  /** Latest conversion to metric m, epoch ms; −Infinity when none. */
  latestConversion(u: number, m: number): number {
    return this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + this.latestAt[m]];
  }

  setLatestConversion(u: number, m: number, time: number): void {
    this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + this.latestAt[m]] = time;
  }

  /** Sum of metric m's values counted so far (revenue metrics only). */
  revenue(u: number, m: number): number {
    return this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + this.latestAt[m] + 1];
  }

  addRevenue(u: number, m: number, value: number): void {
    this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + this.latestAt[m] + 1] += value;
  }

  /** Revenue sums back to 0, for the second pass. */
  clearRevenue(u: number, revenueMetrics: readonly number[]): void {
    const page = this.f64Pages[u >>> PAGE_BITS];
    const at = (u & PAGE_MASK) * this.words;
    for (const m of revenueMetrics) page[at + this.latestAt[m] + 1] = 0;
  }

  /** Latest revenue conversion left out because it was before the earliest exposure then known; −Infinity when none. */
  latestLeftOut(u: number): number {
    return this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + this.leftOutAt];
  }

  setLatestLeftOut(u: number, time: number): void {
    this.f64Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words + this.leftOutAt] = time;
  }

  isAmbiguous(u: number): boolean {
    return (this.state(u) & AMBIGUOUS_BIT) !== 0;
  }

  markAmbiguous(u: number): void {
    this.setState(u, this.state(u) | AMBIGUOUS_BIT);
  }

  /** Bytes held: records, index and ids. */
  bytes(): number {
    let n = this.index.byteLength;
    for (const p of this.f64Pages) n += p.byteLength;
    for (const p of this.arena) n += p.byteLength;
    return n;
  }

  // ---- lookup by id ----

  /**
   * The record of the user whose id is the bytes b[start, end) (not empty):
   * one byte per character, or two (UTF-16LE) when `wide`. Created on first
   * sight when `create` is true; else −1 for an unknown id.
   */
  find(b: Uint8Array, start: number, end: number, wide: boolean, create: boolean): number {
    return this.findHashed(idHash(b, start, end), b, start, end, wide, create);
  }

  /**
   * Starts loading what find() will read for the ids of these hashes: their
   * index slots, the records those point to (ids of up to 12 bytes are in
   * them), the rest of longer ids in the arena — three rounds of independent loads, so that a batch of lookups waits for
   * memory about three times instead of three times per lookup. Changes
   * nothing; the lookups themselves follow with findHashed.
   */
  prefetch(hashes: Int32Array, n: number): void {
    const index = this.index;
    const mask = this.mask;
    const got = this.prefetched;
    for (let k = 0; k < n; k++) got[k] = index[hashes[k] & mask];
    for (let k = 0; k < n; k++) {
      const entry = got[k];
      if (entry !== 0 && ((entry ^ hashes[k]) & ~mask) === 0) {
        const u = (entry & mask) - 1;
        const ints = this.i32Pages[u >>> PAGE_BITS];
        const at = (u & PAGE_MASK) * this.words * 2;
        got[k] = ints[at + 1] > INLINE * 2 + 1 ? ints[at + 3] : -1;
      } else got[k] = -1;
    }
    let sink = 0;
    for (let k = 0; k < n; k++) {
      const ref = got[k];
      if (ref >= 0) sink ^= this.arena[ref >>> ARENA_PAGE_BITS][ref & (ARENA_PAGE - 1)];
    }
    // Stored, so that the loads are not optimised away.
    this.sink = sink;
  }

  /** find() for an id whose idHash() is `h`. */
  findHashed(h: number, b: Uint8Array, start: number, end: number, wide: boolean, create: boolean): number {
    const lenCode = (end - start) * 2 + (wide ? 1 : 0);
    const index = this.index;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const entry = index[slot];
      if (entry === 0) break;
      // The hash bits above the mask are stored in the entry: a slot of another id
      // nearly always differs there, and then its record is not read at all.
      if (((entry ^ h) & ~mask) === 0) {
        const u = (entry & mask) - 1;
        const ints = this.i32Pages[u >>> PAGE_BITS];
        const at = (u & PAGE_MASK) * this.words * 2;
        if (ints[at] === h && ints[at + 1] === lenCode && this.sameId(u, b, start, end)) return u;
      }
      slot = (slot + 1) & mask;
    }
    if (!create) return -1;
    const u = this.size++;
    if ((u & PAGE_MASK) === 0) this.addPage();
    const page = this.f64Pages[u >>> PAGE_BITS];
    page.set(this.initial, (u & PAGE_MASK) * this.words + FIRST);
    const ints = this.i32Pages[u >>> PAGE_BITS];
    const at = (u & PAGE_MASK) * this.words * 2;
    ints[at] = h;
    ints[at + 1] = lenCode;
    ints[at + 2] = 0;
    const bytes = this.u8Pages[u >>> PAGE_BITS];
    const to = (u & PAGE_MASK) * this.words * 8 + ID_AT;
    if (end - start > INLINE) {
      for (let i = 0; i < PREFIX; i++) bytes[to + 4 + i] = b[start + i];
      ints[at + 3] = this.storeId(b, start + PREFIX, end);
    } else {
      for (let i = start; i < end; i++) bytes[to + i - start] = b[i];
    }
    if (this.size * 2 > mask + 1) this.growIndex();
    else index[slot] = (h & ~mask) | (u + 1);
    return u;
  }

  /** find() by a string id: its characters as one byte each when all are below U+0100, else two. */
  findString(id: string, create: boolean): number {
    let wide = false;
    for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0xff) wide = true;
    const n = wide ? id.length * 2 : id.length;
    if (this.scratch.length < n) this.scratch = new Uint8Array(n * 2);
    const b = this.scratch;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (wide) {
        b[2 * i] = c & 0xff;
        b[2 * i + 1] = c >>> 8;
      } else b[i] = c;
    }
    return this.find(b, 0, n, wide, create);
  }

  private state(u: number): number {
    return this.i32Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words * 2 + 2];
  }

  private setState(u: number, s: number): void {
    this.i32Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words * 2 + 2] = s;
  }

  private addPage(): void {
    const buffer = new ArrayBuffer(PAGE_RECORDS * this.words * 8);
    this.f64Pages.push(new Float64Array(buffer));
    this.i32Pages.push(new Int32Array(buffer));
    this.u8Pages.push(new Uint8Array(buffer));
  }

  /** True when user u's id is b[start, end) (the lengths are known to be equal). */
  private sameId(u: number, b: Uint8Array, start: number, end: number): boolean {
    const record = this.u8Pages[u >>> PAGE_BITS];
    const at = (u & PAGE_MASK) * this.words * 8 + ID_AT;
    if (end - start <= INLINE) {
      for (let i = start; i < end; i++) if (record[at + i - start] !== b[i]) return false;
      return true;
    }
    for (let i = 0; i < PREFIX; i++) if (record[at + 4 + i] !== b[start + i]) return false;
    const ref = this.i32Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words * 2 + 3];
    const rest = this.arena[ref >>> ARENA_PAGE_BITS];
    const from = (ref & (ARENA_PAGE - 1)) - start - PREFIX;
    for (let i = start + PREFIX; i < end; i++) if (rest[from + i] !== b[i]) return false;
    return true;
  }

  private storeId(b: Uint8Array, start: number, end: number): number {
    const n = end - start;
    let bytes = this.arena[this.arena.length - 1];
    if (this.arenaUsed + n > (bytes?.length ?? 0)) {
      // An id longer than a page gets a page of its own.
      if (this.arena.length >= MAX_ARENA_PAGES) throw new RangeError('too many distinct users for one analysis');
      bytes = new Uint8Array(Math.max(ARENA_PAGE, n));
      this.arena.push(bytes);
      this.arenaUsed = 0;
    }
    const ref = ((this.arena.length - 1) << ARENA_PAGE_BITS) | this.arenaUsed;
    let at = this.arenaUsed;
    for (let i = start; i < end; i++) bytes[at++] = b[i];
    this.arenaUsed = at;
    return ref;
  }

  private growIndex(): void {
    const capacity = (this.mask + 1) * 2;
    const index = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let u = 0; u < this.size; u++) {
      const h = this.i32Pages[u >>> PAGE_BITS][(u & PAGE_MASK) * this.words * 2];
      let slot = h & mask;
      while (index[slot] !== 0) slot = (slot + 1) & mask;
      index[slot] = (h & ~mask) | (u + 1);
    }
    this.index = index;
    this.mask = mask;
  }
}
