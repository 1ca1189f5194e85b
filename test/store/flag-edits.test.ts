import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlagsError } from '../../src/errors.js';
import { nodeFs, type AtomicFs } from '../../src/store/atomic-write.js';
import {
  createFlag,
  effectiveState,
  kill,
  planToggle,
  renderNewFlag,
  resolveFieldPath,
  revive,
  setEnabled,
  setField,
  setRollout,
} from '../../src/store/flag-edits.js';
import { readFlagSet } from '../../src/store/flag-repo.js';
import { flagYaml, projectWith, REPO_FLAGS, removeDir, tempDir } from '../helpers/cli.js';

const NOW = '2026-01-31T12:00:00Z';
const opts = { now: NOW };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A temp flags directory with the given files; the predefined file too unless `bare`. */
function flagsDir(files: Record<string, string> = {}, { bare = false } = {}): string {
  const root = projectWith(files);
  dirs.push(root);
  const dir = path.join(root, 'flags');
  mkdirSync(dir, { recursive: true });
  if (!bare) cpSync(path.join(REPO_FLAGS, 'default-flags.yaml'), path.join(dir, 'default-flags.yaml'));
  return dir;
}
const read = (dir: string, name = 'default-flags.yaml') => readFileSync(path.join(dir, name), 'utf8');
const DEFAULTS = readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8');
/** Everything but the files the tests made: no temp files, no locks left behind. */
const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.'));

async function flagOf(dir: string, key: string) {
  const set = await readFlagSet(dir);
  return set.flags.get(key);
}

