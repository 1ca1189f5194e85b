/** cli-table3 with the house look; borders only, colour decided by the caller. */
import Table from 'cli-table3';
import { oneLine } from './terminal.js';

export function renderTable(head: string[], rows: string[][], opts: { color: boolean }): string {
  const table = new Table({
    head,
    style: { head: opts.color ? ['cyan'] : [], border: opts.color ? ['grey'] : [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  // A cell is one line: a line break in a file value would otherwise become a row of its own.
  table.push(...rows.map((row) => row.map(oneLine)));
  return table.toString();
}
