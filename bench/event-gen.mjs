// Generated experiment events with every kind of noise the attribution must
// survive, for the "all paths agree" tests and the sharded-log bench
// (issue 18). Deterministic: the same options give the same lines.
//
// Noise: exact duplicate lines, repeated exposures, users exposed to two arms,
// conversions before exposure and from users never exposed, events before
// the window's start and after its end (exposures to another arm there
// included, which must not make a user multi-arm), exposures to a variant
// that is not an arm, other experiments' events, timestamps with offsets,
// revenue conversions with and without a value, torn lines inside and at the
// end of files. Lines are shuffled, so no path may depend on their order.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** mulberry32: a small seeded PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms, offsetMinutes = 0) => {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60000).toISOString().slice(0, 23);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const o = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(o / 60)).padStart(2, '0')}:${String(o % 60).padStart(2, '0')}`;
};

/**
 * @param {{ users: number, seed?: number, experimentId?: string, arms?: string[], start: number, end: number,
 *   primary?: string, revenue?: string, noise?: boolean }} o  start/end: the window in epoch ms
 * @returns {string[]} lines without newlines (torn ones included when noise is on)
 */
export function generateEvents(o) {
  const rand = rng(o.seed ?? 1);
  const id = o.experimentId ?? 'checkout';
  const arms = o.arms ?? ['blue', 'green'];
  const primary = o.primary ?? 'purchase';
  const revenue = o.revenue ?? 'revenue';
  const noise = o.noise ?? true;
  const span = o.end - o.start;
  const lines = [];
  const ev = (type, userId, ms, extra = {}) => {
    const offset = noise && rand() < 0.1 ? 120 : 0;
    const e = { type, experimentId: id, userId, ...extra, timestamp: iso(ms, offset) };
    lines.push(JSON.stringify(e));
  };
  for (let u = 0; u < o.users; u++) {
    const user = `user-${u}`;
    const arm = Math.floor(rand() * arms.length);
    const exposedAt = o.start + Math.floor(rand() * span * 0.8);
    const neverExposed = noise && rand() < 0.02;
    if (!neverExposed) {
      ev('exposure', user, exposedAt, { variant: arms[arm] });
      if (rand() < 0.3) ev('exposure', user, exposedAt + Math.floor(rand() * span * 0.1), { variant: arms[arm] });
      if (noise && rand() < 0.02) ev('exposure', user, exposedAt + 1000, { variant: arms[(arm + 1) % arms.length] });
      if (noise && rand() < 0.02) ev('exposure', user, o.start - 1 - Math.floor(rand() * 86400000), { variant: arms[(arm + 1) % arms.length] });
      if (noise && rand() < 0.01) ev('exposure', user, exposedAt, { variant: 'not-an-arm' });
    }
    // Never-exposed users convert often, so conversions without exposure show up in small logs too.
    const p = neverExposed ? 0.5 : 0.1 + 0.02 * arm;
    if (rand() < p) {
      const at = neverExposed || !(noise && rand() < 0.05) ? exposedAt + Math.floor(rand() * (o.end - exposedAt)) : exposedAt - 1 - Math.floor(rand() * 3600000);
      ev('conversion', user, at, { metric: primary });
      if (rand() < 0.2) ev('conversion', user, at + 5, { metric: primary });
    }
    if (rand() < 0.15) {
      const at = exposedAt + Math.floor(rand() * (o.end - exposedAt));
      ev('conversion', user, at, rand() < 0.9 ? { metric: revenue, value: Math.floor(rand() * 400) / 4 } : { metric: revenue });
      if (rand() < 0.3) ev('conversion', user, at + 10, { metric: revenue, value: Math.floor(rand() * 200) / 4 });
    }
    if (noise && rand() < 0.02) ev('conversion', user, o.end + Math.floor(rand() * 86400000), { metric: primary });
    if (noise && rand() < 0.02) {
      lines.push(JSON.stringify({ type: 'exposure', experimentId: 'other-experiment', userId: user, variant: 'a', timestamp: iso(exposedAt) }));
    }
  }
  if (noise) {
    const dupes = Math.floor(lines.length * 0.03);
    for (let i = 0; i < dupes; i++) lines.push(lines[Math.floor(rand() * lines.length)]);
  }
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  if (noise) {
    // Torn lines inside the log (a crashed writer, then the appender's repair newline).
    for (let k = 0; k < 3; k++) {
      const at = Math.floor(rand() * lines.length);
      lines.splice(at, 0, lines[at].slice(0, 20));
    }
  }
  return lines;
}

/**
 * Writes the lines into `files.length` files round-robin by chunk; a file
 * whose name ends in .gz is gzipped. With `tornEnd`, the last file ends with
 * a torn line (no newline).
 */
export function writeShards(lines, files, { tornEnd = false } = {}) {
  const per = Math.ceil(lines.length / files.length);
  files.forEach((file, i) => {
    let text = lines.slice(i * per, (i + 1) * per).map((l) => `${l}\n`).join('');
    if (tornEnd && i === files.length - 1) text += '{"type":"conversion","experimentId":"chec';
    const data = Buffer.from(text);
    writeFileSync(file, file.endsWith('.gz') ? gzipSync(data) : data);
  });
}
