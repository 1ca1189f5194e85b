// Validation at CI scale: `flags validate` over 5,000 one-flag files vs a
// plain script that only reads the same files and parses them with yaml's
// parseDocument (the floor: what any YAML-based validator must pay). Runs are
// interleaved; the figure is the ratio of medians. Target ≤ 2× (issue: 2.5×).
//
// Usage: node bench/validate-bench.mjs [--json]   (after `npm run build`)
// Env: BENCH_FILES (default 5000), BENCH_RUNS (default 7).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, interleave, median, removeDir, report, ROOT, tempDir, timeProcess } from './lib.mjs';

const N = Number(process.env.BENCH_FILES ?? 5000);
const runs = Number(process.env.BENCH_RUNS ?? 7);

/**
 * A valid flag of one of a few realistic shapes (rules with every operator
 * family, variants, environments). Every regex is distinct, so no cache helps.
 */
function flagFile(i) {
  const key = `flag-${String(i).padStart(5, '0')}`;
  const head = `# Generated for the validation benchmark\nkey: ${key}\nname: Flag ${i}\ndescription: Benchmark flag number ${i}\n`;
  const tail = `tags: [bench, team-${i % 17}]\nowner: team-${i % 17}\ncreatedAt: 2026-01-${String((i % 28) + 1).padStart(2, '0')}T09:00:00Z\n`;
  switch (i % 4) {
    case 0:
      return `${head}type: boolean\ndefaultValue: false\nenabled: true\nrules:
  - id: enterprise
    description: Enterprise tenants
    conditions:
      - attribute: tenant.type
        operator: equals
        value: enterprise
      - attribute: user.email
        operator: regex
        value: "^[a-z.]+@(example|team-${i})\\\\.com$"
    value: true
  - id: beta
    conditions:
      - attribute: tenant.id
        operator: in
        value: [tenant-${i}, tenant-${i + 1}, tenant-${i + 2}]
    percentage: 25.5
    value: true
fallthrough:
  percentage: 10
  value: true
${tail}`;
    case 1:
      return `${head}type: number\ndefaultValue: 4\nenabled: true\nrules:
  - id: big
    conditions:
      - attribute: attributes.seats
        operator: gte
        value: 100
    value: 15
  - id: app
    conditions:
      - attribute: app.version
        operator: semver_gte
        value: "2.${i % 10}"
      - attribute: user.id
        operator: exists
    value: 10
environments:
  staging:
    enabled: true
    value: 20
  production:
    enabled: true
${tail}`;
    case 2:
      return `${head}type: string\ndefaultValue: control\nenabled: true\nrules: []
variants:
  - key: control
    name: Control
    value: control
    weight: 33.34
  - key: a
    name: A
    value: a
    weight: 33.33
  - key: b
    name: B
    value: b
    weight: 33.33
${tail}`;
    default:
      return `${head}type: json\ndefaultValue: {limits: {max: 3}, regions: [eu, us]}\nenabled: false\nkillSwitch: false\nrules:
  - id: eu
    conditions:
      - attribute: tenant.region
        operator: not_in
        value: [us, ca]
      - attribute: user.name
        operator: contains
        value: test
    value: {limits: {max: 10}, regions: [eu]}
${tail}`;
  }
}

const dir = tempDir();
try {
  const flagsDir = path.join(dir, 'flags');
  mkdirSync(flagsDir);
  for (let i = 0; i < N; i++) writeFileSync(path.join(flagsDir, `flag-${String(i).padStart(5, '0')}.yaml`), flagFile(i));

  const floorScript = path.join(dir, 'floor.mjs');
  const yamlUrl = pathToFileURL(path.join(ROOT, 'node_modules/yaml/dist/index.js')).href;
  writeFileSync(
    floorScript,
    `import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from ${JSON.stringify(yamlUrl)};
const dir = process.argv[2];
let errors = 0;
for (const name of readdirSync(dir).sort()) {
  if (!/\\.ya?ml$/.test(name)) continue;
  errors += parseDocument(readFileSync(path.join(dir, name), 'utf8')).errors.length;
}
process.stdout.write(errors + ' errors\\n');
`,
  );

  // The subject must find these files valid, or it is not measuring the happy path.
  const check = spawnSync(process.execPath, [BIN, 'validate', '--strict', '--dir', flagsDir], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`flags validate found problems in the generated flags:\n${check.stdout}${check.stderr}`);
  if (!check.stdout.startsWith(`✓ ${N} flags in ${N} files are valid`)) throw new Error(`unexpected summary: ${check.stdout}`);

  // Wall time is the figure; CPU time (user + sys, when /usr/bin/time exists)
  // is printed beside it because it is far less sensitive to a busy machine.
  const cpu = { subject: [], floor: [] };
  const timed = (side, args) => {
    if (!existsSync('/usr/bin/time')) return timeProcess(process.execPath, args);
    const out = path.join(dir, `${side}.time`);
    const ms = timeProcess('/usr/bin/time', ['-o', out, '-f', '%U %S', process.execPath, ...args]);
    const [user, sys] = readFileSync(out, 'utf8').trim().split(/\s+/).map(Number);
    cpu[side].push((user + sys) * 1000);
    return ms;
  };
  const r = interleave({
    subject: () => timed('subject', [BIN, 'validate', '--dir', flagsDir]),
    floor: () => timed('floor', [floorScript, flagsDir]),
    runs,
    warmup: 1,
  });
  const cpuExtra = cpu.subject.length > 0 ? `CPU time ${(median(cpu.subject) / median(cpu.floor)).toFixed(2)}× (${median(cpu.subject).toFixed(0)} vs ${median(cpu.floor).toFixed(0)} ms)` : undefined;
  report({
    name: `validate (${N.toLocaleString('en-US')} one-flag files)`,
    subjectLabel: 'flags validate',
    floorLabel: 'read + parseDocument',
    unit: 'ms',
    subject: r.subject.median,
    floor: r.floor.median,
    ratio: r.ratio,
    ratioMin: r.ratioMin,
    ratioMax: r.ratioMax,
    target: 2,
    extra: cpuExtra,
  });
} finally {
  removeDir(dir);
}
