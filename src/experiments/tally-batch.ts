/**
 * Scanned events waiting for their user lookup (tally.ts). With hundreds of
 * thousands of users, a lookup is a few cache misses in a row (index slot,
 * record, id bytes) and the CPU waits for each; looking up a few dozen events'
 * users together lets those waits overlap (UserTable.prefetch). So the tally
 * collects the events it would apply, each with its user's id bytes copied
 * (the reader reuses its buffer) and the id's hash, and applies them in order
 * when the batch is full or before anything reads the counts.
 *
 * Only events that are certain to be applied wait here (this experiment,
 * inside the window, a known arm or metric); their order is kept, and the
 * tally applies the batch before any line it has to parse, so events are
 * applied in exactly the order of the lines.
 */
import { PREFETCH_MAX, idHash } from './user-table.js';

export class EventBatch {
  size = 0;
  /** Per event: the arm (≥ 0) of an exposure, or −1 − metric of a conversion. */
  readonly what = new Int32Array(PREFETCH_MAX);
  readonly time = new Float64Array(PREFETCH_MAX);
  /** A conversion's value (0 when it had none: only revenue reads it, as value ?? 0). */
  readonly value = new Float64Array(PREFETCH_MAX);
  readonly hash = new Int32Array(PREFETCH_MAX);
  /** The user id of event k is ids[idEnd[k − 1] (0 for the first), idEnd[k]). */
  readonly idEnd = new Int32Array(PREFETCH_MAX);
  ids = new Uint8Array(PREFETCH_MAX * 32);

  /** Adds an event whose user id is b[start, end); true when the batch is now full. */
  add(what: number, time: number, value: number, b: Uint8Array, start: number, end: number): boolean {
    const k = this.size;
    const at = k === 0 ? 0 : this.idEnd[k - 1];
    const n = end - start;
    if (at + n > this.ids.length) {
      const ids = new Uint8Array(Math.max(this.ids.length * 2, at + n));
      ids.set(this.ids.subarray(0, at));
      this.ids = ids;
    }
    const ids = this.ids;
    for (let i = 0; i < n; i++) ids[at + i] = b[start + i];
    this.what[k] = what;
    this.time[k] = time;
    this.value[k] = value;
    this.hash[k] = idHash(b, start, end);
    this.idEnd[k] = at + n;
    this.size = k + 1;
    return k + 1 === PREFETCH_MAX;
  }
}
