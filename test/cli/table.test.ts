// The table renderer must print exactly what cli-table3 printed (the look
// users and their scripts know), in linear time. cli-table3 stays a
// devDependency as the reference.
import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/render/table.js';

function reference(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  t.push(...rows);
  return t.toString();
}

const cell = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, '')),
  fc.constantFrom('', 'é中', '🚀 go', 'tenant-beta-1', '\u001b[31mred\u001b[39m'),
);

describe('renderTable', () => {
  it('prints the same text as cli-table3 without colour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { maxLength: 6 }), fc.array(cell, { minLength: 5, maxLength: 5 }), (columns, rows, head) => {
        const h = head.slice(0, columns);
        const r = rows.map((row) => row.slice(0, columns));
        expect(renderTable(h, r, { color: false })).toBe(reference(h, r));
      }),
      { numRuns: 300 },
    );
  });

  it('colours borders and the head only when asked', () => {
    const plain = renderTable(['key', 'on'], [['a', 'yes']], { color: false });
    const coloured = renderTable(['key', 'on'], [['a', 'yes']], { color: true });
    expect(plain).not.toMatch(/\u001b/);
    expect(coloured).toContain('\u001b[36m key \u001b[39m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('keeps a cell on one line: a line break in a value cannot fake a row', () => {
    const text = renderTable(['key'], [['a\n│ b │']], { color: false });
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('a\\n│ b │');
  });

  it('grows linearly: 20,000 rows render', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`flag-${i}`, 'true', 'boolean', 'a, b', '', 'team']);
    const text = renderTable(['key', 'enabled', 'type', 'tags', 'kill switch', 'owner'], rows, { color: false });
    expect(text.split('\n')).toHaveLength(20_003);
  });
});
