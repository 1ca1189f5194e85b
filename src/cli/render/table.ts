/**
 * Boxed tables with the house look: a border, one space of padding, the head
 * as the first row (no rule under it), left-aligned. A cell is one line: a
 * line break in a file value is shown as `\n` (oneLine), so it can never fake a
 * row of its own.
 *
 * Why not cli-table3 (which drew these until the second round): its layout
 * checks every cell against every other for spans (`fillInTable`,
 * `conflictExists`), so `flags list` over 5,000 flags spent about half its
 * time there and grew faster than linearly with the number of rows. Our
 * tables have no spans and no wrapping, so two linear passes (measure, then
 * draw) do the whole job. The output is byte-for-byte what cli-table3 printed
 * without colour (test/cli/table.test.ts checks that against cli-table3 on
 * generated tables); with colour, borders are grey and the head cyan.
 * Widths come from `string-width`, which counts terminal columns (wide CJK
 * and emoji take two, ANSI escapes none) as cli-table3 did.
 */
import stringWidth from 'string-width';
import { oneLine } from './terminal.js';

const GREY = ['\u001b[90m', '\u001b[39m'] as const;
const CYAN = ['\u001b[36m', '\u001b[39m'] as const;
// Printable ASCII is one column a character: the common case skips
// string-width's grapheme segmentation, which costs ~1 µs a cell.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const columnsOf = (s: string) => (PRINTABLE_ASCII.test(s) ? s.length : stringWidth(s));

export function renderTable(head: string[], rows: string[][], opts: { color: boolean }): string {
  const paint = (s: string, [open, close]: readonly [string, string]) => (opts.color && s !== '' ? open + s + close : s);
  const all = [head, ...rows];
  const columns = all.reduce((n, row) => Math.max(n, row.length), 0);
  if (columns === 0) return '';
  // Every cell made one line and measured once.
  const cells = all.map((row) => Array.from({ length: columns }, (_, c) => oneLine(String(row[c] ?? ''))));
  const cellWidths = cells.map((row) => row.map(columnsOf));
  const widths = new Array<number>(columns).fill(0);
  for (const row of cellWidths) row.forEach((w, c) => (widths[c] = Math.max(widths[c]!, w)));

  const rule = (left: string, mid: string, right: string) => paint(left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right, GREY);
  const bar = paint('│', GREY);
  const out: string[] = [rule('┌', '┬', '┐')];
  cells.forEach((row, r) => {
    let line = bar;
    row.forEach((text, c) => {
      const padded = ' ' + text + ' '.repeat(widths[c]! - cellWidths[r]![c]! + 1);
      line += (r === 0 ? paint(padded, CYAN) : padded) + bar;
    });
    out.push(line);
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}
