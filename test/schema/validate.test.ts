/**
 * The zod issue → Diagnostic mapping (codes, messages, "did you mean",
 * positions at the offending node), the repair that lets the named checks run
 * on a flag the schema rejected, and the set-wide findings.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors.js';
import { FlagSchema } from '../../src/schema/flag.js';
import { parseFlagFile } from '../../src/schema/parse-file.js';
import { findingsOfIssues, flagShapeAt, salvageFlag, validateFlagFiles } from '../../src/schema/validate.js';

const BASE = ['key: f', 'name: F', 'description: ""', 'type: boolean', 'defaultValue: false', 'enabled: true', 'rules: []', 'tags: []', 'owner: team'];

/** A one-flag file from lines, with `edit` applied to the base lines. */
function text(edit: (lines: string[]) => string[] = (l) => l): string {
  return edit([...BASE]).join('\n') + '\n';
}

function validate(files: Record<string, string>) {
  return validateFlagFiles(Object.entries(files).map(([name, t]) => parseFlagFile(`/p/flags/${name}`, t)));
}

/** `CODE line:col path` of each finding of one file named f.yaml. */
function findings(t: string): string[] {
  return validate({ 'f.yaml': t }).diagnostics.map((d) => `${d.code} ${d.line}:${d.column}${d.path ? ' ' + d.path : ''}`);
}

function only(t: string): Diagnostic {
  const ds = validate({ 'f.yaml': t }).diagnostics;
  expect(ds).toHaveLength(1);
  return ds[0];
}

/** The base flag turned off: enabled with nothing but its default it would also be NO_EFFECT. */
const disabled = (t: string) => t.replace('enabled: true', 'enabled: false');
const replace = (from: string, to: string | string[]) => (lines: string[]) => lines.flatMap((l) => (l === from ? to : [l]));

describe('zod issues → diagnostics', () => {
  it('unknown field: at the key itself, with a suggestion, and the field it stands for is not also "missing"', () => {
    const d = only(text(replace('enabled: true', 'enabeld: true')));
    expect(d).toMatchObject({ code: 'UNKNOWN_FIELD', severity: 'error', line: 6, column: 1, flagKey: 'f', path: 'enabeld' });
    expect(d.message).toBe('"enabeld" is not a flag field (did you mean "enabled"?)');
  });

  it('unknown field without a close match: no suggestion', () => {
    expect(only(text((l) => [...l, 'colour: red'])).message).toBe('"colour" is not a flag field');
  });

  it('unknown fields in nested objects name the object', () => {
    const t = text(replace('rules: []', ['rules:', '  - id: r', '    conditions:', '      - attribute: a', '        operator: exists', '        vlaue: 1', '    valeu: true']));
    const ds = validate({ 'f.yaml': t }).diagnostics;
    expect(ds.map((d) => [d.message, d.line, d.column])).toEqual([
      ['"vlaue" is not a condition field (did you mean "value"?)', 12, 9],
      ['"valeu" is not a rule field (did you mean "value"?)', 13, 5],
    ]);
  });

  it('missing field: at the mapping that lacks it, with the field as path', () => {
    expect(findings(text(replace('owner: team', [])))).toEqual(['MISSING_FIELD 1:1 owner']);
    expect(only(text(replace('owner: team', []))).message).toBe('missing required field "owner"');
    // A rule without its value: at the rule, after "- ".
    expect(findings(text(replace('rules: []', ['rules:', '  - id: r', '    conditions: []'])))).toEqual(['MISSING_FIELD 8:5 rules.0.value']);
    // An enum field that is absent is missing too, not "an invalid value".
    expect(findings(text(replace('type: boolean', [])))).toEqual(['MISSING_FIELD 1:1 type']);
  });

  it('wrong type: at the value, naming what was expected and what was found', () => {
    const d = only(text(replace('enabled: true', 'enabled: "yes"')));
    expect(d).toMatchObject({ code: 'INVALID_TYPE', line: 6, column: 10, path: 'enabled' });
    expect(d.message).toBe('"enabled" must be a boolean, got string "yes"');
    expect(only(text(replace('tags: []', 'tags: [a, 2]'))).message).toBe('item 2 of "tags" must be a string, got number 2');
    expect(only(text(replace('rules: []', 'rules: {}'))).message).toBe('"rules" must be a list, got a mapping');
  });

  it('a key with no value is reported at the key, not after the colon', () => {
    expect(findings(text(replace('rules: []', 'rules:')))).toEqual(['INVALID_TYPE 7:1 rules']);
    expect(findings(text(replace('defaultValue: false', 'defaultValue:')))).toEqual(['VALUE_TYPE_MISMATCH 5:1 defaultValue']);
  });

  it('enum value: lists the allowed values and suggests the closest', () => {
    const d = only(text(replace('type: boolean', 'type: booleen')));
    expect(d).toMatchObject({ code: 'INVALID_VALUE', line: 4, column: 7, path: 'type' });
    expect(d.message).toBe('string "booleen" is not a valid type (did you mean "boolean"?); expected one of boolean, string, number, json');
  });

  it('key pattern: INVALID_KEY at the key value', () => {
    const d = only(text(replace('key: f', 'key: "has space"')));
    expect(d).toMatchObject({ code: 'INVALID_KEY', line: 1, column: 6, path: 'key' });
    expect(d.message).toContain('flag key "has space" is invalid');
    expect(findings(text(replace('key: f', `key: ${'k'.repeat(129)}`)))).toEqual(['INVALID_KEY 1:6 key']);
  });

  it('percentage range: INVALID_PERCENTAGE', () => {
    const d = only(text((l) => [...l, 'fallthrough:', '  percentage: 150', '  value: true']));
    expect(d).toMatchObject({ code: 'INVALID_PERCENTAGE', line: 11, column: 15, path: 'fallthrough.percentage' });
    expect(d.message).toBe('percentage number 150 is outside 0–100');
  });

  it('timestamps and values JSON cannot hold: INVALID_VALUE', () => {
    expect(only(text((l) => [...l, 'updatedAt: last tuesday'])).message).toBe(
      '"updatedAt" must be an ISO-8601 timestamp (2026-01-31T12:00:00Z or 2026-01-31), got string "last tuesday"',
    );
    expect(findings(disabled(text((l) => [...l, 'createdAt: 2026-01-31', 'updatedAt: 2026-01-31T12:00:00+02:00'])))).toEqual([]);
    expect(only(text(replace('type: boolean', 'type: json')).replace('defaultValue: false', 'defaultValue: .nan')).message).toBe(
      '"defaultValue" must be a JSON value, got number NaN',
    );
  });

  it('an empty string where one is required', () => {
    expect(only(text(replace('rules: []', ['rules:', '  - id: ""', '    conditions: []', '    value: true']))).message).toBe('"id" must not be empty');
  });

  it('findingsOfIssues maps a custom refinement to its own message', () => {
    const out = findingsOfIssues([{ code: 'custom', path: ['treatment'], message: 'weights leave nothing', input: 1 }], { treatment: [] }, flagShapeAt);
    expect(out).toEqual([{ code: 'INVALID_VALUE', severity: 'error', message: 'weights leave nothing', path: ['treatment'] }]);
  });
});

