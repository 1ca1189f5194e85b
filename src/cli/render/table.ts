/** cli-table3 with the house look; borders only, colour decided by the caller. */
import Table from 'cli-table3';

export function renderTable(head: string[], rows: string[][], opts: { color: boolean }): string {
  const table = new Table({
    head,
    style: { head: opts.color ? ['cyan'] : [], border: opts.color ? ['grey'] : [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  table.push(...rows);
  return table.toString();
}
