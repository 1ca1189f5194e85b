/**
 * Reads the result of `flags experiment sql` as a warehouse client exports it
 * (`results --counts FILE|-`) into SufficientStats. Accepted: CSV with a
 * header row (bq, snowsql, clickhouse CSVWithNames, psql --csv, DuckDB COPY),
 * JSON lines (ClickHouse JSONEachRow, duckdb -jsonlines) or one JSON array
 * (bq --format=json, duckdb -json). Column names are matched case-insensitively
 * (Snowflake upper-cases them); numbers may be quoted (BigQuery and ClickHouse
 * write 64-bit integers as strings). Pure; errors name the line.
 */
import type { SufficientStats } from './sufficient-stats.js';
import { EXCLUDED_ROWS, RESULT_COLUMNS, type StatsQueryPlan } from './warehouse-sql.js';

export class CountsError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

type Row = { line: number; values: Record<string, unknown> };

export function parseCounts(text: string, plan: StatsQueryPlan): SufficientStats {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  const rows = first === '{' || first === '[' ? jsonRows(body) : csvRows(body);
  return toStats(rows, plan);
}

function jsonRows(text: string): Row[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new CountsError(`not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new CountsError('expected a JSON array of rows');
    return parsed.map((v, i) => ({ line: i + 1, values: objectRow(v, i + 1) }));
  }
  const rows: Row[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new CountsError('not a JSON object (expected one row per line)', i + 1);
    }
    rows.push({ line: i + 1, values: objectRow(v, i + 1) });
  });
  return rows;
}

function objectRow(v: unknown, line: number): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CountsError('a row must be a JSON object', line);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), x]));
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
function csvRows(text: string): Row[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (any || field !== '') records.push({ line: recordLine, fields: [...fields, field] });
      fields = [];
      field = '';
      any = false;
      line++;
      recordLine = line;
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) throw new CountsError('unterminated quoted field', recordLine);
  if (any || field !== '') records.push({ line: recordLine, fields: [...fields, field] });
  if (records.length === 0) throw new CountsError('empty: expected a header row and one row per arm and metric');
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  return records.slice(1).map((r) => {
    if (r.fields.length !== header.length) throw new CountsError(`${r.fields.length} fields, but the header has ${header.length}`, r.line);
    return { line: r.line, values: Object.fromEntries(header.map((h, i) => [h, r.fields[i]])) };
  });
}

function count(row: Row, column: string, integer: boolean): number {
  const raw = row.values[column];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new CountsError(`${column} must be a ${integer ? 'whole ' : ''}number ≥ 0, got ${JSON.stringify(raw)}`, row.line);
  }
  return n;
}

function text(row: Row, column: string): string {
  const raw = row.values[column];
  return raw === null || raw === undefined ? '' : String(raw);
}

/** SufficientStats from result rows already in memory (an embedded engine's, a database client's). */
export function statsFromRows(rows: readonly Record<string, unknown>[], plan: StatsQueryPlan): SufficientStats {
  return toStats(rows.map((r, i) => ({ line: i + 1, values: objectRow(r, i + 1) })), plan);
}

function toStats(rows: Row[], plan: StatsQueryPlan): SufficientStats {
  if (rows.length > 0) {
    const missing = RESULT_COLUMNS.filter((c) => !(c in rows[0].values));
    if (missing.length) throw new CountsError(`missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (is this the result of \`flags experiment sql\`?)`, rows[0].line);
  }
  const cells = new Map<string, { users: number; converters: number; sum: number; sumSquares: number }>();
  const excluded: SufficientStats['excluded'] = { multipleArms: 0, conversionsBeforeExposure: 0, conversionsWithoutExposure: 0, outsideWindow: 0, malformedLines: 0 };
  const metricKeys = plan.metrics.map((m) => m.key);
  for (const row of rows) {
    const kind = text(row, 'kind');
    const metric = text(row, 'metric');
    if (kind === 'excluded') {
      if (!(EXCLUDED_ROWS as readonly string[]).includes(metric)) throw new CountsError(`unknown excluded count "${metric}"`, row.line);
      excluded[metric as (typeof EXCLUDED_ROWS)[number]] = count(row, 'users', true);
      continue;
    }
    if (kind !== 'arm') throw new CountsError(`kind must be "arm" or "excluded", got ${JSON.stringify(kind)}`, row.line);
    const arm = text(row, 'arm');
    if (!plan.arms.includes(arm)) throw new CountsError(`arm "${arm}" is not an arm of experiment ${plan.experimentId} (${plan.arms.join(', ')})`, row.line);
    if (!metricKeys.includes(metric)) throw new CountsError(`metric "${metric}" is not a metric of experiment ${plan.experimentId} (${metricKeys.join(', ')})`, row.line);
    const key = `${arm}\u0000${metric}`;
    if (cells.has(key)) throw new CountsError(`a second row for arm "${arm}", metric "${metric}"`, row.line);
    const users = count(row, 'users', true);
    const converters = count(row, 'converters', true);
    if (converters > users) throw new CountsError(`converters (${converters}) exceed users (${users})`, row.line);
    cells.set(key, { users, converters, sum: count(row, 'value_sum', false), sumSquares: count(row, 'value_sum_squares', false) });
  }
  const metrics: SufficientStats['metrics'] = [];
  const arms = plan.arms.map((arm) => {
    let users: number | undefined;
    for (const metric of metricKeys) {
      const cell = cells.get(`${arm}\u0000${metric}`);
      if (!cell) {
        throw new CountsError(`no row for arm "${arm}", metric "${metric}": was the query generated from the experiment's current definition? (run \`flags experiment sql ${plan.experimentId}\` again)`);
      }
      if (users !== undefined && cell.users !== users) throw new CountsError(`arm "${arm}" has ${users} users for one metric and ${cell.users} for another`);
      users = cell.users;
      metrics.push({ arm, metric, ...cell });
    }
    return { key: arm, users: users ?? 0 };
  });
  return { experimentId: plan.experimentId, arms, metrics, excluded };
}
