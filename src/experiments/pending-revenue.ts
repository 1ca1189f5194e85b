/**
 * Revenue conversions the tally left out because they came before the
 * user's earliest exposure seen so far (see tally.ts): kept here, up to a
 * fixed number, so that when a later line moves the exposure back they can
 * still be counted without reading the log a second time. Each entry is 24
 * bytes in typed arrays (user record, metric, time, value); beyond
 * `capacity` entries the tally falls back to its second pass, so memory
 * stays bounded whatever the log.
 */
export class PendingRevenue {
  size = 0;
  private users = new Int32Array(1024);
  private metrics = new Int32Array(1024);
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);

  constructor(readonly capacity: number) {}

  /** False when full (the caller then uses the second pass for this conversion). */
  add(user: number, metric: number, time: number, value: number): boolean {
    const n = this.size;
    if (n === this.capacity) return false;
    if (n === this.users.length) this.grow();
    this.users[n] = user;
    this.metrics[n] = metric;
    this.times[n] = time;
    this.values[n] = value;
    this.size = n + 1;
    return true;
  }

  /**
   * Calls `settle(user, metric, time, value)` for each entry; an entry for
   * which it returns true is done and removed, the others stay.
   */
  sweep(settle: (user: number, metric: number, time: number, value: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.size; i++) {
      if (settle(this.users[i], this.metrics[i], this.times[i], this.values[i])) continue;
      this.users[kept] = this.users[i];
      this.metrics[kept] = this.metrics[i];
      this.times[kept] = this.times[i];
      this.values[kept] = this.values[i];
      kept++;
    }
    this.size = kept;
  }

  bytes(): number {
    return this.users.byteLength + this.metrics.byteLength + this.times.byteLength + this.values.byteLength;
  }

  private grow(): void {
    const n = Math.min(this.users.length * 2, this.capacity);
    const users = new Int32Array(n);
    const metrics = new Int32Array(n);
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    users.set(this.users);
    metrics.set(this.metrics);
    times.set(this.times);
    values.set(this.values);
    this.users = users;
    this.metrics = metrics;
    this.times = times;
    this.values = values;
  }
}
