/** The pure half of the OFREP server and the OpenFeature mapping. */
import { describe, expect, it } from 'vitest';
import { createFlagEvaluator, REASONS, type Reason } from '../../src/evaluation/index.js';
import { toEvaluationContext, toOpenFeatureResult } from '../../src/openfeature/mapping.js';
import { handleOfrep, matchesIfNoneMatch } from '../../src/serve/ofrep.js';
import { PREDEFINED } from '../evaluation/helpers.js';

describe('toEvaluationContext', () => {
  it.each([
    [{ targetingKey: 'u1' }, { user: { id: 'u1' } }],
    [{ targetingKey: 'u1', user: { name: 'ann' } }, { user: { name: 'ann', id: 'u1' } }],
    [{ targetingKey: 'u1', user: { id: 'own' } }, { user: { id: 'own' } }],
    [{ targetingKey: '' }, {}],
    [{ targetingKey: 'u1', user: 'not an object' }, { user: 'not an object' }],
    [{ tenant: { type: 'enterprise' } }, { tenant: { type: 'enterprise' } }],
  ])('%j → %j', (input, expected) => {
    expect(toEvaluationContext(input)).toEqual(expected);
  });
});

describe('toOpenFeatureResult', () => {
  const expected: Record<Reason, string> = {
    KILL_SWITCH: 'DISABLED',
    ENVIRONMENT_DISABLED: 'DISABLED',
    DISABLED: 'DISABLED',
    ENVIRONMENT_OVERRIDE: 'STATIC',
    RULE_MATCH: 'TARGETING_MATCH',
    SPLIT: 'SPLIT',
    FALLTHROUGH: 'DEFAULT',
    DEFAULT: 'DEFAULT',
    ERROR: 'ERROR',
  };
  it.each(REASONS.map((r) => [r, expected[r]]))('%s → %s, ours kept in metadata', (reason, of) => {
    expect(toOpenFeatureResult('k', { value: 1, reason })).toMatchObject({ reason: of, metadata: { flagyardReason: reason } });
  });
  it('carries ruleId, variant and error details', () => {
    expect(toOpenFeatureResult('k', { value: 1, reason: 'RULE_MATCH', ruleId: 'r' }).metadata).toEqual({ flagyardReason: 'RULE_MATCH', ruleId: 'r' });
    expect(toOpenFeatureResult('k', { value: 1, reason: 'SPLIT', variant: 'green' }).variant).toBe('green');
    expect(toOpenFeatureResult('k', { value: 1, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' }, 'boolean')).toMatchObject({ errorCode: 'TYPE_MISMATCH', errorDetails: 'flag "k" does not hold a boolean' });
  });
});

describe('If-None-Match', () => {
  it.each([
    ['"a"', true],
    ['W/"a"', true],
    ['"b", "a"', true],
    ['*', true],
    ['"b"', false],
    ['a', false],
  ])('%s against "a": %s', (header, match) => {
    expect(matchesIfNoneMatch(header, '"a"')).toBe(match);
  });
});

describe('handleOfrep', () => {
  const evaluator = createFlagEvaluator(PREDEFINED);
  const info = { minPollingIntervalMs: 1000 };
  it('leaves paths outside /ofrep/v1/ to the server', () => {
    expect(handleOfrep(evaluator, { method: 'GET', path: '/metrics', body: '' }, info)).toBeNull();
  });
  it('gives the same ETag for the same flags and context, another for another context', () => {
    const tag = (body: string) => handleOfrep(evaluator, { method: 'POST', path: '/ofrep/v1/evaluate/flags', body }, info)!.headers!.etag;
    expect(tag('{"context":{"a":1}}')).toBe(tag('{"context":{"a":1}}'));
    expect(tag('{"context":{"tenant":{"type":"enterprise"}}}')).not.toBe(tag('{}'));
  });
});