describe('checks still run when the schema fails', () => {
  it('a typo does not hide a value of the wrong type elsewhere', () => {
    expect(findings(text((l) => replace('enabled: true', 'enabeld: true')(l).map((x) => (x === 'defaultValue: false' ? 'defaultValue: 3' : x))))).toEqual([
      'VALUE_TYPE_MISMATCH 5:15 defaultValue',
      'UNKNOWN_FIELD 6:1 enabeld',
    ]);
  });

  it('an invalid type invents no value mismatch; a broken variant invents no weight sum', () => {
    expect(findings(text(replace('type: boolean', 'type: bool')))).toEqual(['INVALID_VALUE 4:7 type']);
    const t = text((l) => [...l, 'variants:', '  - {key: a, name: A, value: true, weight: 50}', '  - {key: b, value: false, weight: 50}']);
    expect(findings(t)).toEqual(['MISSING_FIELD 12:5 variants.1.name']);
  });

  it('a broken condition leaves the other conditions checked', () => {
    const t = text(
      replace('rules: []', ['rules:', '  - id: r', '    conditions:', '      - {attribute: a, operator: equal, value: 1}', '      - {attribute: b, operator: gt, value: "x"}', '    value: true']),
    );
    expect(findings(t)).toEqual(['INVALID_VALUE 10:34 rules.0.conditions.0.operator', 'INVALID_OPERATOR_VALUE 11:45 rules.0.conditions.1.value']);
  });

  it('salvageFlag: null for a document that is no flag; placeholders are listed as touched', () => {
    expect(salvageFlag([1, 2], [])).toBeNull();
    const raw = { key: 'f', name: 1, description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'x' };
    const parsed = FlagSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    const repaired = salvageFlag(raw, parsed.error!.issues);
    expect(repaired).toMatchObject({ touched: [['name']], warningsReliable: true });
    expect(repaired!.flag.name).toBe('');
  });

  it('warnings that read a placeholder are dropped', () => {
    // killSwitch is broken: "enabled with kill switch" cannot be judged.
    expect(findings(text((l) => [...l, 'killSwitch: "yes"']))).toEqual(['INVALID_TYPE 10:13 killSwitch']);
  });
});

