/** Issue 12 item 13: an over-indented line gets one plain message pointing at it. */
import { describe, expect, it } from 'vitest';
import { projectWith, removeDir, runMain } from '../helpers/cli.js';

const FLAG = 'key: x\nname: x\ndescription: ""\ntype: boolean\ndefaultValue: false\nenabled: true\nrules: []\nfallthrough:\n  percentage: 10\n    value: true\ntags: []\nowner: t\n';

describe('plain YAML indentation messages', () => {
  it('a value two spaces too deep: one finding at that line, in words', async () => {
    const d = projectWith({ 'x.yaml': FLAG });
    try {
      const r = await runMain(['validate'], { cwd: d });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        'flags/x.yaml:10:5  error  YAML_SYNTAX  line 10 is indented deeper than the key "percentage" on line 9: indent it like that key (2 spaces), or end the line above with the key alone to nest it\n\n✖ 1 error in 1 file\n',
      );
      expect(r.stdout).not.toContain('Nested mappings');
      expect(r.stdout).not.toContain('Implicit keys');
    } finally {
      removeDir(d);
    }
  });

  it('inside a list item of the list form, and with CRLF line endings', async () => {
    const d = projectWith({ 'x.yaml': 'flags:\r\n  - key: a\r\n    rules:\r\n      - id: a\r\n         value: 2\r\n' });
    try {
      const r = await runMain(['validate', '--json'], { cwd: d });
      const [finding] = JSON.parse(r.stdout).diagnostics;
      expect(finding).toMatchObject({ code: 'YAML_SYNTAX', line: 5, column: 10 });
      expect(finding.message).toBe('line 5 is indented deeper than the key "id" on line 4: indent it like that key (8 spaces), or end the line above with the key alone to nest it');
    } finally {
      removeDir(d);
    }
  });
});
