/**
 * Text from flag files, contexts and logs reaches the terminal through every
 * human output (names, owners, descriptions, rule ids, finding messages).
 * Those files are written by many people: a value holding `ESC ] 52 ;` (set
 * the clipboard), `ESC [ 2 J` (clear the screen), a carriage return, or black
 * on black could rewrite what the reader sees or hide part of a finding. So
 * control characters are shown as escapes (`\u001b`), except newline, tab and,
 * when colour is on, the few colour codes flags itself prints.
 */

/** One SGR code per sequence, as chalk (level 1) and the table borders print them: reset, bold, dim, red … cyan, default, grey. */
const OWN_SGR = /^\u001b\[(?:0|1|2|22|3[1-6]|39|90)m$/;

/**
 * C0 controls but tab and newline, DEL, C1 controls (U+009B is an 8-bit CSI),
 * and the bidirectional marks, embeddings, overrides and isolates (U+061C,
 * U+200E–F, U+202A–E, U+2066–9): an override reverses the text after it, so
 * a rule id could make a line read as something else (issue 13.16).
 */
const CONTROL_CHAR = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line of human output built from file values: a line break inside a
 * value (a rule id, a description) is shown as `\n`, so it cannot fake a
 * line of the report. Used where each element is meant to be one line.
 */
export function oneLine(text: string): string {
  return text.replace(/\r?\n|[\u2028\u2029]/g, '\\n');
}

export function neutralizeControls(text: string, opts: { color: boolean }): string {
  if (!CONTROL_CHAR.test(text)) return text;
  return text.replace(CONTROL, (m) => (opts.color && OWN_SGR.test(m) ? m : escapeControls(m)));
}

function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
