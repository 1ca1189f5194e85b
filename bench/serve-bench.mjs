// `flags serve` (SPEC 7): single-flag OFREP evaluations per second with 50
// keep-alive connections, against a floor: a bare node:http server that reads
// and parses the same request body and answers a constant JSON. The load comes
// from autocannon in a second process, as it would from other machines.
// Reported as time per request (lower is better): target ≤ 1.43× the floor,
// i.e. at least 0.7× its throughput; p99 latency of both in the notes.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BIN, median, removeDir, report, ROOT, tempDir } from './lib.mjs';

const require = createRequire(import.meta.url);
const rounds = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const body = JSON.stringify({ context: { targetingKey: 'user-1', tenant: { id: 'tenant-7', type: 'enterprise' } } });

const FLOOR = `
const http = require('node:http');
const answer = JSON.stringify({ key: 'parallel-agents-limit', value: 15, reason: 'TARGETING_MATCH', metadata: { flagyardReason: 'RULE_MATCH', ruleId: 'enterprise-higher-limit' } });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => console.log('OFREP on http://127.0.0.1:' + server.address().port + '/'));
process.on('SIGTERM', () => process.exit(0));
`;

function start(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /OFREP on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

function load(url) {
  const out = execFileSync(
    process.execPath,
    [require.resolve('autocannon/autocannon.js'), '-c', '50', '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-j', `${url}/ofrep/v1/evaluate/flags/parallel-agents-limit`],
    { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const r = JSON.parse(out);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

const dir = tempDir();
try {
  cpSync(path.join(ROOT, 'flags'), path.join(dir, 'flags'), { recursive: true });
  const ours = await start([BIN, 'serve', '--port', '0'], dir);
  const floor = await start(['-e', FLOOR], dir);
  try {
    load(ours.url); // warm-up (JIT), not counted
    load(floor.url);
    const a = [];
    const b = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2) {
        a.push(load(ours.url));
        b.push(load(floor.url));
      } else {
        b.push(load(floor.url));
        a.push(load(ours.url));
      }
    }
    const nsPerRequest = (x) => 1e9 / x.rps;
    const ratios = a.map((x, i) => nsPerRequest(x) / nsPerRequest(b[i]));
    const rpsOurs = median(a.map((x) => x.rps));
    const rpsFloor = median(b.map((x) => x.rps));
    report({
      name: 'serve: single evaluations, 50 connections',
      subjectLabel: 'flags serve',
      floorLabel: 'bare node:http',
      unit: 'ns',
      subject: 1e9 / rpsOurs,
      floor: 1e9 / rpsFloor,
      ratio: rpsFloor / rpsOurs,
      ratioMin: Math.min(...ratios),
      ratioMax: Math.max(...ratios),
      target: 1.43,
      extra: `${rpsOurs.toFixed(0)} req/s = ${(rpsOurs / rpsFloor).toFixed(2)}× the floor's ${rpsFloor.toFixed(0)} req/s (goal ≥ 0.7×); p99 ${median(a.map((x) => x.p99))} ms vs ${median(b.map((x) => x.p99))} ms`,
    });
  } finally {
    ours.child.kill('SIGTERM');
    floor.child.kill('SIGTERM');
  }
} finally {
  removeDir(dir);
}
