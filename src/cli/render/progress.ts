/**
 * A progress line on stderr for long batches, only when stderr is a terminal
 * (never in piped output). Throttled so redrawing costs nothing measurable.
 */
import type { OutStream } from '../io.js';

export interface Progress {
  update(read: number, total: number, items: number): void;
  done(): void;
}

export function createProgress(stderr: OutStream, label: string): Progress {
  if (!stderr.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(read, total, items) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      const pct = total > 0 ? ` (${Math.min(100, Math.floor((read / total) * 100))}%)` : '';
      stderr.write(`\r${label}: ${items.toLocaleString('en-US')}${pct}\u001b[K`);
    },
    done() {
      if (shown) stderr.write('\r\u001b[K');
    },
  };
}