describe('setEnabled', () => {
  it('turns a flag off: the file changes by the enabled line and an added updatedAt', async () => {
    const dir = flagsDir();
    const r = await setEnabled(dir, 'model-provider', false, opts);
    expect(r).toMatchObject({ action: 'toggle', key: 'model-provider', changed: true, enabled: false, effective: { on: false, reason: 'DISABLED' } });
    expect(r.changes).toEqual([
      { path: 'enabled', before: true, after: false },
      { path: 'updatedAt', before: undefined, after: NOW },
    ]);
    expect(r.file).toBe(path.join(dir, 'default-flags.yaml'));
    expect(read(dir)).toBe(
      DEFAULTS.replace('    defaultValue: anthropic\n    enabled: true\n', '    defaultValue: anthropic\n    enabled: false\n').replace(
        /    tags: \[models\]\n    owner: platform-team\n$/,
        `    tags: [models]\n    owner: platform-team\n    updatedAt: ${NOW}\n`,
      ),
    );
    expect((await flagOf(dir, 'model-provider'))?.enabled).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('flips without an explicit state, both ways', async () => {
    const dir = flagsDir();
    expect((await setEnabled(dir, 'self-evolution-enabled', 'flip', opts)).enabled).toBe(false);
    expect((await setEnabled(dir, 'self-evolution-enabled', 'flip', opts)).enabled).toBe(true);
    expect((await flagOf(dir, 'self-evolution-enabled'))?.enabled).toBe(true);
  });

  it('writes nothing when the flag already is in the requested state', async () => {
    const dir = flagsDir();
    const r = await setEnabled(dir, 'model-provider', true, opts);
    expect(r.changed).toBe(false);
    expect(r.changes).toEqual([]);
    expect(read(dir)).toBe(DEFAULTS);
  });

  it('--env creates environments.<env>.enabled and reports the effective state there', async () => {
    const dir = flagsDir();
    const r = await setEnabled(dir, 'model-provider', false, { ...opts, env: 'staging' });
    expect(r).toMatchObject({ env: 'staging', enabled: false, effective: { on: false, reason: 'ENVIRONMENT_DISABLED' } });
    expect((await flagOf(dir, 'model-provider'))?.environments).toEqual({ staging: { enabled: false } });
    expect((await flagOf(dir, 'model-provider'))?.enabled).toBe(true);
  });

  it('says the truth when an environment is turned on while the flag is off globally: it stays off', async () => {
    const dir = flagsDir();
    await setEnabled(dir, 'model-provider', false, opts);
    const r = await setEnabled(dir, 'model-provider', true, { ...opts, env: 'staging' });
    expect(r.enabled).toBe(true);
    expect(r.effective).toEqual({ on: false, reason: 'DISABLED' });
    expect(r.diagnostics.map((d) => d.code)).toContain('INEFFECTIVE_OVERRIDE');
  });

  it('flips an environment from its effective state', async () => {
    const dir = flagsDir();
    // on globally, no override: effectively on in staging, so a flip turns staging off
    const r = await setEnabled(dir, 'model-provider', 'flip', { ...opts, env: 'staging' });
    expect(r.enabled).toBe(false);
    const again = await setEnabled(dir, 'model-provider', 'flip', { ...opts, env: 'staging' });
    expect(again.enabled).toBe(true);
    expect(again.effective).toEqual({ on: true, reason: 'ENABLED' });
  });

  it('refuses an unknown key with a suggestion and writes nothing', async () => {
    const dir = flagsDir();
    await expect(setEnabled(dir, 'model-provder', false, opts)).rejects.toThrow(/no flag "model-provder" in flags \(did you mean "model-provider"\?\)/);
    expect(read(dir)).toBe(DEFAULTS);
    expect(leftovers(dir)).toEqual([]);
  });

  it('refuses a key defined in two places (SPEC 1.1) and names both', async () => {
    const dir = flagsDir({ 'model-provider.yaml': flagYaml('model-provider') });
    const err = await setEnabled(dir, 'model-provider', false, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlagsError);
    expect((err as FlagsError).code).toBe('DUPLICATE_FLAG_KEY');
    expect((err as Error).message).toMatch(/flags\/default-flags\.yaml:\d+:\d+, flags\/model-provider\.yaml:1:6/);
    expect(read(dir)).toBe(DEFAULTS);
  });

  it('refuses an environment named __proto__', async () => {
    const dir = flagsDir();
    await expect(setEnabled(dir, 'model-provider', true, { ...opts, env: '__proto__' })).rejects.toThrow(/not allowed/);
    expect(read(dir)).toBe(DEFAULTS);
  });

  it('refuses an invalid `now`', async () => {
    const dir = flagsDir();
    await expect(setEnabled(dir, 'model-provider', false, { now: 'yesterday' })).rejects.toThrow(/ISO-8601/);
    expect(read(dir)).toBe(DEFAULTS);
  });
});

describe('kill and revive', () => {
  it('kill sets killSwitch beside enabled; revive clears it and leaves the flag disabled', async () => {
    const dir = flagsDir();
    const k = await kill(dir, 'new-orchestrator-v2', opts);
    expect(k).toMatchObject({ action: 'kill', changed: true, killSwitch: true, enabled: false });
    expect(read(dir)).toContain('    enabled: false\n    killSwitch: true\n    rules:\n      - id: beta-testers');
    const f = await flagOf(dir, 'new-orchestrator-v2');
    expect(f).toMatchObject({ killSwitch: true, enabled: false });

    const again = await kill(dir, 'new-orchestrator-v2', { now: '2026-02-01T00:00:00Z' });
    expect(again.changed).toBe(false);
    expect(read(dir)).not.toContain('2026-02-01');

    const r = await revive(dir, 'new-orchestrator-v2', opts);
    expect(r).toMatchObject({ action: 'revive', changed: true, killSwitch: false, enabled: false, effective: { on: false, reason: 'DISABLED' } });
    expect(await flagOf(dir, 'new-orchestrator-v2')).toMatchObject({ killSwitch: false, enabled: false });
  });

  it('revive of a flag that was never killed changes nothing', async () => {
    const dir = flagsDir();
    const r = await revive(dir, 'model-provider', opts);
    expect(r.changed).toBe(false);
    expect(read(dir)).toBe(DEFAULTS);
  });

  it('kill works on a flag with schema errors as long as its file parses; revive of it is refused', async () => {
    const dir = flagsDir({ 'broken.yaml': flagYaml('broken', 'enabeld: true\n') }, { bare: true });
    const r = await kill(dir, 'broken', opts);
    expect(r.changed).toBe(true);
    expect(r.flag).toBeUndefined();
    expect(r.diagnostics.some((d) => d.code === 'UNKNOWN_FIELD' && d.severity === 'error')).toBe(true);
    expect(read(dir, 'broken.yaml')).toBe(flagYaml('broken', 'enabeld: true\n').replace('enabled: true\n', 'enabled: false\nkillSwitch: true\n') + `updatedAt: ${NOW}\n`);
    await expect(revive(dir, 'broken', opts)).rejects.toThrow(/refusing to write flags\/broken\.yaml: flag "broken" would be invalid: UNKNOWN_FIELD/);
  });

  it('toggle --off is written into an invalid flag, toggle --on and set are refused with the diagnostic', async () => {
    const text = flagYaml('broken', 'enabeld: true\n');
    const dir = flagsDir({ 'broken.yaml': text }, { bare: true });
    await expect(setField(dir, 'broken', 'owner', 'x', opts)).rejects.toThrow(/"enabeld" is not a flag field \(did you mean "enabled"\?\)/);
    expect(read(dir, 'broken.yaml')).toBe(text);
    expect((await setEnabled(dir, 'broken', false, opts)).changed).toBe(true);
    await expect(setEnabled(dir, 'broken', true, opts)).rejects.toThrow(/would be invalid/);
  });

  it('a broken unrelated file never blocks a kill, and is reported', async () => {
    const dir = flagsDir({ 'zz-broken.yaml': 'key: [oops\n' });
    const r = await kill(dir, 'model-provider', opts);
    expect(r.changed).toBe(true);
    expect(r.otherErrors.length).toBeGreaterThan(0);
    expect(r.otherErrors.every((d) => d.file.endsWith('zz-broken.yaml'))).toBe(true);
  });

  it('refuses to edit a file with YAML errors (its text cannot be edited safely)', async () => {
    const text = 'flags:\n  - key: a\n    name: a\n    name: b\n';
    const dir = flagsDir({ 'list.yaml': text }, { bare: true });
    await expect(kill(dir, 'a', opts)).rejects.toThrow(/cannot edit flags\/list\.yaml: .*defined twice.* at line 4, column 5; fix the file first/);
    expect(read(dir, 'list.yaml')).toBe(text);
  });
});

describe('setField', () => {
  it.each([
    ['model-provider', 'defaultValue', 'openai', 'defaultValue', 'openai'],
    ['parallel-agents-limit', 'defaultValue', '8', 'defaultValue', 8],
    ['new-orchestrator-v2', 'fallthrough.percentage', '25', 'fallthrough.percentage', 25],
    ['new-orchestrator-v2', 'rules.beta-testers.percentage', '12.5', 'rules.beta-testers.percentage', 12.5],
    ['parallel-agents-limit', 'rules.professional-medium-limit.value', '11', 'rules.professional-medium-limit.value', 11],
    ['model-provider', 'rules.openai-override.description', 'OpenAI fans', 'rules.openai-override.description', 'OpenAI fans'],
    ['model-provider', 'environments.production.enabled', 'false', 'environments.production.enabled', false],
    ['model-provider', 'owner', 'ml-team', 'owner', 'ml-team'],
    ['model-provider', 'killSwitch', 'true', 'killSwitch', true],
  ])('%s %s = %s', async (key, fieldPath, raw, shown, value) => {
    const dir = flagsDir();
    const r = await setField(dir, key, fieldPath, raw, opts);
    expect(r).toMatchObject({ action: 'set', path: shown, after: value, changed: true });
    expect(r.changes[0]).toMatchObject({ path: shown, after: value });
    const flag = (await flagOf(dir, key)) as unknown as Record<string, unknown>;
    const [head, ...rest] = fieldPath.split('.');
    let cur: unknown = flag[head];
    if (head === 'rules') cur = (cur as { id: string }[]).find((x) => x.id === rest.slice(0, -1).join('.'));
    else if (rest.length > 1) cur = (cur as Record<string, unknown>)[rest[0]];
    const last = rest.length ? rest[rest.length - 1] : undefined;
    expect(last === undefined ? cur : (cur as Record<string, unknown>)[last]).toEqual(value);
  });

  it('parses values of a json flag as JSON and writes them as flow YAML', async () => {
    const dir = flagsDir({ 'limits.yaml': flagYaml('limits').replace('type: boolean\ndefaultValue: false', 'type: json\ndefaultValue: {}') }, { bare: true });
    const r = await setField(dir, 'limits', 'defaultValue', '{"max": 3, "names": ["a", "b c"]}', opts);
    expect(r.after).toEqual({ max: 3, names: ['a', 'b c'] });
    expect(read(dir, 'limits.yaml')).toContain('defaultValue: {max: 3, names: [a, b c]}\n');
    await expect(setField(dir, 'limits', 'defaultValue', '{max: 3}', opts)).rejects.toThrow(/must be JSON/);
  });

  it('a string flag takes the raw text, quoted when YAML needs it', async () => {
    const dir = flagsDir();
    await setField(dir, 'model-provider', 'defaultValue', 'true', opts);
    expect(read(dir)).toContain('    defaultValue: "true"\n');
    expect((await flagOf(dir, 'model-provider'))?.defaultValue).toBe('true');
  });

  it('refuses values of the wrong type and schema violations, writing nothing', async () => {
    const dir = flagsDir();
    await expect(setField(dir, 'parallel-agents-limit', 'defaultValue', 'many', opts)).rejects.toThrow(/must be a number, got "many"/);
    await expect(setField(dir, 'model-provider', 'enabled', 'yes', opts)).rejects.toThrow(/takes true or false/);
    // A percentage's range and precision are known from the field: refused as a bad value before the flag is checked (round 4).
    await expect(setField(dir, 'new-orchestrator-v2', 'fallthrough.percentage', '101', opts)).rejects.toMatchObject({ code: 'INVALID_VALUE', message: expect.stringMatching(/^fallthrough\.percentage must be a number from 0 to 100/) });
    await expect(setField(dir, 'new-orchestrator-v2', 'fallthrough.percentage', '12.345', opts)).rejects.toMatchObject({ code: 'INVALID_VALUE', message: expect.stringMatching(/at most two decimals/) });
    await expect(setField(dir, 'model-provider', 'type', 'number', opts)).rejects.toThrow(/would be invalid/);
    expect(read(dir)).toBe(DEFAULTS);
  });

  it('names what exists when the path or rule id is unknown', async () => {
    const dir = flagsDir();
    await expect(setField(dir, 'model-provider', 'fallthru.percentage', '1', opts)).rejects.toThrow(/cannot set "fallthru\.percentage".*settable fields: enabled, killSwitch, defaultValue/);
    await expect(setField(dir, 'parallel-agents-limit', 'rules.enterprise.value', '1', opts)).rejects.toThrow(
      /has no rule "enterprise"; its rules: enterprise-higher-limit, professional-medium-limit/,
    );
    await expect(setField(dir, 'model-provider', 'variants.a.weight', '1', opts)).rejects.toThrow(/has no variant "a"; it has no variants/);
    await expect(setField(dir, 'model-provider', 'rules.openai-override.conditions', '1', opts)).rejects.toThrow(/"conditions" is not a settable rule field/);
    await expect(setField(dir, 'model-provider', 'key', 'x', opts)).rejects.toThrow(/cannot be changed/);
    await expect(setField(dir, 'model-provider', 'enabeld', 'true', opts)).rejects.toThrow(/did you mean "enabled"/);
    expect(read(dir)).toBe(DEFAULTS);
  });

  it('refuses __proto__, constructor and prototype segments', async () => {
    const dir = flagsDir();
    for (const p of ['__proto__', 'environments.__proto__.enabled', 'rules.constructor.value', 'environments.prototype.value']) {
      await expect(setField(dir, 'model-provider', p, 'true', opts)).rejects.toThrow(/not allowed/);
    }
    expect(read(dir)).toBe(DEFAULTS);
    expect(({} as Record<string, unknown>).enabled).toBeUndefined();
  });

  it('keeps variant weights honest: a weight that breaks the sum of 100 is refused', async () => {
    const variants = 'variants:\n  - key: a\n    name: A\n    value: true\n    weight: 50\n  - key: b\n    name: B\n    value: false\n    weight: 50\n';
    const dir = flagsDir({ 'ab.yaml': flagYaml('ab', variants) }, { bare: true });
    await expect(setField(dir, 'ab', 'variants.a.weight', '60', opts)).rejects.toThrow(/WEIGHTS_NOT_100/);
    const r = await setField(dir, 'ab', 'variants.b.name', 'Bee', opts);
    expect(r.changes[0].path).toBe('variants.b.name');
  });

  it('resolveFieldPath: ids and environment names may contain dots', () => {
    const raw = { key: 'k', rules: [{ id: 'v1.2' }], environments: {} };
    expect(resolveFieldPath(raw, 'rules.v1.2.percentage').path).toEqual(['rules', 0, 'percentage']);
    expect(resolveFieldPath(raw, 'environments.eu.prod.value').path).toEqual(['environments', 'eu.prod', 'value']);
  });
});

describe('setRollout', () => {
  it('sets the fallthrough percentage, or a rule’s with { rule }', async () => {
    const dir = flagsDir();
    const r = await setRollout(dir, 'new-orchestrator-v2', 25, opts);
    expect(r).toMatchObject({ action: 'rollout', target: { fallthrough: true }, before: 10, percentage: 25 });
    const rr = await setRollout(dir, 'new-orchestrator-v2', 50, { ...opts, rule: 'beta-testers' });
    expect(rr).toMatchObject({ target: { rule: 'beta-testers' }, before: undefined, percentage: 50 });
    expect(read(dir)).toContain('            value: [tenant-beta-1, tenant-beta-2]\n        percentage: 50\n        value: true\n    fallthrough:\n      percentage: 25\n');
  });

  it('explains a flag without fallthrough', async () => {
    const dir = flagsDir();
    await expect(setRollout(dir, 'model-provider', 25, opts)).rejects.toThrow(/has no fallthrough.*--rule \(rules: openai-override\)/);
  });

  it('refuses out-of-range and over-precise percentages', async () => {
    const dir = flagsDir();
    await expect(setRollout(dir, 'new-orchestrator-v2', -1, opts)).rejects.toThrow(/INVALID_PERCENTAGE/);
    await expect(setRollout(dir, 'new-orchestrator-v2', 0.125, opts)).rejects.toThrow(/would be invalid/);
    expect(read(dir)).toBe(DEFAULTS);
  });
});

describe('createFlag', () => {
  it('writes KEY.yaml in the one-flag form, disabled, with timestamps', async () => {
    const dir = flagsDir();
    const r = await createFlag(dir, { key: 'checkout-redesign', type: 'boolean', defaultValue: false, owner: 'web-team', tags: ['checkout', 'q3 launch'] }, opts);
    expect(r.file).toBe(path.join(dir, 'checkout-redesign.yaml'));
    expect(read(dir, 'checkout-redesign.yaml')).toBe(
      [
        'key: checkout-redesign',
        'name: checkout-redesign',
        'description: ""',
        'type: boolean',
        'defaultValue: false',
        'enabled: false',
        'rules: []',
        'tags: [checkout, q3 launch]',
        'owner: web-team',
        `createdAt: ${NOW}`,
        `updatedAt: ${NOW}`,
        '',
      ].join('\n'),
    );
    const set = await readFlagSet(dir);
    expect(set.diagnostics).toEqual([]);
    expect(set.flags.get('checkout-redesign')).toMatchObject({ enabled: false, owner: 'web-team', tags: ['checkout', 'q3 launch'] });
  });

  it('refuses an existing key wherever it is defined', async () => {
    const dir = flagsDir();
    await expect(createFlag(dir, { key: 'model-provider', type: 'string', defaultValue: 'x' }, opts)).rejects.toThrow(/already exists \(flags\/default-flags\.yaml:\d+:\d+\)/);
    expect(existsSync(path.join(dir, 'model-provider.yaml'))).toBe(false);
  });

  it('refuses a file of that name even when it holds something else', async () => {
    const dir = flagsDir({ 'taken.yaml': '# not a flag yet\n' }, { bare: true });
    await expect(createFlag(dir, { key: 'taken', type: 'boolean', defaultValue: false }, opts)).rejects.toThrow(/flags\/taken\.yaml already exists/);
    expect(read(dir, 'taken.yaml')).toBe('# not a flag yet\n');
  });

  it.each(['../escape', 'a/b', '.hidden', '-dash', 'x'.repeat(129), ''])('refuses the unsafe key %j and writes nothing', async (key) => {
    const dir = flagsDir({}, { bare: true });
    await expect(createFlag(dir, { key, type: 'boolean', defaultValue: false }, opts)).rejects.toThrow(/invalid flag key/);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(path.dirname(dir)).sort()).toEqual(['flags']);
  });

  it('refuses a default that is not of the type', async () => {
    const dir = flagsDir({}, { bare: true });
    await expect(createFlag(dir, { key: 'n', type: 'number', defaultValue: 'three' }, opts)).rejects.toThrow(/default value "three" is not a number/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('renderNewFlag writes json defaults as flow YAML that reads back as the same value', () => {
    expect(renderNewFlag({ key: 'j', type: 'json', defaultValue: { a: [1, 'x, y'], b: null } }, NOW)).toContain('defaultValue: {a: [1, "x, y"], b: null}\n');
  });
});

describe('planning (pure)', () => {
  it('effectiveState follows the evaluator’s order: kill switch, override, enabled', () => {
    expect(effectiveState({ enabled: true, killSwitch: true })).toEqual({ on: false, reason: 'KILL_SWITCH' });
    expect(effectiveState({ enabled: true, environments: { dev: { enabled: false } } }, 'dev')).toEqual({ on: false, reason: 'ENVIRONMENT_DISABLED' });
    expect(effectiveState({ enabled: false, environments: { dev: { enabled: true, value: 1 } } }, 'dev')).toEqual({ on: true, reason: 'ENVIRONMENT_OVERRIDE' });
    expect(effectiveState({ enabled: false, environments: { dev: { enabled: true } } }, 'dev')).toEqual({ on: false, reason: 'DISABLED' });
    expect(effectiveState({ enabled: true }, 'prod')).toEqual({ on: true, reason: 'ENABLED' });
  });

  it('only turning off counts as a safety edit', () => {
    expect(planToggle({ enabled: true }, false).safety).toBe(true);
    expect(planToggle({ enabled: false }, true).safety).toBe(false);
    expect(planToggle({ enabled: true }, 'flip').safety).toBe(true);
    expect(planToggle({ enabled: true }, false, 'dev').safety).toBe(true);
  });
});

describe('files and links', () => {
  it('keeps the file mode', async () => {
    const dir = flagsDir();
    chmodSync(path.join(dir, 'default-flags.yaml'), 0o640);
    await kill(dir, 'model-provider', opts);
    expect(statSync(path.join(dir, 'default-flags.yaml')).mode & 0o777).toBe(0o640);
  });

  it('a flag file that is a link into the flags directory: the target is written, the link stays a link', async () => {
    // The target sits in a dot-folder, which is not listed, so the flag is defined once: through the link.
    const d2 = flagsDir({ '.store/target.yaml': flagYaml('linked') }, { bare: true });
    symlinkSync(path.join(d2, '.store/target.yaml'), path.join(d2, 'linked.yaml'));
    const r = await setEnabled(d2, 'linked', false, opts);
    expect(r.file).toBe(path.join(d2, '.store/target.yaml'));
    expect(lstatSync(path.join(d2, 'linked.yaml')).isSymbolicLink()).toBe(true);
    expect(read(d2, '.store/target.yaml')).toContain('enabled: false\n');
    expect(readdirSync(path.join(d2, '.store'))).toEqual(['target.yaml']);
  });

  it('never writes through a link to a file outside the flags directory', async () => {
    const outside = tempDir();
    dirs.push(outside);
    writeFileSync(path.join(outside, 'x.yaml'), flagYaml('outside'));
    const dir = flagsDir({}, { bare: true });
    symlinkSync(path.join(outside, 'x.yaml'), path.join(dir, 'outside.yaml'));
    await expect(kill(dir, 'outside', opts)).rejects.toThrow(/no flag "outside"/);
    expect(readFileSync(path.join(outside, 'x.yaml'), 'utf8')).toBe(flagYaml('outside'));
  });
});

describe('failures leave the original intact', () => {
  const failing = (step: keyof AtomicFs, code = 'ENOSPC'): AtomicFs => ({
    ...nodeFs,
    [step]: async () => {
      throw Object.assign(new Error(`${code}: injected failure, ${step}`), { code });
    },
  });

  it('a failure between write and rename: original unchanged, no temp file, lock released', async () => {
    const dir = flagsDir();
    await expect(kill(dir, 'model-provider', { ...opts, fs: failing('rename') })).rejects.toThrow(
      /cannot write flags\/default-flags\.yaml: ENOSPC: injected failure \(the file was not changed\)/,
    );
    expect(read(dir)).toBe(DEFAULTS);
    expect(leftovers(dir)).toEqual([]);
    // The lock is free again: the next edit goes through at once.
    expect((await kill(dir, 'model-provider', { ...opts, lockTimeoutMs: 0 })).changed).toBe(true);
  });

  it('a failure while opening the temp file (read-only directory, full disk) reports the OS reason', async () => {
    const dir = flagsDir();
    await expect(setEnabled(dir, 'model-provider', false, { ...opts, fs: failing('open', 'EACCES') })).rejects.toThrow(/EACCES/);
    expect(read(dir)).toBe(DEFAULTS);
    expect(leftovers(dir)).toEqual([]);
  });
});
