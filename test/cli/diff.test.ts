/**
 * `flags diff` end to end: temporary git repositories with a base commit and
 * working-tree changes.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ANSI, BIN, flagYaml, REPO_FLAGS, removeDir, ROOT, runBin, runMain, tempDir } from '../helpers/cli.js';
import { edit, git, repoWith as newRepo, write } from '../helpers/git.js';

const DEFAULT_FLAGS = readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8');
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** A git repository whose first commit holds `files`; the working tree is then free to change. */
function repoWith(files: Record<string, string>): string {
  const dir = newRepo(files, 'flags-diff-');
  dirs.push(dir);
  return dir;
}

async function diffJson(cwd: string, ...args: string[]) {
  const r = await runMain(['diff', ...args, '--json'], { cwd });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** The seed's bucketing written out independently: in a p% rollout iff md5 prefix % 100 < p. */
function bucket(flagKey: string, id: string): number {
  return parseInt(createHash('md5').update(`${flagKey}:${id}`).digest('hex').slice(0, 8), 16) % 100;
}

describe('flags diff: field changes, risk and blast radius', () => {
  it('a percentage change: blast radius per segment and over a contexts file, checked with md5', async () => {
    const dir = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS });
    edit(dir, 'flags/default-flags.yaml', 'percentage: 10', 'percentage: 50');
    let moved = 0;
    for (let i = 0; i < 3000; i++) {
      const b = bucket('new-orchestrator-v2', `user-${i}`);
      if (b >= 10 && b < 50) moved++;
    }

    const out = await diffJson(dir);
    expect(out.base).toBe('HEAD');
    expect(out.added).toEqual([]);
    expect(out.removed).toEqual([]);
    expect(out.changed).toHaveLength(1);
    const c = out.changed[0];
    expect(c).toMatchObject({ key: 'new-orchestrator-v2', file: 'flags/default-flags.yaml', risk: 'high', changes: [{ path: 'fallthrough.percentage', before: 10, after: 50 }] });
    expect(c.blastRadius.source).toBe('segments');
    expect(c.blastRadius.segments).toEqual([
      { segment: { 'tenant.id': 'tenant-beta-1' }, sampled: 3000, changed: 0, transitions: [] },
      { segment: { 'tenant.id': 'tenant-beta-2' }, sampled: 3000, changed: 0, transitions: [] },
      { segment: { 'tenant.id': 'other' }, sampled: 3000, changed: moved, transitions: [{ from: false, to: true, count: moved }] },
      { segment: { 'tenant.id': null }, sampled: 3000, changed: moved, transitions: [{ from: false, to: true, count: moved }] },
    ]);
    expect(c.blastRadius).toMatchObject({ sampled: 12000, changed: 2 * moved, share: (2 * moved) / 12000 });

    // Real contexts: users of beta tenants never move; the others move with the md5 bucket.
    const lines: string[] = [];
    let expected = 0;
    for (let i = 0; i < 2000; i++) {
      const tenant = i % 10 === 0 ? 'tenant-beta-1' : `tenant-${i % 7}`;
      lines.push(JSON.stringify({ tenant: { id: tenant }, user: { id: `u${i}` } }));
      const b = bucket('new-orchestrator-v2', `u${i}`);
      if (tenant !== 'tenant-beta-1' && b >= 10 && b < 50) expected++;
    }
    write(dir, 'users.jsonl', lines.join('\n') + '\n');
    const withContexts = await diffJson(dir, '--contexts', 'users.jsonl');
    expect(withContexts.changed[0].blastRadius).toEqual({
      source: 'contexts',
      sampled: 2000,
      changed: expected,
      share: expected / 2000,
      transitions: [{ from: false, to: true, count: expected }],
    });

    const text = await runMain(['diff', '--contexts', 'users.jsonl'], { cwd: dir });
    expect(text.stdout).toContain(`false → true: ${expected.toLocaleString('en-US')} of 2,000 (${((expected / 2000) * 100).toFixed(1)}%)`);
    expect(text.stdout).toContain('over the 2,000 contexts of users.jsonl');
  });

  it('a kill and a disabled flag are high risk; a kill changes every true to the default', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a', 'fallthrough:\n  value: true\n'), 'flags/b.yaml': flagYaml('b') });
    edit(dir, 'flags/a.yaml', 'enabled: true', 'enabled: false\nkillSwitch: true');
    edit(dir, 'flags/b.yaml', 'enabled: true', 'enabled: false');
    const out = await diffJson(dir);
    expect(out.changed.map((c: { key: string; risk: string }) => [c.key, c.risk])).toEqual([
      ['a', 'high'],
      ['b', 'high'],
    ]);
    expect(out.changed[0].changes).toEqual([
      { path: 'killSwitch', before: false, after: true },
      { path: 'enabled', before: true, after: false },
    ]);
    // No rule targets an attribute: one segment of every context, all of which go true → false.
    expect(out.changed[0].blastRadius).toMatchObject({ sampled: 3000, changed: 3000, share: 1, transitions: [{ from: true, to: false, count: 3000 }] });
    expect(out.changed[0].blastRadius.segments).toHaveLength(1);
    // b served its default false anyway: disabling it changes no value.
    expect(out.changed[1].changes).toEqual([{ path: 'enabled', before: true, after: false }]);
    expect(out.changed[1].blastRadius.changed).toBe(0);
  });

  it('an added and a removed flag', async () => {
    const dir = repoWith({ 'flags/old.yaml': flagYaml('old'), 'flags/kept.yaml': flagYaml('kept') });
    rmSync(path.join(dir, 'flags/old.yaml'));
    write(dir, 'flags/new.yaml', flagYaml('new'));
    const out = await diffJson(dir);
    // Added flags carry their risk and content (issue 12 item 16).
    expect(out).toEqual({ base: 'HEAD', added: ['new'], removed: ['old'], changed: [], addedFlags: [expect.objectContaining({ key: 'new', file: 'flags/new.yaml', risk: 'low' })] });
    const text = await runMain(['diff'], { cwd: dir });
    expect(text.stdout).toMatch(/HIGH\s+old\s+removed \(was in flags\/old\.yaml\)/);
    expect(text.stdout).toMatch(/LOW\s+new\s+added\s+flags\/new\.yaml/);
  });

  it('a rule reorder is one entry with the id lists; exclusive rules move nobody', async () => {
    const dir = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS });
    const text = readFileSync(path.join(dir, 'flags/default-flags.yaml'), 'utf8');
    const start = text.indexOf('      - id: enterprise-higher-limit');
    const mid = text.indexOf('      - id: professional-medium-limit');
    const end = text.indexOf('    tags: [performance]');
    writeFileSync(path.join(dir, 'flags/default-flags.yaml'), text.slice(0, start) + text.slice(mid, end) + text.slice(start, mid) + text.slice(end));
    const out = await diffJson(dir);
    expect(out.changed).toHaveLength(1);
    expect(out.changed[0]).toMatchObject({
      key: 'parallel-agents-limit',
      risk: 'medium',
      changes: [{ path: 'rules', before: ['enterprise-higher-limit', 'professional-medium-limit'], after: ['professional-medium-limit', 'enterprise-higher-limit'] }],
    });
    expect(out.changed[0].blastRadius.changed).toBe(0);
    expect(out.changed[0].blastRadius.segments.map((s: { segment: object }) => s.segment)).toEqual([
      { 'tenant.type': 'enterprise' },
      { 'tenant.type': 'professional' },
      { 'tenant.type': 'other' },
      { 'tenant.type': null },
    ]);
  });

  it('a reorder of overlapping rules moves the contexts both match', async () => {
    const rules = (first: string, second: string) =>
      `rules:\n${[first, second]
        .map((id) => `  - id: ${id}\n    conditions:\n      - attribute: attributes.plan\n        operator: in\n        value: [${id === 'paid' ? 'pro, team' : 'team'}]\n    value: "${id}"\n`)
        .join('')}`;
    const yaml = (a: string, b: string) => flagYaml('plan-msg').replace('type: boolean', 'type: string').replace('defaultValue: false', 'defaultValue: none').replace('rules: []\n', rules(a, b));
    const dir = repoWith({ 'flags/plan-msg.yaml': yaml('paid', 'teams') });
    writeFileSync(path.join(dir, 'flags/plan-msg.yaml'), yaml('teams', 'paid'));
    const out = await diffJson(dir);
    const segs = out.changed[0].blastRadius.segments as { segment: Record<string, unknown>; changed: number; transitions: unknown[] }[];
    expect(segs.filter((s) => s.changed > 0)).toEqual([{ segment: { 'attributes.plan': 'team' }, sampled: 3000, changed: 3000, transitions: [{ from: 'paid', to: 'teams', count: 3000 }] }]);
  });

  it('a renamed or moved file, or a list split into files, is no change', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a'), 'flags/default-flags.yaml': DEFAULT_FLAGS });
    mkdirSync(path.join(dir, 'flags/team'));
    renameSync(path.join(dir, 'flags/a.yaml'), path.join(dir, 'flags/team/a.yaml'));
    // The list file becomes one file per flag, in another order.
    const blocks = DEFAULT_FLAGS.split(/\n(?=  - key: )/).slice(1);
    for (const block of blocks.reverse()) {
      const key = /key: (\S+)/.exec(block)![1];
      write(dir, `flags/${key}.yaml`, block.replace(/^  - /, '').replace(/^    /gm, '') + '\n');
    }
    rmSync(path.join(dir, 'flags/default-flags.yaml'));
    const r = await runMain(['diff', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ base: 'HEAD', added: [], removed: [], changed: [] });
    const text = await runMain(['diff'], { cwd: dir });
    expect(text.stdout).toContain('no flag changes');
  });

  it('an environment override: production is high risk and only production segments move', async () => {
    const dir = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS });
    edit(dir, 'flags/default-flags.yaml', '    tags: [orchestrator, beta]', '    environments:\n      production:\n        enabled: false\n      staging:\n        enabled: true\n        value: true\n    tags: [orchestrator, beta]');
    const out = await diffJson(dir);
    const c = out.changed[0];
    expect(c.key).toBe('new-orchestrator-v2');
    expect(c.risk).toBe('high');
    expect(c.changes).toEqual([
      { path: 'environments.production', after: { enabled: false } },
      { path: 'environments.staging', after: { enabled: true, value: true } },
    ]);
    const moved = (c.blastRadius.segments as { segment: Record<string, unknown>; changed: number }[]).filter((s) => s.changed > 0);
    const envs = new Set(moved.map((s) => s.segment.environment));
    expect(envs).toEqual(new Set(['production', 'staging']));
    // Beta tenants in production lose the feature: every sampled user of those segments moves.
    expect(moved.find((s) => s.segment.environment === 'production' && s.segment['tenant.id'] === 'tenant-beta-1')).toMatchObject({ changed: 3000 });
  });

  it('metadata only is low risk with no value change', async () => {
    const dir = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS });
    edit(dir, 'flags/default-flags.yaml', 'owner: platform-team\n\n  - key: parallel', 'owner: agents-team\n\n  - key: parallel');
    edit(dir, 'flags/default-flags.yaml', 'Enable self-evolution capabilities for agents', 'Agents may improve themselves');
    const out = await diffJson(dir);
    expect(out.changed).toEqual([
      {
        key: 'self-evolution-enabled',
        file: 'flags/default-flags.yaml',
        risk: 'low',
        changes: [
          { path: 'description', before: 'Enable self-evolution capabilities for agents', after: 'Agents may improve themselves' },
          { path: 'owner', before: 'platform-team', after: 'agents-team' },
        ],
        blastRadius: expect.objectContaining({ source: 'segments', changed: 0, transitions: [] }),
      },
    ]);
  });

  it('BASE without the flags directory: every flag is added', async () => {
    const dir = repoWith({ 'README.md': '# app\n' });
    write(dir, 'flags/default-flags.yaml', DEFAULT_FLAGS);
    const out = await diffJson(dir);
    expect(out).toMatchObject({ base: 'HEAD', added: ['model-provider', 'new-orchestrator-v2', 'parallel-agents-limit', 'self-evolution-enabled'], removed: [], changed: [] });
    // Every seed flag is on and serves values: added, they change callers at once (issue 12 item 16).
    expect(out.addedFlags.map((a: { risk: string }) => a.risk)).toEqual(['high', 'high', 'high', 'high']);
    const text = await runMain(['diff'], { cwd: dir });
    expect(text.stdout).toContain('HEAD has no flags directory: every flag is new');
  });

  it('an invalid working-tree file is reported, not called removed, and the rest is diffed (exit 0)', async () => {
    const dir = repoWith({ 'flags/broken.yaml': flagYaml('broken'), 'flags/ok.yaml': flagYaml('ok') });
    edit(dir, 'flags/broken.yaml', 'enabled: true', 'enabeld: true');
    edit(dir, 'flags/ok.yaml', 'owner: team', 'owner: other');
    const r = await runMain(['diff', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 flag file has errors');
    const out = JSON.parse(r.stdout);
    expect(out.removed).toEqual([]);
    expect(out.changed.map((c: { key: string }) => c.key)).toEqual(['ok']);
    const text = await runMain(['diff'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('1 flag file has errors; their flags were not compared');
    expect(text.stdout).toMatch(/flags\/broken\.yaml:\d+:\d+ {2}UNKNOWN_FIELD {2}"enabeld" is not a flag field \(did you mean "enabled"\?\)/);
    const md = await runMain(['diff', '--format', 'markdown'], { cwd: dir });
    expect(md.stdout).toContain('> 1 flag file has errors; their flags were not compared. Run `flags validate`.');
  });

  it('a flag invalid at BASE and fixed in the working tree is added, and says it was invalid', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a').replace('owner: team', 'ownr: team') });
    write(dir, 'flags/a.yaml', flagYaml('a'));
    expect(await diffJson(dir)).toMatchObject({ base: 'HEAD', added: ['a'], removed: [], changed: [] });
    expect((await runMain(['diff'], { cwd: dir })).stdout).toMatch(/LOW\s+a\s+added\s+flags\/a\.yaml \(invalid at HEAD\)/);
    expect((await runMain(['diff', '--format', 'markdown'], { cwd: dir })).stdout).toContain('| low | `a` | added (invalid at `HEAD`): new flag enabled, but every path serves its default | new flag |');
  });

  it('an unknown revision is exit 1 naming it; outside git is exit 1 saying so', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a') });
    const r = await runMain(['diff', 'no-such-branch'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: unknown git revision "no-such-branch"\n');
    const dash = await runMain(['diff', '--', '--output=x'], { cwd: dir });
    expect(dash.code).toBe(1);
    expect(dash.stderr).toContain('unknown git revision "--output=x"');

    const plain = tempDir();
    dirs.push(plain);
    write(plain, 'flags/a.yaml', flagYaml('a'));
    const outside = await runMain(['diff'], { cwd: plain, env: { GIT_CEILING_DIRECTORIES: path.dirname(plain) } });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/is not inside a git repository/);
  });

  it('compares with another branch, from a subdirectory, with the flags directory below the top', async () => {
    const dir = repoWith({ 'config/flags/a.yaml': flagYaml('a'), 'src/app.ts': '' });
    git(dir, 'branch', 'main-copy');
    edit(dir, 'config/flags/a.yaml', 'defaultValue: false', 'defaultValue: true');
    git(dir, 'commit', '-q', '-am', 'default on');
    write(dir, 'config/flags/experiments/e.yaml', 'not: a flag\n');
    const out = await diffJson(path.join(dir, 'src'), 'main-copy', '--dir', '../config/flags');
    expect(out.base).toBe('main-copy');
    expect(out.changed.map((c: { key: string; file: string; risk: string }) => [c.key, c.file, c.risk])).toEqual([['a', '../config/flags/a.yaml', 'medium']]);
    // HEAD already has the change: nothing between HEAD and the working tree.
    expect((await diffJson(dir, '--dir', 'config/flags')).changed).toEqual([]);
  });

  it('reads BASE with the same file rules as the working tree: experiments/ and dot-folders skipped, links followed only inside', async () => {
    const dir = repoWith({
      'flags/.shared/a.yaml': flagYaml('a'),
      // Shaped like a flag so that reading it by mistake would show as a removed flag.
      'flags/experiments/exp.yaml': flagYaml('exp'),
      'flags/.git-like/hidden.yaml': flagYaml('hidden'),
      'flags/notes.txt': 'key: not-a-flag\n',
      'outside.yaml': flagYaml('outside'),
    });
    symlinkSync('.shared/a.yaml', path.join(dir, 'flags/a.yaml'));
    symlinkSync('../outside.yaml', path.join(dir, 'flags/outside.yaml'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'links');
    expect(await diffJson(dir)).toEqual({ base: 'HEAD', added: [], removed: [], changed: [] });
    edit(dir, 'flags/.shared/a.yaml', 'defaultValue: false', 'defaultValue: true');
    edit(dir, 'outside.yaml', 'defaultValue: false', 'defaultValue: true');
    const out = await diffJson(dir);
    expect(out.added).toEqual([]);
    expect(out.changed.map((c: { key: string; file: string }) => [c.key, c.file])).toEqual([['a', 'flags/a.yaml']]);
  });

  it('a malformed contexts line is exit 1 naming the line', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a') });
    edit(dir, 'flags/a.yaml', 'owner: team', 'owner: x');
    write(dir, 'ctx.jsonl', '{"user":{"id":"1"}}\n\n{"user":\n');
    const r = await runMain(['diff', '--contexts', 'ctx.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: ctx\.jsonl:3: not valid JSON/);
    write(dir, 'ctx.jsonl', '{"user":{"id":"1"}}\n[1]\n');
    const arr = await runMain(['diff', '--contexts', 'ctx.jsonl'], { cwd: dir });
    expect(arr.code).toBe(1);
    expect(arr.stderr).toContain('ctx.jsonl:2: a context must be a JSON object, got an array');
  });

  it('reads contexts from stdin with -', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a') });
    edit(dir, 'flags/a.yaml', 'rules: []', 'rules:\n  - id: free\n    conditions:\n      - attribute: tenant.type\n        operator: equals\n        value: free\n    value: true');
    const r = await runMain(['diff', '--contexts', '-', '--json'], { cwd: dir, stdin: '{"tenant":{"type":"free"}}\n{"tenant":{"type":"pro"}}\n{}\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changed[0].blastRadius).toEqual({ source: 'contexts', sampled: 3, changed: 1, share: 1 / 3, transitions: [{ from: false, to: true, count: 1 }] });
  });

  it('--json is --format json; combining it with another format is a usage error', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a') });
    expect((await runMain(['diff', '--format', 'json'], { cwd: dir })).stdout).toBe((await runMain(['diff', '--json'], { cwd: dir })).stdout);
    const r = await runMain(['diff', '--json', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(2);
    expect((await runMain(['diff', '--format', 'html'], { cwd: dir })).code).toBe(2);
  });
});

describe('flags diff markdown (golden)', () => {
  let dir: string;
  let sha: string;
  beforeAll(() => {
    dir = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS, 'flags/legacy-search.yaml': flagYaml('legacy-search') });
    sha = git(dir, 'rev-parse', '--short=7', 'HEAD');
    edit(dir, 'flags/default-flags.yaml', 'percentage: 10', 'percentage: 50');
    edit(dir, 'flags/default-flags.yaml', 'Enable self-evolution capabilities for agents', 'Agents may improve | themselves');
    edit(dir, 'flags/default-flags.yaml', '            value: openai\n        value: openai', '            value: openai\n        value: azure-openai');
    rmSync(path.join(dir, 'flags/legacy-search.yaml'));
    write(dir, 'flags/checkout-redesign.yaml', flagYaml('checkout-redesign').replace('enabled: true', 'enabled: false'));
  });

  it('prints the pull-request comment exactly', async () => {
    const r = await runMain(['diff', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    let moved = 0;
    for (let i = 0; i < 3000; i++) {
      const b = bucket('new-orchestrator-v2', `user-${i}`);
      if (b >= 10 && b < 50) moved++;
    }
    // The numbers of this golden text are the independent md5 count.
    expect(moved).toBe(1178);
    expect(r.stdout).toBe(`<!-- flags-diff -->
### Feature flag changes

Compared with \`HEAD\` (\`${sha}\`): **3 changed (1 high, 1 medium, 1 low), 1 added, 1 removed**.

| risk | flag | why | value changes (segments) |
|---|---|---|---|
| **high** | \`legacy-search\` | removed | every caller gets its own default |
| **high** | \`new-orchestrator-v2\` | fallthrough rollout 10% → 50%: moves 40% of the contexts that reach it | 2 of 4 segments (up to 39.3%) |
| medium | \`model-provider\` | rules\\[openai-override\\] value changed | 1 of 3 segments (up to 100.0%) |
| low | \`self-evolution-enabled\` | metadata | none of 3 segments |
| low | \`checkout-redesign\` | added: new flag, disabled | new flag |

<details>
<summary><b>new-orchestrator-v2</b> · high · <code>flags/default-flags.yaml</code></summary>

| field | before | after |
|---|---|---|
| \`fallthrough.percentage\` | \`10\` | \`50\` |

**Blast radius** per segment built from the attribute values the rules mention, each crossed with 3,000 user ids (no \`--contexts\` file given):

- \`false → true\`: 2,356 of 12,000 samples across all segments (19.6%)
- \`tenant.id=tenant-beta-1\`: unchanged
- \`tenant.id=tenant-beta-2\`: unchanged
- \`tenant.id=other\`: 39.3% false → true
- \`tenant.id=(missing)\`: 39.3% false → true

</details>

<details>
<summary><b>model-provider</b> · medium · <code>flags/default-flags.yaml</code></summary>

| field | before | after |
|---|---|---|
| \`rules[openai-override].value\` | \`"openai"\` | \`"azure-openai"\` |

**Blast radius** per segment built from the attribute values the rules mention, each crossed with 3,000 user ids (no \`--contexts\` file given):

- \`"openai" → "azure-openai"\`: 3,000 of 9,000 samples across all segments (33.3%)
- \`tenant.settings.preferredProvider=openai\`: 100.0% "openai" → "azure-openai"
- \`tenant.settings.preferredProvider=other\`: unchanged
- \`tenant.settings.preferredProvider=(missing)\`: unchanged

</details>

<details>
<summary><b>self-evolution-enabled</b> · low · <code>flags/default-flags.yaml</code></summary>

| field | before | after |
|---|---|---|
| \`description\` | \`"Enable self-evolution capabilities for agents"\` | \`"Agents may improve \\| themselves"\` |

**Blast radius** per segment built from the attribute values the rules mention, each crossed with 3,000 user ids (no \`--contexts\` file given):

- no value changes in any of 3 segments (9,000 samples)

</details>

<details>
<summary><b>checkout-redesign</b> · added · low</summary>

\`\`\`
checkout-redesign

state         disabled
type          boolean
default       false
owner         team
tags          -

rules  none
\`\`\`

</details>
`);
  });
});

describe('flags diff (real binary)', () => {
  it('prints text without colour when piped, and exits 0 with changes', () => {
    const dir = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS });
    edit(dir, 'flags/default-flags.yaml', 'percentage: 10', 'percentage: 50');
    const r = runBin(['diff'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stdout).toContain('fallthrough.percentage: 10 → 50');
    expect(runBin(['diff', 'nope'], { cwd: dir }).code).toBe(1);
  });

  it('colours the terminal view on a TTY', async () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a') });
    edit(dir, 'flags/a.yaml', 'enabled: true', 'enabled: false');
    expect((await runMain(['diff'], { cwd: dir, tty: true })).stdout).toMatch(ANSI);
    expect((await runMain(['diff'], { cwd: dir, tty: false })).stdout).not.toMatch(ANSI);
  });
});

describe('docs/ci.md recipes', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
  const recipes = new Map([...doc.matchAll(/<!-- recipe: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map((m) => [m[1], m[2]]));
  const recipe = (name: string) => {
    const text = recipes.get(name);
    expect(text, `docs/ci.md has the ${name} recipe`).toBeTypeOf('string');
    return text!;
  };
  const flagsCmd = `"${process.execPath}" "${BIN}"`;

  /** A clone of an "origin" whose main holds the base flags; the clone's branch changes them. */
  function pullRequestClone(): { dir: string; mergeBase: string } {
    const origin = repoWith({ 'flags/default-flags.yaml': DEFAULT_FLAGS, 'flags/legacy-search.yaml': flagYaml('legacy-search') });
    git(origin, 'branch', '-M', 'main');
    const dir = tempDir('flags-clone-');
    dirs.push(dir);
    git(path.dirname(dir), 'clone', '-q', origin, dir);
    git(dir, 'config', 'user.name', 'Test');
    git(dir, 'config', 'user.email', 'test@example.com');
    git(dir, 'config', 'commit.gpgsign', 'false');
    git(dir, 'checkout', '-q', '-b', 'rollout');
    edit(dir, 'flags/default-flags.yaml', 'percentage: 10', 'percentage: 50');
    rmSync(path.join(dir, 'flags/legacy-search.yaml'));
    git(dir, 'commit', '-q', '-am', 'rollout');
    return { dir, mergeBase: git(dir, 'merge-base', 'HEAD', 'origin/main') };
  }

  /** Runs one shell line of a recipe, with `npx flags` as the built binary. */
  function sh(line: string, cwd: string, env: Record<string, string>): string {
    const command = line.replace(/\bnpx flags\b/g, flagsCmd);
    return execFileSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  }

  it('GitHub Actions: the workflow parses, its diff command reports the pull request, the script creates then updates one comment', async () => {
    const workflow = YAML.parse(recipe('github-workflow'));
    const steps: { run?: string; uses?: string; with?: { script?: string } }[] = workflow.jobs.diff.steps;
    expect(workflow.jobs.validate.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toContain('npx flags validate --format github');
    const { dir } = pullRequestClone();
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '');
    for (const step of steps) if (step.run && !step.run.startsWith('npm ')) sh(step.run, dir, { GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary });
    const report = readFileSync(path.join(dir, 'flags-diff.md'), 'utf8');
    expect(report.startsWith('<!-- flags-diff -->\n')).toBe(true);
    expect(report).toContain('Compared with `origin/main`');
    expect(report).toContain('| **high** | `legacy-search` | removed |');
    expect(report).toContain('| **high** | `new-orchestrator-v2` |');
    expect(readFileSync(summary, 'utf8')).toBe(report);

    const script = steps.find((s) => s.uses?.startsWith('actions/github-script'))!.with!.script!;
    const comments: { id: number; body: string; user: { type: string } }[] = [
      { id: 1, body: '<!-- flags-diff -->\nquoted by a human', user: { type: 'User' } },
      { id: 2, body: 'LGTM', user: { type: 'User' } },
    ];
    const calls: string[] = [];
    const github = {
      paginate: async (fn: (args: object) => Promise<{ data: unknown[] }>, args: object) => (await fn(args)).data,
      rest: {
        issues: {
          listComments: async () => ({ data: comments.map((c) => ({ ...c })) }),
          createComment: async (a: { issue_number: number; body: string }) => {
            calls.push(`create #${a.issue_number}`);
            comments.push({ id: 100 + comments.length, body: a.body, user: { type: 'Bot' } });
          },
          updateComment: async (a: { comment_id: number; body: string }) => {
            calls.push(`update ${a.comment_id}`);
            comments.find((c) => c.id === a.comment_id)!.body = a.body;
          },
        },
      },
    };
    const context = { repo: { owner: 'acme', repo: 'app' }, issue: { number: 7 } };
    const fakeRequire = (m: string) => {
      expect(m).toBe('fs');
      return { readFileSync: (file: string, enc: string) => readFileSync(path.join(dir, file), enc as BufferEncoding) };
    };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
    const run = new AsyncFunction('require', 'github', 'context', script);
    await run(fakeRequire, github, context);
    await run(fakeRequire, github, context);
    expect(calls).toEqual(['create #7', 'update 102']);
    expect(comments.filter((c) => c.body === report)).toHaveLength(1);
    expect(comments[0].body).toBe('<!-- flags-diff -->\nquoted by a human');
  });

  it('GitHub Actions: the validate step annotates a broken file and fails', () => {
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a').replace('enabled: true', 'enabeld: true') });
    const r = runBin(['validate', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error file=flags/a.yaml,line=6,col=1,title=UNKNOWN_FIELD::');
  });

  it('GitLab CI: validation findings become a Code Quality report', () => {
    const pipeline = YAML.parse(recipe('gitlab-ci'));
    expect(pipeline['flags-validate'].artifacts.reports.codequality).toBe('gl-code-quality-report.json');
    const dir = repoWith({ 'flags/a.yaml': flagYaml('a').replace('enabled: true', 'enabeld: true'), 'flags/b.yaml': flagYaml('b').replace('enabled: true', 'enabled: false') }); // b disabled: enabled with nothing but its default it would add a NO_EFFECT warning
    write(dir, '.gitlab/flags-codequality.mjs', recipe('gitlab-codequality'));
    const lines: string[] = pipeline['flags-validate'].script;
    for (const line of lines.slice(0, -1)) if (!line.startsWith('npm ')) sh(line, dir, {});
    expect(() => sh(lines.at(-1)!, dir, {})).toThrow(); // the readable run fails the job on errors
    const report = JSON.parse(readFileSync(path.join(dir, 'gl-code-quality-report.json'), 'utf8'));
    expect(report).toEqual([
      {
        description: 'UNKNOWN_FIELD: "enabeld" is not a flag field (did you mean "enabled"?)',
        check_name: 'flags/UNKNOWN_FIELD',
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        severity: 'major',
        location: { path: 'flags/a.yaml', lines: { begin: 6 } },
      },
    ]);
  });

  it('GitLab CI: the diff job compares with the merge base and the note script creates then updates its note', async () => {
    const pipeline = YAML.parse(recipe('gitlab-ci'));
    const job = pipeline['flags-diff'];
    expect(job.variables.GIT_DEPTH).toBe('0');
    const { dir, mergeBase } = pullRequestClone();
    write(dir, '.gitlab/flags-diff-note.mjs', recipe('gitlab-note'));

    const notes: { id: number; body: string; system: boolean }[] = [
      { id: 1, body: 'added 1 commit', system: true },
      { id: 2, body: 'please check the rollout', system: false },
    ];
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const url = new URL(req.url!, 'http://x');
        requests.push(`${req.method} ${url.pathname}${url.search}`);
        if (req.headers['private-token'] !== 'secret') return void res.writeHead(401).end('{}');
        const base = '/api/v4/projects/acme%2Fapp/merge_requests/7/notes';
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && url.pathname === base) {
          const page = Number(url.searchParams.get('page'));
          return void res.end(JSON.stringify(page === 1 ? notes : []));
        }
        if (req.method === 'POST' && url.pathname === base) {
          const note = { id: 10 + notes.length, body: JSON.parse(data).body, system: false };
          notes.push(note);
          return void res.writeHead(201).end(JSON.stringify(note));
        }
        const m = new RegExp(`^${base}/(\\d+)$`).exec(url.pathname);
        if (req.method === 'PUT' && m) {
          const note = notes.find((n) => n.id === Number(m[1]))!;
          note.body = JSON.parse(data).body;
          return void res.end(JSON.stringify(note));
        }
        res.writeHead(404).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const env = {
      CI_MERGE_REQUEST_DIFF_BASE_SHA: mergeBase,
      CI_API_V4_URL: `http://127.0.0.1:${port}/api/v4`,
      CI_PROJECT_ID: 'acme/app',
      CI_MERGE_REQUEST_IID: '7',
      FLAGS_BOT_TOKEN: 'secret',
    };
    const shAsync = (line: string) =>
      new Promise<string>((resolve, reject) =>
        execFile('bash', ['-c', line.replace(/\bnpx flags\b/g, flagsCmd)], { cwd: dir, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
    try {
      const script: string[] = job.script;
      for (const line of script) if (!line.startsWith('npm ')) await shAsync(line);
      const report = readFileSync(path.join(dir, 'flags-diff.md'), 'utf8');
      expect(report).toContain(`Compared with \`${mergeBase}\` (\`${mergeBase.slice(0, 7)}\`)`);
      expect(report).toContain('| **high** | `legacy-search` | removed |');
      expect(await shAsync('node .gitlab/flags-diff-note.mjs flags-diff.md')).toMatch(/^updated note 12\n$/);
      expect(notes.map((n) => n.body)).toEqual(['added 1 commit', 'please check the rollout', report]);
      expect(requests.filter((r) => !r.startsWith('GET'))).toEqual(['POST /api/v4/projects/acme%2Fapp/merge_requests/7/notes', 'PUT /api/v4/projects/acme%2Fapp/merge_requests/7/notes/12']);
    } finally {
      server.close();
    }
  });
});
