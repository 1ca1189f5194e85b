/**
 * `--engine duckdb`: the duckdb dialect of `flags experiment sql` run on the
 * embedded DuckDB (`@duckdb/node-api`, an optional dependency) directly over
 * the log files: JSON Lines, gzipped JSON Lines and Parquet. The query is the
 * one a user would run by hand; only the `events` view over the files is
 * ours. Lines that are not valid JSON (a torn line), not UTF-8, or with a
 * lone surrogate escaped in a string are skipped by DuckDB (ignore_errors: a
 * row of NULLs, counted nowhere), as the streaming reader skips them, but
 * not counted. DuckDB also refuses a byte order mark opening a file (that
 * line is skipped), which the streaming reader drops and reads past
 * (docs/experiments.md; test/cli/results-utf8.test.ts checks both).
 */
import path from 'node:path';
import { FlagsError } from '../errors.js';
import { isGzipFile } from './event-sources.js';

export const DUCKDB_PACKAGE = '@duckdb/node-api';

type DuckDbModule = typeof import('@duckdb/node-api');

async function loadDuckDb(): Promise<DuckDbModule> {
  try {
    return await import('@duckdb/node-api');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test((e as Error).message)) {
      throw new FlagsError(
        'DUCKDB_MISSING',
        `--engine duckdb needs the optional package ${DUCKDB_PACKAGE}, which is not installed (installs with --omit=optional skip it, and it has prebuilt binaries only for common platforms): run \`npm install ${DUCKDB_PACKAGE}\`, or leave out --engine to use the streaming reader`,
      );
    }
    throw new FlagsError('DUCKDB_LOAD', `cannot load ${DUCKDB_PACKAGE}: ${(e as Error).message}`, { cause: e });
  }
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (files: string[]) => `[${files.map(sqlString).join(', ')}]`;

/**
 * The `events` view over the files: the columns of SPEC 4.2, the timestamp as
 * TIMESTAMPTZ (NULL when it is not one, so such an event counts nowhere).
 */
export function eventsViewSql(files: readonly string[], gzip: (file: string) => boolean = isGzipFile): string {
  const parquet = files.filter((f) => /\.parquet$/i.test(f));
  const jsonl = files.filter((f) => !/\.parquet$/i.test(f));
  const parts: string[] = [];
  const columns = `columns = {type: 'VARCHAR', experimentId: 'VARCHAR', userId: 'VARCHAR', variant: 'VARCHAR', metric: 'VARCHAR', value: 'DOUBLE', timestamp: 'VARCHAR'}`;
  // DuckDB picks the compression from the name; gzip is told explicitly for gzipped files without .gz.
  const plain = jsonl.filter((f) => !gzip(f));
  const gz = jsonl.filter((f) => gzip(f));
  for (const [group, compression] of [[plain, 'uncompressed'], [gz, 'gzip']] as const) {
    if (group.length === 0) continue;
    parts.push(
      `SELECT type, experimentId, userId, variant, metric, value, timestamp FROM read_json(${list(group)}, format = 'newline_delimited', ${columns}, compression = '${compression}', ignore_errors = true)`,
    );
  }
  if (parquet.length) {
    parts.push(`SELECT type, experimentId, userId, variant, metric, CAST(value AS DOUBLE) AS value, CAST(timestamp AS VARCHAR) AS timestamp FROM read_parquet(${list(parquet)}, union_by_name = true)`);
  }
  return `CREATE OR REPLACE TEMP VIEW events AS
SELECT type, experimentId, userId, variant, metric, value, TRY_CAST(timestamp AS TIMESTAMPTZ) AS timestamp
FROM (${parts.join('\nUNION ALL\n')})`;
}

/** Runs `query` (the duckdb dialect over a table named `events`) on the files; rows as plain objects. */
export async function runDuckDbOverFiles(files: readonly string[], query: string): Promise<Record<string, unknown>[]> {
  const duckdb = await loadDuckDb();
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(eventsViewSql(files));
    const reader = await connection.runAndReadAll(query);
    // JSON form: 64-bit integers as strings, which the counts reader accepts as warehouses export them.
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } catch (e) {
    if (e instanceof FlagsError) throw e;
    const names = files.map((f) => path.basename(f)).join(', ');
    throw new FlagsError('DUCKDB_QUERY', `DuckDB could not read the event logs (${names}): ${(e as Error).message.split('\n')[0]}`, { cause: e });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
