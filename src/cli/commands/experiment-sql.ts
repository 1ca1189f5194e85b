/**
 * `flags experiment sql ID --dialect duckdb|postgres|bigquery|snowflake|clickhouse
 *   [--table T] [--columns type=…,userId=…]` (SPEC 8): prints the one query that
 * returns the experiment's sufficient statistics from an events table, for
 * `flags experiment results ID --counts` to turn into the report.
 */
import { UsageError } from '../../errors.js';
import { statsQueryPlan } from '../../experiments/query-plan.js';
import { buildStatsQuery, DIALECTS, parseColumnMap, type Dialect } from '../../experiments/warehouse-sql.js';
import type { CommandContext } from '../context.js';
import { findExperiment, loadExperiments } from './experiment-common.js';

export interface SqlOptions {
  dialect?: string;
  table?: string;
  columns?: string[] | string;
}

export async function runExperimentSql(ctx: CommandContext, id: string, opts: SqlOptions): Promise<void> {
  const dialect = opts.dialect as Dialect;
  if (!(DIALECTS as readonly string[]).includes(dialect)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, got "${opts.dialect}"`);
  const specs = opts.columns === undefined ? [] : Array.isArray(opts.columns) ? opts.columns : [opts.columns];
  let columns = {};
  let command = `flags experiment sql ${id} --dialect ${dialect}`;
  try {
    for (const spec of specs) columns = { ...columns, ...parseColumnMap(spec) };
    if (opts.table !== undefined) command += ` --table ${opts.table}`;
    if (specs.length) command += ` --columns ${Object.entries(columns).map(([k, v]) => `${k}=${v}`).join(',')}`;
    const { experiments } = await loadExperiments(ctx);
    const experiment = findExperiment(ctx, experiments, id);
    const sql = buildStatsQuery(statsQueryPlan(experiment), dialect, { ...(opts.table !== undefined ? { table: opts.table } : {}), columns, command });
    ctx.out(sql.replace(/\n$/, ''));
  } catch (e) {
    if (e instanceof Error && e.constructor === Error) throw new UsageError(e.message);
    throw e;
  }
}
