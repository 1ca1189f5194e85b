/**
 * Text from flag files inside markdown (the pull-request comment of `flags
 * diff --format markdown`). A rule id, attribute, file name or finding can
 * hold anything; in the comment each must stay one inert piece of text: no
 * line break (a blank line ends a table or a list and starts new markup), no
 * HTML (`<!--` would hide the rest of the report from reviewers), no heading,
 * emphasis or link, no @mention or #reference that notifies people, no
 * autolink, nothing that ends a code span or a table cell. The one home of
 * markdown escaping: the renderer uses these three and nothing else.
 */

/** Line breaks of every kind (CR, LF, NEL, LS, PS, VT, FF) shown as the two characters `\n`. */
const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;

/** U+2060 WORD JOINER: invisible, and breaks the patterns GitHub turns into mentions, references and links. */
const JOINER = '\u2060';

function oneLine(text: string): string {
  return text.replace(LINE_BREAK, '\\n');
}

/**
 * An inline code span: inside one, markdown, HTML, mentions and autolinks are
 * literal. The fence is longer than any run of backticks in the text, and a
 * table pipe is escaped (GitHub splits cells before it reads code spans).
 */
export function mdCode(text: string): string {
  const line = oneLine(text);
  const runs = line.match(/`+/g) ?? [];
  const fence = '`'.repeat(runs.reduce((m, r) => Math.max(m, r.length), 0) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** Plain text: every character that could start markup is escaped; mentions, references and autolinks are broken up. */
export function mdText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]<>|#~&!]/g, (c) => `\\${c}`)
    .replace(/([@#])(?=[\p{L}\p{N}_])/gu, `$1${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`)
    .replace(/\b(www)\./gi, `$1${JOINER}.`);
}

/** Text inside the HTML of the comment (`<summary>`, `<code>`). */
export function mdHtml(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${JOINER}`);
}
