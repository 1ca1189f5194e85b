/**
 * `results --counts`: the query's result as warehouse clients export it
 * (CSV from bq/snowsql/psql/clickhouse, JSON lines, a JSON array, upper-case
 * Snowflake headers, 64-bit integers as strings) into SufficientStats, and
 * errors that name the line.
 */
import { describe, expect, it } from 'vitest';
import { CountsError, parseCounts } from '../../src/experiments/counts.js';
import type { StatsQueryPlan } from '../../src/experiments/warehouse-sql.js';

const PLAN: StatsQueryPlan = {
  experimentId: 'checkout',
  arms: ['blue', 'green'],
  metrics: [
    { key: 'purchase', kind: 'conversion' },
    { key: 'revenue', kind: 'revenue' },
  ],
  primaryMetric: 'purchase',
  window: { start: null, end: null },
};

const CSV = `kind,arm,metric,users,converters,value_sum,value_sum_squares
arm,blue,purchase,1000,100,100,100
arm,blue,revenue,1000,40,1234.5,98765.25
arm,green,purchase,990,120,120,120
arm,green,revenue,990,45,1500,120000
excluded,,multipleArms,12,0,0,0
excluded,,conversionsBeforeExposure,3,0,0,0
excluded,,conversionsWithoutExposure,4,0,0,0
excluded,,outsideWindow,50,0,0,0
`;

const EXPECTED = {
  experimentId: 'checkout',
  arms: [
    { key: 'blue', users: 1000 },
    { key: 'green', users: 990 },
  ],
  metrics: [
    { arm: 'blue', metric: 'purchase', users: 1000, converters: 100, sum: 100, sumSquares: 100 },
    { arm: 'blue', metric: 'revenue', users: 1000, converters: 40, sum: 1234.5, sumSquares: 98765.25 },
    { arm: 'green', metric: 'purchase', users: 990, converters: 120, sum: 120, sumSquares: 120 },
    { arm: 'green', metric: 'revenue', users: 990, converters: 45, sum: 1500, sumSquares: 120000 },
  ],
  excluded: { multipleArms: 12, conversionsBeforeExposure: 3, conversionsWithoutExposure: 4, outsideWindow: 50, malformedLines: 0 },
};

function rows(): Record<string, unknown>[] {
  const [head, ...lines] = CSV.trim().split('\n');
  const keys = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

describe('parseCounts', () => {
  it('reads CSV (psql --csv, bq, clickhouse CSVWithNames), with CRLF and quoted fields', () => {
    expect(parseCounts(CSV, PLAN)).toEqual(EXPECTED);
    const crlfQuoted = CSV.replace(/\n/g, '\r\n').replace('arm,blue,purchase', '"arm","blue","purchase"');
    expect(parseCounts(crlfQuoted, PLAN)).toEqual(EXPECTED);
  });

  it('reads Snowflake’s upper-case headers and a BOM', () => {
    const [head, ...rest] = CSV.split('\n');
    expect(parseCounts(`\uFEFF${head.toUpperCase()}\n${rest.join('\n')}`, PLAN)).toEqual(EXPECTED);
  });

  it('reads JSON lines with numbers as strings (ClickHouse JSONEachRow) and a JSON array (bq --format=json)', () => {
    const objects = rows();
    expect(parseCounts(objects.map((o) => JSON.stringify(o)).join('\n'), PLAN)).toEqual(EXPECTED);
    const numeric = objects.map((o) => ({ ...o, users: Number(o.users), arm: o.arm === '' ? null : o.arm }));
    expect(parseCounts(JSON.stringify(numeric), PLAN)).toEqual(EXPECTED);
  });

  it('reads arms with commas and quotes in their keys', () => {
    const plan = { ...PLAN, arms: ['blue', 'big, "bold"'] };
    const csv = CSV.replace(/,green,/g, ',"big, ""bold""",');
    expect(parseCounts(csv, plan).arms.map((a) => a.key)).toEqual(['blue', 'big, "bold"']);
  });

  const error = (text: string, plan = PLAN): CountsError => {
    try {
      parseCounts(text, plan);
    } catch (e) {
      if (e instanceof CountsError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('names the line of a bad value, an unknown arm or metric, a duplicate row', () => {
    expect(error(CSV.replace('arm,green,purchase,990,120', 'arm,green,purchase,990,lots'))).toMatchObject({ line: 4, message: 'converters must be a whole number ≥ 0, got "lots"' });
    expect(error(CSV.replace('arm,green,revenue', 'arm,red,revenue'))).toMatchObject({ line: 5, message: expect.stringContaining('arm "red" is not an arm of experiment checkout (blue, green)') });
    expect(error(CSV.replace('arm,green,revenue', 'arm,green,refunds'))).toMatchObject({ line: 5, message: expect.stringContaining('metric "refunds" is not a metric') });
    expect(error(CSV + 'arm,blue,purchase,1000,100,100,100\n')).toMatchObject({ line: 10, message: 'a second row for arm "blue", metric "purchase"' });
    expect(error(CSV.replace('arm,blue,purchase,1000,100', 'arm,blue,purchase,1000,1001'))).toMatchObject({ line: 2, message: 'converters (1001) exceed users (1000)' });
    expect(error(CSV.replace('excluded,,outsideWindow', 'excluded,,strange'))).toMatchObject({ line: 9, message: 'unknown excluded count "strange"' });
    expect(error(CSV.replace('arm,blue,purchase,1000,100,100,100', 'arm,blue,purchase,1000,100,100'))).toMatchObject({ line: 2, message: '6 fields, but the header has 7' });
    expect(error('{"kind": "arm"\n')).toMatchObject({ line: 1 });
  });

  it('refuses a result that is not from this query or this definition', () => {
    expect(error('a,b\n1,2\n').message).toMatch(/missing columns kind, arm, metric, users, converters, value_sum, value_sum_squares/);
    const noGreenRevenue = CSV.split('\n').filter((l) => !l.startsWith('arm,green,revenue')).join('\n');
    expect(error(noGreenRevenue).message).toMatch(/no row for arm "green", metric "revenue": was the query generated from the experiment's current definition/);
    expect(error(CSV.replace('arm,green,revenue,990', 'arm,green,revenue,991')).message).toBe('arm "green" has 990 users for one metric and 991 for another');
    expect(error('').message).toMatch(/empty/);
  });
});