describe('files and the set', () => {
  it('CRLF and a byte order mark keep positions', () => {
    const t = text(replace('enabled: true', 'enabeld: true'));
    for (const variant of [t.replace(/\n/g, '\r\n'), '\uFEFF' + t, '\uFEFF' + t.replace(/\n/g, '\r\n')]) {
      expect(findings(variant)).toEqual(['UNKNOWN_FIELD 6:1 enabeld']);
    }
    const first = text(replace('key: f', 'key: "bad key"'));
    expect(findings('\uFEFF' + first.replace(/\n/g, '\r\n'))).toEqual(['INVALID_KEY 1:6 key']);
  });

  it('a syntax error hides the schema findings of its file, keeps its keys known but not served', () => {
    const set = validate({ 'f.yaml': text(replace('owner: team', ['owner: "team', 'colour: x'])) });
    expect(set.diagnostics.map((d) => d.code)).toEqual(['YAML_SYNTAX']);
    expect(set.diagnostics[0]).toMatchObject({ line: 9, column: 8, message: 'quoted string is never closed (missing closing ")' });
    expect(set.flags.size).toBe(0);
    expect([...set.invalidKeys]).toEqual(['f']);
  });

  it('a duplicated mapping key names its flag, and only that flag of a list is not served', () => {
    const t = ['flags:', ...['a', 'b'].flatMap((k) => disabled(text(replace('key: f', `key: ${k}`))).trimEnd().split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)))];
    t.splice(5, 0, '    name: again');
    const set = validate({ 'list.yaml': t.join('\n') + '\n' });
    expect(set.diagnostics).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_MAPPING_KEY', line: 6, column: 5, flagKey: 'a', message: '"name" is defined twice in the same mapping (YAML keys must be unique)' }),
    ]);
    expect([...set.flags.keys()]).toEqual(['b']);
    expect([...set.invalidKeys]).toEqual(['a']);
  });

  it('a collection used as a mapping key: a finding at that key, and no warning printed by the YAML library', () => {
    const emitted: unknown[] = [];
    const original = process.emitWarning;
    process.emitWarning = ((w: unknown) => void emitted.push(w)) as typeof process.emitWarning;
    try {
      expect(findings(text((l) => [...l, '? [a, b]', ': 1']))).toEqual(['UNKNOWN_FIELD 10:3 [ a, b ]']);
    } finally {
      process.emitWarning = original;
    }
    expect(emitted).toEqual([]);
  });

  it('an unresolved alias is reported at the alias', () => {
    expect(findings(text(replace('tags: []', 'tags: *nothing')))).toEqual(['YAML_SYNTAX 8:7']);
  });

  it('file forms', () => {
    expect(findings('')).toEqual(['INVALID_FILE_FORM 1:1']);
    expect(findings('just text\n')).toEqual(['INVALID_FILE_FORM 1:1']);
    expect(findings('# c\n- key: x\n')).toEqual(['INVALID_FILE_FORM 2:1']);
    expect(findings('flags: []\n')).toEqual([]);
    expect(findings('flags:\n')).toEqual(['INVALID_FILE_FORM 1:1']);
    expect(findings('flags:\n  - 1\nother: 2\n')).toEqual(['INVALID_FILE_FORM 2:5 flags.0', 'UNKNOWN_FIELD 3:1 other']);
  });

  it('duplicate flag keys across files: both places, each naming the other; neither served', () => {
    const set = validate({ 'a.yaml': disabled(text(replace('key: f', 'key: a'))), 'b.yaml': disabled(text(replace('key: f', 'key: a'))) });
    expect(set.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      ['DUPLICATE_FLAG_KEY', '/p/flags/a.yaml', 'flag key "a" is also defined at /p/flags/b.yaml:1:6'],
      ['FILE_NAME_MISMATCH', '/p/flags/b.yaml', 'file name "b.yaml" does not match the flag key "a" (expected a.yaml)'],
      ['DUPLICATE_FLAG_KEY', '/p/flags/b.yaml', 'flag key "a" is also defined at /p/flags/a.yaml:1:6'],
    ]);
    expect(set.flags.size).toBe(0);
    expect([...set.invalidKeys]).toEqual(['a']);
  });

  it('file name: a warning for a one-flag file only, never for an invalid key, any .yml/.yaml spelling', () => {
    expect(findings(disabled(text(replace('key: f', 'key: g'))))).toEqual(['FILE_NAME_MISMATCH 1:6 key']);
    expect(validate({ 'f.yml': disabled(text()) }).diagnostics).toEqual([]);
    expect(validate({ 'x.yaml': text(replace('key: f', 'key: "a b"')) }).diagnostics.map((d) => d.code)).toEqual(['INVALID_KEY']);
  });

  it('a flag with an error is not served; one with only warnings is', () => {
    const set = validate({ 'f.yaml': text((l) => [...l, 'killSwitch: true']), 'g.yaml': text((l) => replace('key: f', 'key: g')(l).map((x) => (x === 'defaultValue: false' ? 'defaultValue: 1' : x))) });
    expect([...set.flags.keys()]).toEqual(['f']);
    expect([...set.invalidKeys]).toEqual(['g']);
  });
});
