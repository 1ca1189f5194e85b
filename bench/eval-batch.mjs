// 3. Batch evaluation: `flags eval new-orchestrator-v2 --contexts` over 100,000
// contexts vs a plain script that reads the same file and computes the same
// answers with hand-written logic and the same md5 bucketing.
import { spawnSync } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, interleave, removeDir, report, ROOT, tempDir, timeProcess } from './lib.mjs';

const N = Number(process.env.BENCH_CONTEXTS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = tempDir();
try {
  const contexts = path.join(dir, 'contexts.jsonl');
  const lines = [];
  for (let i = 0; i < N; i++) {
    const tenant = i % 50 === 0 ? `tenant-beta-${(i % 2) + 1}` : `tenant-${i % 977}`;
    lines.push(JSON.stringify({ user: { id: `user-${i}` }, tenant: { id: tenant, type: i % 3 ? 'free' : 'enterprise' }, environment: 'production' }));
  }
  writeFileSync(contexts, lines.join('\n') + '\n');

  const floorScript = path.join(dir, 'floor.mjs');
  writeFileSync(
    floorScript,
    `import { readFileSync, writeSync } from 'node:fs';
import { hash, createHash } from 'node:crypto';
const md5 = hash ? (s) => hash('md5', s, 'hex') : (s) => createHash('md5').update(s).digest('hex');
const beta = new Set(['tenant-beta-1', 'tenant-beta-2']);
let out = '';
for (const line of readFileSync(process.argv[2], 'utf8').split('\\n')) {
  if (!line) continue;
  const c = JSON.parse(line);
  let r;
  if (beta.has(c.tenant?.id)) r = '{"key":"new-orchestrator-v2","value":true,"reason":"RULE_MATCH","ruleId":"beta-testers"}';
  else {
    const k = c.user?.id || c.tenant?.id || 'anonymous';
    const h = parseInt(md5('new-orchestrator-v2:' + k).slice(0, 8), 16);
    r = h % 100 < 10 ? '{"key":"new-orchestrator-v2","value":true,"reason":"FALLTHROUGH"}' : '{"key":"new-orchestrator-v2","value":false,"reason":"DEFAULT"}';
  }
  out += r + '\\n';
  if (out.length > 65536) { writeSync(1, out); out = ''; }
}
writeSync(1, out);
`,
  );
  const devnull = () => openSync('/dev/null', 'w');
  const flagsDir = path.join(ROOT, 'flags');
  // The floor must compute the same answers, or the ratio means nothing.
  const ours = spawnSync(process.execPath, [BIN, 'eval', 'new-orchestrator-v2', '--dir', flagsDir, '--contexts', contexts], { maxBuffer: 1 << 30, encoding: 'utf8' }).stdout;
  const theirs = spawnSync(process.execPath, [floorScript, contexts], { maxBuffer: 1 << 30, encoding: 'utf8' }).stdout;
  if (ours !== theirs) throw new Error('flags eval --contexts and the floor script disagree');
  const r = interleave({
    subject: () => timeProcess(process.execPath, [BIN, 'eval', 'new-orchestrator-v2', '--dir', flagsDir, '--contexts', contexts], { stdout: devnull() }),
    floor: () => timeProcess(process.execPath, [floorScript, contexts], { stdout: devnull() }),
    runs,
    warmup: 1,
  });
  report({
    name: `batch evaluation (${N.toLocaleString('en-US')} contexts)`,
    subjectLabel: 'flags eval --contexts',
    floorLabel: 'plain script',
    unit: 'ms',
    subject: r.subject.median,
    floor: r.floor.median,
    ratio: r.ratio,
    ratioMin: r.ratioMin,
    ratioMax: r.ratioMax,
    target: 2,
  });
} finally {
  removeDir(dir);
}
