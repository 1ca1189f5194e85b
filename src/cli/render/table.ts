/**
 * Boxed tables with the house look: a border, one space of padding, the head
 * as the first row (no rule under it), multi-line cells, left-aligned.
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
  // Split every cell into its lines once and measure each line once.
  const cells = all.map((row) =>
    Array.from({ length: columns }, (_, c) => {
      const lines = String(row[c] ?? '').split(/\r?\n/);
      return { lines, widths: lines.map(columnsOf) };
    }),
  );
  const widths = new Array<number>(columns).fill(0);
  for (const row of cells) row.forEach((cell, c) => (widths[c] = Math.max(widths[c]!, ...cell.widths)));

  const rule = (left: string, mid: string, right: string) => paint(left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right, GREY);
  const bar = paint('│', GREY);
  const out: string[] = [rule('┌', '┬', '┐')];
  cells.forEach((row, r) => {
    const height = row.reduce((h, cell) => Math.max(h, cell.lines.length), 1);
    for (let i = 0; i < height; i++) {
      let line = bar;
      row.forEach((cell, c) => {
        const text = cell.lines[i] ?? '';
        const padded = ' ' + text + ' '.repeat(widths[c]! - (cell.widths[i] ?? 0) + 1);
        line += (r === 0 ? paint(padded, CYAN) : padded) + bar;
      });
      out.push(line);
    }
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}
