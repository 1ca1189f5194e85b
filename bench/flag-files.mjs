// The generated flag set shared by the validation and scale benchmarks: N
// one-flag files of a few realistic shapes, and the floor script any
// YAML-based validator must pay (read every file, yaml's parseDocument).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

/**
 * A valid flag of one of a few realistic shapes (rules with every operator
 * family, variants, environments). Every regex is distinct, so no cache helps.
 */
export function flagFile(i) {
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
    weight: 34
  - key: a
    name: A
    value: a
    weight: 33
  - key: b
    name: B
    value: b
    weight: 33
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

/** Writes `n` flag files into `dir/flags` (created) and returns that folder. */
export function writeFlagSet(dir, n) {
  const flagsDir = path.join(dir, 'flags');
  mkdirSync(flagsDir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(flagsDir, `flag-${String(i).padStart(5, '0')}.yaml`), flagFile(i));
  return flagsDir;
}

/** Writes the read + parseDocument floor script into `dir` and returns its path (argument: the flags folder). */
export function writeParseFloor(dir, parser = 'yaml') {
  const floorScript = path.join(dir, `floor-parse-${parser}.mjs`);
  // yaml's parseDocument (the document with every node's position: what a
  // validator that places findings needs), or js-yaml's load (data only, the
  // fastest YAML reader we know of; flags reads clean files with it).
  const [file, importLine, parse] =
    parser === 'yaml'
      ? ['node_modules/yaml/dist/index.js', 'import { parseDocument } from', '(text) => parseDocument(text).errors.length']
      : ['node_modules/js-yaml/dist/js-yaml.mjs', 'import { load } from', '(text) => (load(text), 0)'];
  const url = pathToFileURL(path.join(ROOT, file)).href;
  writeFileSync(
    floorScript,
    `import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
${importLine} ${JSON.stringify(url)};
const errorsOf = ${parse};
const dir = process.argv[2];
let errors = 0;
for (const name of readdirSync(dir).sort()) {
  if (!/\\.ya?ml$/.test(name)) continue;
  errors += errorsOf(readFileSync(path.join(dir, name), 'utf8'));
}
process.stdout.write(errors + ' errors\\n');
`,
  );
  return floorScript;
}
