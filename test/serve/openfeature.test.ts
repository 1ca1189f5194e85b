/**
 * flagyard/openfeature through the real OpenFeature server SDK: what an
 * application sees (details, reasons, variant, metadata, error codes, change
 * events), never the provider's methods called directly.
 */
import { OpenFeature, ProviderEvents, type EventDetails } from '@openfeature/server-sdk';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FlagyardProvider } from '../../src/openfeature.js';
import { removeDir, runMain } from '../helpers/cli.js';
import { servingProject } from './fixtures.js';

let project: string;
beforeAll(async () => {
  project = servingProject();
  expect((await runMain(['build'], { cwd: project })).code).toBe(0);
});
afterAll(() => removeDir(project));
afterEach(async () => {
  await OpenFeature.close();
  OpenFeature.clearHandlers();
});

describe('over the flags directory (watched)', () => {
  it('resolves every type with mapped reasons, variant and ruleId', async () => {
    await OpenFeature.setProviderAndWait(new FlagyardProvider({ dir: path.join(project, 'flags') }));
    const client = OpenFeature.getClient();

    const limit = await client.getNumberDetails('parallel-agents-limit', 1, { targetingKey: 'u1', tenant: { type: 'enterprise' } });
    expect(limit).toMatchObject({ value: 15, reason: 'TARGETING_MATCH', flagMetadata: { ruleId: 'enterprise-higher-limit', flagyardReason: 'RULE_MATCH' } });
    expect(limit.errorCode).toBeUndefined();

    const color = await client.getStringDetails('button-color', 'none', { targetingKey: 'user-42' });
    expect(color.reason).toBe('SPLIT');
    expect(['control', 'green', 'red']).toContain(color.variant);
    expect(color.value).toBe({ control: 'blue', green: 'green', red: 'red' }[color.variant!]);

    expect(await client.getObjectDetails('search-limits', {}, { user: { name: 'ann' }, attributes: { beta: true } })).toMatchObject({
      value: { results: 50, fuzzy: true },
      reason: 'TARGETING_MATCH',
    });
    expect(await client.getBooleanDetails('legacy-export', true)).toMatchObject({ value: false, reason: 'DISABLED', flagMetadata: { flagyardReason: 'KILL_SWITCH' } });
    expect(await client.getBooleanDetails('checkout-redesign', false, { environment: 'staging' })).toMatchObject({ value: true, reason: 'STATIC' });
    expect(await client.getStringDetails('model-provider', 'x')).toMatchObject({ value: 'anthropic', reason: 'DEFAULT' });
  });

  it('targetingKey buckets as user.id (unless the context has its own user.id)', async () => {
    await OpenFeature.setProviderAndWait(new FlagyardProvider({ dir: path.join(project, 'flags') }));
    const client = OpenFeature.getClient();
    const { createEvaluator } = await import('../../src/store/live-evaluator.js');
    const lib = await createEvaluator({ dir: path.join(project, 'flags') });
    for (let i = 0; i < 40; i++) {
      const id = `user-${i}`;
      expect((await client.getStringDetails('button-color', 'none', { targetingKey: id })).variant).toBe(lib.evaluate('button-color', { user: { id } }).variant);
      expect((await client.getStringDetails('button-color', 'none', { targetingKey: 'ignored', user: { id } })).variant).toBe(lib.evaluate('button-color', { user: { id } }).variant);
    }
    lib.close();
  });

  it('reports errors as OpenFeature error codes with the caller default', async () => {
    await OpenFeature.setProviderAndWait(new FlagyardProvider({ dir: path.join(project, 'flags') }));
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails('no-such-flag', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(await client.getBooleanDetails('model-provider', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect((await client.getBooleanDetails('model-provider', true)).errorMessage).toMatch(/does not hold a boolean/);
    expect(await client.getNumberDetails('search-limits', 3)).toMatchObject({ value: 3, errorCode: 'TYPE_MISMATCH' });
  });

  it('a kill emits PROVIDER_CONFIGURATION_CHANGED with flagsChanged, and the next evaluation sees it', async () => {
    const dir = servingProject();
    try {
      await OpenFeature.setProviderAndWait(new FlagyardProvider({ dir: path.join(dir, 'flags') }));
      const changes: EventDetails[] = [];
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (d) => changes.push(d!));
      const client = OpenFeature.getClient();
      expect((await client.getNumberDetails('parallel-agents-limit', 1, { tenant: { type: 'enterprise' } })).value).toBe(15);
      expect((await runMain(['kill', 'parallel-agents-limit'], { cwd: dir })).code).toBe(0);
      await expect.poll(() => changes.length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(changes[0]).toMatchObject({ flagsChanged: ['parallel-agents-limit'] });
      expect(await client.getNumberDetails('parallel-agents-limit', 1, { tenant: { type: 'enterprise' } })).toMatchObject({ value: 4, reason: 'DISABLED' });

      // A flag whose file turns invalid: the last valid version keeps being served; a new invalid flag is PARSE_ERROR.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(dir, 'flags/broken.yaml'), 'key: broken\nname: b\ndescription: ""\ntype: boolean\ndefaultValue: false\nenabled: nope\nrules: []\ntags: []\nowner: x\n');
      await expect.poll(async () => (await client.getBooleanDetails('broken', true)).errorCode, { timeout: 5000 }).toBe('PARSE_ERROR');
    } finally {
      removeDir(dir);
    }
  });
});

describe('over a bundle', () => {
  it('from a file, with the environment it was built for', async () => {
    await OpenFeature.setProviderAndWait(new FlagyardProvider({ file: path.join(project, 'bundles/flags.dev.json') }));
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails('checkout-redesign', true)).toMatchObject({ value: false, reason: 'DISABLED', flagMetadata: { flagyardReason: 'ENVIRONMENT_DISABLED' } });
  });

  it('in memory, with a default environment', async () => {
    const bundle = JSON.parse(readFileSync(path.join(project, 'bundles/flags.json'), 'utf8'));
    await OpenFeature.setProviderAndWait(new FlagyardProvider({ bundle, environment: 'staging' }));
    const client = OpenFeature.getClient();
    expect(await client.getBooleanDetails('checkout-redesign', false)).toMatchObject({ value: true, reason: 'STATIC' });
    expect(await client.getBooleanDetails('checkout-redesign', true, { environment: 'dev' })).toMatchObject({ value: false, reason: 'DISABLED' });
  });

  it('a provider that cannot load its flags puts the SDK in error, and evaluations get the default', async () => {
    await expect(OpenFeature.setProviderAndWait(new FlagyardProvider({ file: path.join(project, 'missing.json') }))).rejects.toThrow(/cannot read bundle/);
    expect(await OpenFeature.getClient().getBooleanDetails('legacy-export', true)).toMatchObject({ value: true, reason: 'ERROR' });
  });

  it('over an evaluator you built, with a default environment', async () => {
    const { createFlagEvaluator } = await import('../../src/evaluation/index.js');
    const bundle = JSON.parse(readFileSync(path.join(project, 'bundles/flags.json'), 'utf8'));
    await OpenFeature.setProviderAndWait(new FlagyardProvider({ evaluator: createFlagEvaluator(Object.values(bundle.flags) as never), environment: 'dev' }));
    expect(await OpenFeature.getClient().getBooleanDetails('checkout-redesign', true)).toMatchObject({ value: false, flagMetadata: { flagyardReason: 'ENVIRONMENT_DISABLED' } });
  });

  it('refuses ambiguous options at construction', () => {
    expect(() => new FlagyardProvider({ dir: 'a', file: 'b' })).toThrow(/exactly one of dir, bundle, file, url or evaluator \(got dir, file\)/);
  });
});
