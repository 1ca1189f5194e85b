/**
 * `flags experiment sql`: golden text of the dialects that cannot run here
 * (BigQuery, Snowflake, ClickHouse; each function they use is reviewed
 * against the engine's documentation in docs/warehouse.md), quoting of
 * hostile names, --table/--columns, and the usage errors. DuckDB and
 * PostgreSQL are run for real in paths-agree.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStatsQuery, parseColumnMap, type Dialect, type StatsQueryPlan } from '../../src/experiments/warehouse-sql.js';
import { projectWith, removeDir, runMain } from '../helpers/cli.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

// Names with a quote and a backslash: each dialect must escape them its own way.
const PLAN: StatsQueryPlan = {
  experimentId: 'checkout',
  arms: ['blue', "it's\\green"],
  metrics: [
    { key: 'purchase', kind: 'conversion' },
    { key: 'revenue', kind: 'revenue' },
  ],
  primaryMetric: 'purchase',
  window: { start: Date.parse('2026-11-01T00:00:00.000Z'), end: Date.parse('2026-11-20T00:00:00.000Z') },
};
const OPTIONS = { table: 'my-project.analytics.events', columns: { userId: 'user_id', timestamp: 'event_time' }, command: 'flags experiment sql checkout' };

describe('golden text per dialect', () => {
  for (const dialect of ['bigquery', 'snowflake', 'clickhouse', 'duckdb', 'postgres'] as Dialect[]) {
    it(dialect, () => {
      const sql = buildStatsQuery(PLAN, dialect, OPTIONS);
      const file = path.join(GOLDEN, `${dialect}.sql`);
      // UPDATE_GOLDEN=1 rewrites the files; review the diff before committing.
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, sql);
      expect(sql).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('quotes identifiers and strings the way each engine reads them', () => {
    expect(buildStatsQuery(PLAN, 'bigquery', OPTIONS)).toContain("FROM `my-project`.`analytics`.`events`");
    expect(buildStatsQuery(PLAN, 'bigquery', OPTIONS)).toContain("SELECT 'it\\'s\\\\green' AS arm");
    expect(buildStatsQuery(PLAN, 'snowflake', OPTIONS)).toContain("SELECT 'it\\'s\\\\green' AS arm");
    expect(buildStatsQuery(PLAN, 'clickhouse', OPTIONS)).toContain("SELECT 'it\\'s\\\\green' AS arm");
    expect(buildStatsQuery(PLAN, 'postgres', OPTIONS)).toContain("SELECT 'it''s\\green' AS arm");
    expect(buildStatsQuery(PLAN, 'postgres', { columns: { userId: 'user"id' } })).toContain('"user""id" AS user_id');
    expect(buildStatsQuery(PLAN, 'clickhouse', OPTIONS)).toMatch(/SETTINGS join_use_nulls = 1;\n$/);
  });

  it('without a window, nothing is outside it', () => {
    const sql = buildStatsQuery({ ...PLAN, window: { start: null, end: null } }, 'postgres');
    expect(sql).toContain('SELECT * FROM ev\n');
    expect(sql).toContain("'outsideWindow', 1000, 3, COUNT(*), 0, 0, 0 FROM ev WHERE 1 = 0");
  });
});

describe('--columns', () => {
  it('maps event fields to column names', () => {
    expect(parseColumnMap('type=event_type, userId=user_id')).toEqual({ type: 'event_type', userId: 'user_id' });
  });
  it('names the offending part', () => {
    expect(() => parseColumnMap('user=user_id')).toThrow(/unknown event field "user" in --columns \(fields: type, experimentId, userId/);
    expect(() => parseColumnMap('userId=')).toThrow(/names no column/);
  });
});

describe('flags experiment sql (CLI)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));
  const project = () => {
    const d = projectWith({
      'checkout-color.yaml':
        'key: checkout-color\nname: c\ndescription: ""\ntype: string\ndefaultValue: blue\nenabled: true\nvariants:\n  - key: blue\n    name: blue\n    value: blue\n    weight: 50\n  - key: green\n    name: green\n    value: green\n    weight: 50\nrules: []\ntags: []\nowner: team\ncreatedAt: 2026-11-01T00:00:00Z\nupdatedAt: 2026-11-01T00:00:00Z\n',
      'experiments/checkout.yaml':
        'id: checkout\nname: Checkout\ndescription: ""\nflagKey: checkout-color\ncontrol: {key: blue, name: Blue}\ntreatment: [{key: green, name: Green, weight: 50}]\nprimaryMetric: purchase\nsecondaryMetrics: [add-to-cart]\nstatus: completed\nstartDate: 2026-11-01\nendDate: 2026-11-19\n',
    });
    dirs.push(d);
    return d;
  };

  it('prints the query with the definition’s metrics and window (bare dates: whole UTC days)', async () => {
    const r = await runMain(['experiment', 'sql', 'checkout', '--dialect', 'bigquery', '--table', 'analytics.events', '--columns', 'userId=user_id'], { cwd: project() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- flags experiment sql checkout --dialect bigquery --table analytics.events --columns userId=user_id\n/);
    expect(r.stdout).toContain("ts >= TIMESTAMP '2026-11-01 00:00:00.000+00' AND ts < TIMESTAMP '2026-11-20 00:00:00.000+00'");
    expect(r.stdout).toContain("SELECT 'add-to-cart' AS metric, 0 AS is_revenue, 1 AS metric_order");
    expect(r.stdout).toContain('`user_id` AS user_id');
  });

  it('refuses an unknown dialect or column field (usage, exit 2) and an unknown experiment (exit 1)', async () => {
    const d = project();
    const bad = await runMain(['experiment', 'sql', 'checkout', '--dialect', 'mysql'], { cwd: d });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mysql/);
    const col = await runMain(['experiment', 'sql', 'checkout', '--dialect', 'postgres', '--columns', 'uid=user_id'], { cwd: d });
    expect(col.code).toBe(2);
    expect(col.stderr).toMatch(/unknown event field "uid"/);
    const table = await runMain(['experiment', 'sql', 'checkout', '--dialect', 'postgres', '--table', 'a..b'], { cwd: d });
    expect(table.code).toBe(2);
    expect(table.stderr).toMatch(/--table "a\.\.b" is not a table name/);
    const missing = await runMain(['experiment', 'sql', 'chekout', '--dialect', 'postgres'], { cwd: d });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no experiment "chekout".*did you mean "checkout"/);
  });
});
