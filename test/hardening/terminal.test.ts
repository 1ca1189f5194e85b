/**
 * Control characters from flag files never reach the terminal as controls
 * (issue 9: files are untrusted). Names, owners, tags, descriptions, rule ids
 * and finding messages can hold ESC sequences (YAML's "\e"), C1 controls or
 * carriage returns; the human output shows them escaped, on a TTY with colour
 * and without. The only escapes printed are flags' own colour codes.
 */
import { describe, expect, it } from 'vitest';
import { neutralizeControls } from '../../src/cli/render/terminal.js';
import { projectWith, removeDir, runMain } from '../helpers/cli.js';

const OSC_TITLE = '\\e]0;pwned\\a';
const CLEAR = '\\e[2J\\e[H';
const HIDE = '\\e[8m\\e[30;40m';
const C1_CSI = '\\u009b31m';

const HOSTILE = `key: hostile
name: "Name ${OSC_TITLE}"
description: "Description ${CLEAR} with a\\rcarriage return"
type: string
defaultValue: "value ${HIDE}"
enabled: true
rules:
  - id: "rule-${C1_CSI}"
    description: "Rule ${CLEAR}"
    conditions: [{attribute: user.id, operator: equals, value: "\\e[5m"}]
    value: "x"
tags: ["tag ${HIDE}", "\\u0007bell"]
owner: "owner ${OSC_TITLE}"
`;

// A finding whose message quotes the file: an unknown field named with an escape.
const FINDING = `key: finding
name: f
description: ""
type: boolean
defaultValue: false
enabled: true
rules: []
tags: []
owner: t
"field ${CLEAR}": 1
`;

// A syntax error whose message quotes raw text of the file.
const SYNTAX = 'key: syntax\nname: \u001b]0;pwned\u0007 x: y: z\n';

/** Control characters other than tab and newline, and ESC sequences other than flags' own colours. */
function foreignControls(s: string): string[] {
  const own = /\u001b\[(?:0|1|2|22|3[1-6]|39|90)m/g;
  return [...s.replace(own, '').matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g)].map((m) => JSON.stringify(m[0]));
}

describe('human output shows control characters from files, never obeys them', () => {
  const commands = [
    ['list'],
    ['show', 'hostile'],
    ['eval', 'hostile'],
    ['eval', '--all'],
    ['eval', 'hostile', '--set', 'user.id=\u001b[5m'],
    ['validate'],
    ['toggle', 'syntax'],
    ['set', 'hostile', 'owner', 'new owner \u001b]0;x\u0007'],
  ];

  it.each([false, true])('on a TTY: %s', async (tty) => {
    const dir = projectWith({ 'hostile.yaml': HOSTILE, 'finding.yaml': FINDING, 'syntax.yaml': SYNTAX });
    try {
      let sawEscaped = false;
      for (const argv of commands) {
        const r = await runMain(argv, { cwd: dir, tty });
        expect([0, 1]).toContain(r.code);
        expect(foreignControls(r.stdout), `${argv.join(' ')} stdout: ${JSON.stringify(r.stdout)}`).toEqual([]);
        expect(foreignControls(r.stderr), `${argv.join(' ')} stderr: ${JSON.stringify(r.stderr)}`).toEqual([]);
        if (/\\u001b/.test(r.stdout + r.stderr)) sawEscaped = true;
      }
      // The escapes are visible, not dropped.
      expect(sawEscaped).toBe(true);
      const show = await runMain(['show', 'hostile'], { cwd: dir, tty });
      expect(show.stdout).toContain('Name \\u001b]0;pwned\\u0007');
      expect(show.stdout).toContain('new owner \\u001b]0;x\\u0007');
    } finally {
      removeDir(dir);
    }
  });

  it('--json output is unchanged JSON carrying the same strings', async () => {
    const dir = projectWith({ 'hostile.yaml': HOSTILE });
    try {
      const r = await runMain(['show', 'hostile', '--json'], { cwd: dir });
      const flag = JSON.parse(r.stdout);
      expect(flag.name).toBe('Name \u001b]0;pwned\u0007');
      expect(flag.rules[0].id).toBe('rule-\u009b31m');
      expect(foreignControls(r.stdout)).toEqual([]);
    } finally {
      removeDir(dir);
    }
  });
});

describe('neutralizeControls', () => {
  it.each([
    ['plain text', 'plain text', 'plain text'],
    ['\u001b[2J', '\\u001b[2J', '\\u001b[2J'],
    ['\u001b[31mred\u001b[39m', '\\u001b[31mred\\u001b[39m', '\u001b[31mred\u001b[39m'],
    ['\u001b[8mhidden\u001b[28m', '\\u001b[8mhidden\\u001b[28m', '\\u001b[8mhidden\\u001b[28m'],
    ['\u001b[30;40mblack', '\\u001b[30;40mblack', '\\u001b[30;40mblack'],
    ['a\rb\u0000c\u0085d\u009b1m', 'a\\u000db\\u0000c\\u0085d\\u009b1m', 'a\\u000db\\u0000c\\u0085d\\u009b1m'],
    ['tab\tand\nnewline', 'tab\tand\nnewline', 'tab\tand\nnewline'],
    ['ünïcödé ✓ ┌─┐', 'ünïcödé ✓ ┌─┐', 'ünïcödé ✓ ┌─┐'],
  ])('%j', (input, plain, coloured) => {
    expect(neutralizeControls(input, { color: false })).toBe(plain);
    expect(neutralizeControls(input, { color: true })).toBe(coloured);
  });
});
