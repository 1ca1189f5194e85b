/**
 * Plain messages for the YAML parser's most common complaints (issue 12).
 * A value indented two spaces too deep makes the parser report, at the line
 * above, "Nested mappings are not allowed in compact mappings" and "Implicit
 * keys need to be on a single line"; what the author must fix is the deeper
 * line. This finds that line and says so. Pure.
 */

/** Parser error codes that mean "a line is indented deeper than the key above it". */
const OVER_INDENT_CODES = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

export interface PlainYamlError {
  message: string;
  /** Offset in the text of the place to fix (the start of the over-indented line's content). */
  offset: number;
}

/** A plain message and the place to fix for a parser error at `offset`, or undefined when there is none. */
export function plainYamlError(code: string, offset: number, text: string): PlainYamlError | undefined {
  if (!OVER_INDENT_CODES.has(code)) return undefined;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) return undefined;
  const above = text.slice(lineStart, lineEnd);
  const aboveIndent = indentOf(above);
  const keyAbove = /^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:/.exec(above)?.[1];
  // The first line with content after it: the one the parser could not place.
  let start = lineEnd + 1;
  let lineNo = text.slice(0, lineEnd).split('\n').length + 1;
  while (start < text.length) {
    const end = text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start);
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim() !== '' && !line.trim().startsWith('#')) {
      const indent = indentOf(line);
      if (indent <= aboveIndent) return undefined;
      const what = keyAbove === undefined ? 'the line above it' : `the key "${keyAbove}" on line ${lineOf(text, lineStart)}`;
      return {
        message: `line ${lineNo} is indented deeper than ${what}: indent it like that key (${aboveIndent + listDash(above)} spaces), or end the line above with the key alone to nest it`,
        offset: start + indent,
      };
    }
    start = end + 1;
    lineNo++;
  }
  return undefined;
}

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

/** `- key: v`: keys of a list item are aligned after the dash. */
function listDash(line: string): number {
  const m = /^ *(- +)/.exec(line);
  return m ? m[1].length : 0;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
