// The baseline of bench/results-bench.mjs: read an event log and JSON.parse
// every line, nothing else. It reads the way the fastest plain script would
// (1 MiB readSync chunks, one decode per chunk, split on '\n'), so the
// comparison is against the best plain pass, not a slow one.
// `--readline` uses node:readline instead, for reference.
// Prints {ms, cpuMs, maxRssKiB, lines} as JSON.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';

const path = process.argv[2];
const useReadline = process.argv.includes('--readline');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let lines = 0;
let sink = 0;

if (useReadline) {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.length === 0) continue;
    try {
      sink += JSON.parse(line).userId.length;
    } catch {}
    lines++;
  }
} else {
  const fd = openSync(path, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let filled = 0;
  for (;;) {
    if (filled === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) break;
    filled += n;
    const last = buf.lastIndexOf(0x0a, filled - 1);
    if (last < 0) continue;
    const text = buf.toString('utf8', 0, last);
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      const line = end === -1 ? text.slice(start) : text.slice(start, end);
      if (line.length > 0) {
        try {
          sink += JSON.parse(line).userId.length;
        } catch {}
        lines++;
      }
      if (end === -1) break;
      start = end + 1;
    }
    buf.copy(buf, 0, last + 1, filled);
    filled -= last + 1;
  }
  closeSync(fd);
}

const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
// CPU time (user + system) is what the pass cost; on a loaded machine wall time is mostly waiting for a core.
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS, lines, sink }) + '\n');
