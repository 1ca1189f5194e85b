import { describe, expect, it } from 'vitest';
import { parseProjectConfig, unknownEnvironmentFindings } from '../../src/schema/project-config.js';

describe('parseProjectConfig', () => {
  it.each([
    ['', {}],
    ['# only a comment\n', {}],
    ['dir: ff\neventLog: log.jsonl\nenvironments: [a, b]\ntimestamps: false\n', { dir: 'ff', eventLog: 'log.jsonl', environments: ['a', 'b'], timestamps: false }],
  ])('%j is valid', (text, config) => {
    const r = parseProjectConfig('c.yaml', text);
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual(config);
  });

  it('records where each setting is written', () => {
    expect(parseProjectConfig('c.yaml', '# x\n\ntimestamps:   false\n').positions).toEqual({ timestamps: { line: 3, column: 15 } });
  });

  it.each([
    ['dir: ""\n', 'INVALID_VALUE', 1, 6],
    ['environments: ["bad name"]\n', 'INVALID_KEY', 1, 16],
    ['timestamps: true\ntimestamps: false\n', 'DUPLICATE_MAPPING_KEY', 2, 1],
    ['dir: x\nextra: 1\n', 'UNKNOWN_FIELD', 2, 1],
  ])('%j is reported at its place', (text, code, line, column) => {
    const r = parseProjectConfig('c.yaml', text);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code, line, column, file: 'c.yaml' });
  });
});

describe('unknownEnvironmentFindings', () => {
  it('warns at each name the list lacks, and ignores flags without environments', () => {
    expect(unknownEnvironmentFindings({ environments: { production: {}, prod: {}, stagin: {} } }, ['staging', 'production'])).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_ENVIRONMENT', severity: 'warning', path: ['environments', 'prod'], anchor: 'key' }),
      expect.objectContaining({ path: ['environments', 'stagin'], message: expect.stringContaining('(did you mean "staging"?)') }),
    ]);
    expect(unknownEnvironmentFindings({ key: 'x' }, ['a'])).toEqual([]);
    expect(unknownEnvironmentFindings({ environments: ['a'] }, ['a'])).toEqual([]);
    expect(unknownEnvironmentFindings(null, ['a'])).toEqual([]);
  });
});
