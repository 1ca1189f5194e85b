// The batch-evaluation fixture shared by eval-batch.mjs and scale.mjs: N
// contexts as JSON Lines, and the floor script that answers the repository's
// new-orchestrator-v2 flag for each of them by hand (same md5 bucketing).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lineWriter } from './lib.mjs';

/** Writes `n` contexts (one in 50 a beta tenant, a third enterprise) to `dir/contexts.jsonl` and returns its path. */
export function writeContexts(dir, n) {
  const file = path.join(dir, 'contexts.jsonl');
  const out = lineWriter(file);
  for (let i = 0; i < n; i++) {
    const tenant = i % 50 === 0 ? `tenant-beta-${(i % 2) + 1}` : `tenant-${i % 977}`;
    out.line(JSON.stringify({ user: { id: `user-${i}` }, tenant: { id: tenant, type: i % 3 ? 'free' : 'enterprise' }, environment: 'production' }));
  }
  out.close();
  return file;
}

/** Writes the hand-written floor into `dir` and returns its path (argument: the contexts file; output: one JSON answer a line). */
export function writeEvalFloor(dir) {
  const floorScript = path.join(dir, 'floor-eval.mjs');
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
  return floorScript;
}
