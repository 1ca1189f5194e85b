import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editYaml, YamlEditError, type YamlSet } from '../../src/store/yaml-edit.js';
import { REPO_FLAGS } from '../helpers/cli.js';

const NOW = '2026-01-31T12:00:00Z';
const DEFAULTS = readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8');

/** Replaces one exact, unique snippet: the expected texts below are the original with hand-written changes. */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`snippet not found exactly once: ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** What `flags toggle KEY --off` asks of the editor for the flag at `index` of the list file. */
const toggleOff = (index: number): YamlSet[] => [
  { path: ['flags', index, 'enabled'], value: false },
  { path: ['flags', index, 'updatedAt'], value: NOW, after: ['createdAt'] },
];

describe('editYaml on flags/default-flags.yaml (golden text)', () => {
  it('the fixture is the predefined file this suite was written against', () => {
    expect(DEFAULTS.startsWith('# Predefined feature flags for the platform\nflags:\n  - key: self-evolution-enabled\n')).toBe(true);
    expect(DEFAULTS.endsWith('    tags: [models]\n    owner: platform-team\n')).toBe(true);
  });

  it('toggles self-evolution-enabled: one changed line, updatedAt added after its last field', () => {
    const expected = replaceOnce(
      replaceOnce(DEFAULTS, '    defaultValue: false\n    enabled: true\n    rules:\n      - id: enterprise-only', '    defaultValue: false\n    enabled: false\n    rules:\n      - id: enterprise-only'),
      '    tags: [self-evolution, enterprise]\n    owner: platform-team\n\n',
      `    tags: [self-evolution, enterprise]\n    owner: platform-team\n    updatedAt: ${NOW}\n\n`,
    );
    expect(editYaml(DEFAULTS, toggleOff(0))).toBe(expected);
  });

  it('toggles parallel-agents-limit', () => {
    const expected = replaceOnce(
      replaceOnce(DEFAULTS, '    defaultValue: 4\n    enabled: true\n', '    defaultValue: 4\n    enabled: false\n'),
      '    tags: [performance]\n    owner: platform-team\n\n',
      `    tags: [performance]\n    owner: platform-team\n    updatedAt: ${NOW}\n\n`,
    );
    expect(editYaml(DEFAULTS, toggleOff(1))).toBe(expected);
  });

  it('toggles new-orchestrator-v2 (its flow sequence and fallthrough untouched)', () => {
    const expected = replaceOnce(
      replaceOnce(DEFAULTS, '    defaultValue: false\n    enabled: true\n    rules:\n      - id: beta-testers', '    defaultValue: false\n    enabled: false\n    rules:\n      - id: beta-testers'),
      '    tags: [orchestrator, beta]\n    owner: core-team\n\n',
      `    tags: [orchestrator, beta]\n    owner: core-team\n    updatedAt: ${NOW}\n\n`,
    );
    expect(editYaml(DEFAULTS, toggleOff(2))).toBe(expected);
  });

  it('toggles model-provider, the last flag of the file', () => {
    const expected = replaceOnce(
      replaceOnce(DEFAULTS, '    defaultValue: anthropic\n    enabled: true\n', '    defaultValue: anthropic\n    enabled: false\n'),
      '    tags: [models]\n    owner: platform-team\n',
      `    tags: [models]\n    owner: platform-team\n    updatedAt: ${NOW}\n`,
    );
    expect(editYaml(DEFAULTS, toggleOff(3))).toBe(expected);
  });

  it('kills new-orchestrator-v2: enabled and killSwitch side by side, updatedAt at the end (full text of the flag)', () => {
    const out = editYaml(DEFAULTS, [
      { path: ['flags', 2, 'enabled'], value: false },
      { path: ['flags', 2, 'killSwitch'], value: true, after: ['enabled'] },
      { path: ['flags', 2, 'updatedAt'], value: NOW, after: ['createdAt'] },
    ]);
    const start = DEFAULTS.indexOf('  - key: new-orchestrator-v2');
    const end = DEFAULTS.indexOf('  - key: model-provider');
    expect(out.slice(0, start)).toBe(DEFAULTS.slice(0, start));
    expect(out.slice(out.indexOf('  - key: model-provider'))).toBe(DEFAULTS.slice(end));
    expect(out.slice(start, out.indexOf('  - key: model-provider'))).toBe(
      [
        '  - key: new-orchestrator-v2',
        '    name: New Orchestrator V2',
        '    description: Use the new orchestrator implementation',
        '    type: boolean',
        '    defaultValue: false',
        '    enabled: false',
        '    killSwitch: true',
        '    rules:',
        '      - id: beta-testers',
        '        description: Beta tenants always get the new orchestrator',
        '        conditions:',
        '          - attribute: tenant.id',
        '            operator: in',
        '            value: [tenant-beta-1, tenant-beta-2]',
        '        value: true',
        '    fallthrough:',
        '      percentage: 10',
        '      value: true',
        '    tags: [orchestrator, beta]',
        '    owner: core-team',
        `    updatedAt: ${NOW}`,
        '',
        '',
      ].join('\n'),
    );
  });

  it('adds environments.staging.enabled to model-provider as a nested block mapping before updatedAt', () => {
    const withUpdated = editYaml(DEFAULTS, [{ path: ['flags', 3, 'updatedAt'], value: NOW }]);
    const out = editYaml(withUpdated, [{ path: ['flags', 3, 'environments', 'staging', 'enabled'], value: false, before: ['createdAt', 'updatedAt'] }]);
    expect(out).toBe(
      replaceOnce(
        DEFAULTS,
        '    tags: [models]\n    owner: platform-team\n',
        `    tags: [models]\n    owner: platform-team\n    environments:\n      staging:\n        enabled: false\n    updatedAt: ${NOW}\n`,
      ),
    );
  });

  it('replaces an existing updatedAt in place', () => {
    const once = editYaml(DEFAULTS, [{ path: ['flags', 0, 'updatedAt'], value: NOW }]);
    const twice = editYaml(once, [{ path: ['flags', 0, 'updatedAt'], value: '2026-02-01T08:30:00Z' }]);
    expect(twice).toBe(once.replace(`updatedAt: ${NOW}`, 'updatedAt: 2026-02-01T08:30:00Z'));
  });
});

describe('editYaml keeps everything it does not change', () => {
  const commented = [
    '# checkout flags',
    '# owned by the web team',
    '',
    'key: checkout   # the key code uses',
    'name: Checkout',
    '',
    '# the switch',
    'enabled: true # on since March',
    'description: "Checkout redesign"',
    "owner: 'web-team'",
    'type: string',
    'defaultValue: classic',
    'rules: []   # none yet',
    'tags: [ checkout,   web ]',
    '',
    '# end of file',
    '',
  ].join('\n');

  it('line comments, trailing comments, blank lines, odd flow spacing and key order survive', () => {
    const out = editYaml(commented, [{ path: ['enabled'], value: false }]);
    expect(out).toBe(commented.replace('enabled: true # on since March', 'enabled: false # on since March'));
  });

  it('appends a missing key after the last pair, before trailing comments and blank lines', () => {
    const out = editYaml(commented, [{ path: ['updatedAt'], value: NOW }]);
    expect(out).toBe(commented.replace('tags: [ checkout,   web ]\n', `tags: [ checkout,   web ]\nupdatedAt: ${NOW}\n`));
  });

  it('inserts after a named sibling', () => {
    const out = editYaml(commented, [{ path: ['killSwitch'], value: true, after: ['enabled'] }]);
    expect(out).toBe(commented.replace('enabled: true # on since March\n', 'enabled: true # on since March\nkillSwitch: true\n'));
  });

  it('keeps double quotes, single quotes and plain style of the replaced string', () => {
    const out = editYaml(commented, [
      { path: ['description'], value: 'New "checkout"' },
      { path: ['owner'], value: "payments' team" },
      { path: ['defaultValue'], value: 'redesign' },
    ]);
    expect(out).toBe(
      commented
        .replace('description: "Checkout redesign"', 'description: "New \\"checkout\\""')
        .replace("owner: 'web-team'", "owner: 'payments'' team'")
        .replace('defaultValue: classic', 'defaultValue: redesign'),
    );
  });

  it('quotes a plain string only when plain would read back as something else', () => {
    const cases: [string, string][] = [
      ['true', '"true"'],
      ['42', '"42"'],
      ['null', '"null"'],
      ['a: b', '"a: b"'],
      ['#hash', '"#hash"'],
      [' padded', '" padded"'],
      ['', '""'],
      ['two\nlines', '"two\\nlines"'],
      ['open ai', 'open ai'],
      ['gpt-4o', 'gpt-4o'],
    ];
    for (const [value, written] of cases) {
      expect(editYaml('key: a\ndefaultValue: x\n', [{ path: ['defaultValue'], value }])).toBe(`key: a\ndefaultValue: ${written}\n`);
    }
  });

  it('writes booleans and numbers plain even where a string was quoted', () => {
    expect(editYaml('enabled: "true"\npercentage: "5"\n', [
      { path: ['enabled'], value: false },
      { path: ['percentage'], value: 12.5 },
    ])).toBe('enabled: false\npercentage: 12.5\n');
  });

  it('fills an empty value after the colon, keeping a trailing comment', () => {
    expect(editYaml('a: 1\nkillSwitch:\nb: 2\n', [{ path: ['killSwitch'], value: true }])).toBe('a: 1\nkillSwitch: true\nb: 2\n');
    expect(editYaml('killSwitch:   # set me\nb: 2\n', [{ path: ['killSwitch'], value: true }])).toBe('killSwitch:   true # set me\nb: 2\n');
  });

  it('replaces a block scalar without swallowing the next line', () => {
    const text = 'description: |\n  line one\n  line two\nowner: x\n';
    expect(editYaml(text, [{ path: ['description'], value: 'short' }])).toBe('description: short\nowner: x\n');
  });

  it('replaces a block collection with a flow value on the key line (json values)', () => {
    const text = 'defaultValue:\n  a: 1\n  b: [1, 2]\nowner: x\n';
    expect(editYaml(text, [{ path: ['defaultValue'], value: { limit: 3, names: ['a b', 'c'] } }])).toBe('defaultValue: {limit: 3, names: [a b, c]}\nowner: x\n');
  });

  it('edits a value inside a list item by index', () => {
    const text = 'rules:\n  - id: a\n    value: 1\n  - id: b   # second\n    value: 2\n';
    expect(editYaml(text, [{ path: ['rules', 1, 'value'], value: 5 }])).toBe('rules:\n  - id: a\n    value: 1\n  - id: b   # second\n    value: 5\n');
  });

  it('puts a key "before" the first key of a nested mapping on its own line', () => {
    const text = 'fallthrough:\n  value: true\nowner: x\n';
    expect(editYaml(text, [{ path: ['fallthrough', 'percentage'], value: 10, before: ['value'] }])).toBe('fallthrough:\n  percentage: 10\n  value: true\nowner: x\n');
  });

  it('puts a key "before" a later key of a list item', () => {
    const text = 'rules:\n  - id: a\n    conditions: []\n    value: 1\n';
    expect(editYaml(text, [{ path: ['rules', 0, 'percentage'], value: 50, before: ['value'] }])).toBe('rules:\n  - id: a\n    conditions: []\n    percentage: 50\n    value: 1\n');
  });
});

describe('flow mappings', () => {
  it('replaces a value inside a flow mapping, keeping its spacing', () => {
    const text = 'fallthrough: {percentage: 10, value: true}\nowner: x\n';
    expect(editYaml(text, [{ path: ['fallthrough', 'percentage'], value: 25 }])).toBe('fallthrough: {percentage: 25, value: true}\nowner: x\n');
  });

  it('quotes a string that plain style would end early inside a flow collection', () => {
    const text = 'environments: {prod: {enabled: true, value: x}}\n';
    expect(editYaml(text, [{ path: ['environments', 'prod', 'value'], value: 'a, b' }])).toBe('environments: {prod: {enabled: true, value: "a, b"}}\n');
  });

  it('adds a key to a one-line flow mapping as `, key: value`', () => {
    const text = 'environments: {prod: {enabled: true}}\nowner: x\n';
    expect(editYaml(text, [{ path: ['environments', 'staging', 'enabled'], value: false }])).toBe('environments: {prod: {enabled: true}, staging: {enabled: false}}\nowner: x\n');
  });

  it('keeps the padding of a padded flow mapping', () => {
    const text = 'environments: { prod: { enabled: true } }\n';
    expect(editYaml(text, [{ path: ['environments', 'prod', 'value'], value: 'on' }])).toBe('environments: { prod: { enabled: true, value: on } }\n');
  });

  it('adds to an empty flow mapping', () => {
    expect(editYaml('environments: {}\n', [{ path: ['environments', 'dev', 'enabled'], value: true }])).toBe('environments: {dev: {enabled: true}}\n');
  });

  it('adds a line to a multi-line flow mapping, with and without a trailing comma', () => {
    expect(editYaml('fallthrough: {\n  value: true\n}\n', [{ path: ['fallthrough', 'percentage'], value: 5 }])).toBe('fallthrough: {\n  value: true,\n  percentage: 5\n}\n');
    expect(editYaml('fallthrough: {\n  value: true,\n}\n', [{ path: ['fallthrough', 'percentage'], value: 5 }])).toBe('fallthrough: {\n  value: true,\n  percentage: 5,\n}\n');
  });

  it('writes a new environment as a flow mapping when its siblings are flow mappings', () => {
    const text = 'environments:\n  prod: { enabled: true }\nowner: x\n';
    expect(editYaml(text, [{ path: ['environments', 'dev', 'enabled'], value: false }])).toBe('environments:\n  prod: { enabled: true }\n  dev: { enabled: false }\nowner: x\n');
  });
});

describe('indentation, line endings, byte order mark', () => {
  it('uses the indentation of the siblings and the file’s nesting step (4 spaces)', () => {
    const text = 'flags:\n    -   key: a\n        enabled: true\n        fallthrough:\n            value: true\n';
    expect(editYaml(text, [{ path: ['flags', 0, 'environments', 'prod', 'enabled'], value: false }])).toBe(
      'flags:\n    -   key: a\n        enabled: true\n        fallthrough:\n            value: true\n        environments:\n            prod:\n                enabled: false\n',
    );
  });

  it('keeps CRLF line endings, also on inserted lines', () => {
    const text = '# c\r\nkey: a\r\nenabled: true # on\r\nowner: x\r\n';
    const out = editYaml(text, [
      { path: ['enabled'], value: false },
      { path: ['updatedAt'], value: NOW },
    ]);
    expect(out).toBe(`# c\r\nkey: a\r\nenabled: false # on\r\nowner: x\r\nupdatedAt: ${NOW}\r\n`);
  });

  it('keeps CRLF in new nested mappings', () => {
    const text = 'key: a\r\nowner: x\r\n';
    expect(editYaml(text, [{ path: ['environments', 'dev', 'enabled'], value: true }])).toBe('key: a\r\nowner: x\r\nenvironments:\r\n  dev:\r\n    enabled: true\r\n');
  });

  it('keeps a UTF-8 byte order mark', () => {
    const text = '\uFEFFkey: a\nenabled: true\n';
    expect(editYaml(text, [{ path: ['enabled'], value: false }])).toBe('\uFEFFkey: a\nenabled: false\n');
  });

  it('keeps a missing final newline', () => {
    expect(editYaml('key: a\nenabled: true', [{ path: ['updatedAt'], value: NOW }])).toBe(`key: a\nenabled: true\nupdatedAt: ${NOW}`);
  });
});

describe('refusals', () => {
  it('refuses a document with YAML errors', () => {
    expect(() => editYaml('key: a\nkey: b\n', [{ path: ['enabled'], value: true }])).toThrow(YamlEditError);
    expect(() => editYaml('key: [a\n', [{ path: ['enabled'], value: true }])).toThrow(/YAML errors/);
  });

  it('refuses an edit that would also change an aliased value', () => {
    const text = 'a: &on true\nb: *on\n';
    expect(() => editYaml(text, [{ path: ['a'], value: false }])).toThrow(/without changing other values/);
  });

  it('replaces an alias itself without touching its anchor', () => {
    expect(editYaml('a: &on true\nb: *on\n', [{ path: ['b'], value: false }])).toBe('a: &on true\nb: false\n');
  });

  it('refuses prototype-polluting path segments', () => {
    for (const seg of ['__proto__', 'constructor', 'prototype']) {
      expect(() => editYaml('a: 1\n', [{ path: [seg, 'x'], value: 1 }])).toThrow(/not allowed/);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses to walk through a scalar', () => {
    expect(() => editYaml('environments: 3\n', [{ path: ['environments', 'dev', 'enabled'], value: true }])).toThrow(/not a mapping/);
  });
});
