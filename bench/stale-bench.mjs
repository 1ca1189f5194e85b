// `flags stale` on a long history: a repository generated with git fast-import
// (BENCH_COMMITS commits, default 5,000, over BENCH_FLAGS one-flag files,
// default 200, each commit changing one flag; plus 500 code files naming them)
// vs a floor script that reads every version of every flag file from git and
// parses it with yaml's parseDocument: what attributing changes to flags by
// their parsed value costs at the least. One `git log` pass and one `git
// cat-file` keep the subject independent of the number of flags (a `git log`
// per flag would cost BENCH_FLAGS git runs). Target ≤ 2×.
//
// Usage: node bench/stale-bench.mjs [--json]   (after `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, interleave, removeDir, reportInterleaved, ROOT, tempDir, timeProcess } from './lib.mjs';

const COMMITS = Number(process.env.BENCH_COMMITS ?? 5000);
const FLAGS = Number(process.env.BENCH_FLAGS ?? 200);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const DAY = 86400;
const now = Math.floor(Date.now() / 1000);

const key = (i) => `flag-${String(i).padStart(4, '0')}`;
function flagFile(i, version) {
  // Versions walk a rollout up to 100%, then some flags are killed.
  // Most flags climb to 100% and stay there; every fifth keeps cycling (a live rollout).
  const pct = i % 5 === 0 ? 5 * ((version % 19) + 1) : Math.min(100, 5 * (version + 1));
  const killed = i % 7 === 0 && pct === 100;
  return `key: ${key(i)}\nname: Flag ${i}\ndescription: "bench flag ${i}, revision ${version}"\ntype: boolean\ndefaultValue: false\nenabled: ${!killed}\nrules:\n  - id: beta\n    conditions:\n      - attribute: tenant.id\n        operator: in\n        value: [t-${i}, t-${i + 1}]\n    value: true\nfallthrough:\n  percentage: ${pct}\n  value: true\ntags: [bench]\nowner: team-${i % 9}\n${killed ? 'killSwitch: true\n' : ''}`;
}

const dir = process.env.BENCH_KEEP ?? tempDir();
try {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  // One fast-import stream: blobs inline, one commit per change, dates spread over two years.
  const chunks = [];
  const versions = new Array(FLAGS).fill(0);
  for (let c = 0; c < COMMITS; c++) {
    const t = now - Math.floor(((COMMITS - c) / COMMITS) * 730 * DAY);
    const files = [];
    if (c === 0) {
      for (let i = 0; i < FLAGS; i++) files.push([`flags/${key(i)}.yaml`, flagFile(i, 0)]);
      for (let f = 0; f < 500; f++) files.push([`src/module-${f}.ts`, `import { flags } from './flags';\nexport const on${f} = flags.isEnabled('${key((f * 7) % (FLAGS * 4))}', ctx);\nexport const n${f} = ${f};\n`]);
    } else {
      // Recent commits touch a few flags only, so older ones go quiet and become stale.
      const i = c > COMMITS * 0.8 ? c % Math.ceil(FLAGS / 4) : (c * 31) % FLAGS;
      versions[i]++;
      files.push([`flags/${key(i)}.yaml`, flagFile(i, versions[i])]);
    }
    let s = `commit refs/heads/main\ncommitter Bench <b@example.com> ${t} +0000\ndata 7\nchange\n`;
    for (const [p, text] of files) s += `M 100644 inline ${p}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
    chunks.push(s);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: chunks.join('') });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });

  const env = { ...process.env, TZ: 'UTC' };
  const check = spawnSync(process.execPath, [BIN, 'stale', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (check.status !== 0) throw new Error(`flags stale failed: ${check.stderr}`);
  const out = JSON.parse(check.stdout);
  if (out.commits !== COMMITS || out.flags.length !== FLAGS) throw new Error(`unexpected report: ${out.commits} commits, ${out.flags.length} flags`);
  const actions = {};
  for (const f of out.flags) actions[f.action] = (actions[f.action] ?? 0) + 1;

  // The floor: list the changed files of every commit (git log --raw), read every version (git cat-file
  // --batch) and parse each with yaml's parseDocument — what attributing changes to flags by their parsed
  // value costs at the least, before comparing anything.
  const floorScript = path.join(dir, '.git', 'floor.mjs');
  const yamlUrl = pathToFileURL(path.join(ROOT, 'node_modules/yaml/dist/index.js')).href;
  writeFileSync(
    floorScript,
    `import { execFileSync } from 'node:child_process';
import { parseDocument } from ${JSON.stringify(yamlUrl)};
const log = execFileSync('git', ['log', '--first-parent', '--no-renames', '--no-abbrev', '--raw', '--format=', 'HEAD', '--', 'flags/'], { encoding: 'utf8', maxBuffer: 1 << 30 });
const blobs = [...new Set(log.split('\\n').filter((l) => l.startsWith(':')).map((l) => l.split(' ')[3]))];
const out = execFileSync('git', ['cat-file', '--batch'], { input: blobs.join('\\n') + '\\n', maxBuffer: 1 << 30 });
let pos = 0, n = 0;
while (pos < out.length) {
  const eol = out.indexOf(10, pos);
  const size = Number(out.subarray(pos, eol).toString().split(' ')[2]);
  parseDocument(out.subarray(eol + 1, eol + 1 + size).toString('utf8')).toJS();
  pos = eol + 1 + size + 1;
  n++;
}
process.stdout.write(n + ' versions\\n');
`,
  );
  const r = interleave({
    subject: () => timeProcess(process.execPath, [BIN, 'stale', '--json'], { cwd: dir, env }),
    floor: () => timeProcess(process.execPath, [floorScript], { cwd: dir, env }),
    runs,
    warmup: 1,
  });
  reportInterleaved(r, {
    name: `stale (${COMMITS.toLocaleString('en-US')} commits, ${FLAGS} flags, 500 code files)`,
    subjectLabel: 'flags stale',
    floorLabel: 'git log + cat-file + parseDocument',
    unit: 'ms',
    target: 2,
    extra: Object.entries(actions).map(([a, n]) => `${n} ${a}`).join(', '),
  });
} finally {
  if (!process.env.BENCH_KEEP) removeDir(dir);
}
