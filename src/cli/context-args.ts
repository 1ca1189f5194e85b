/**
 * Builds an evaluation context from the command line: `--context FILE|-`, then
 * `--set PATH=VALUE` (VALUE parsed as JSON when it can be, else a string),
 * then `--env E` (context.environment).
 */
import { FlagsError, UsageError } from '../errors.js';
import { contextText, readContextFile, type ContextFileFs } from '../store/context-file.js';
import { readNumber } from '../store/flag-values.js';
import { FORBIDDEN_KEYS as FORBIDDEN_SEGMENTS, isPlainObject } from '../objects.js';
export { FORBIDDEN_SEGMENTS, isPlainObject };
export type PlainObject = Record<string, unknown>;

/**
 * `--set` values: JSON when they parse (`30` is a number, `true` a boolean), else
 * the raw string. A number a double cannot hold as typed (`1234567890123456789`,
 * more significant digits than a double keeps, `1e999`) stays the string as
 * typed: a rounded id would silently land in another bucket.
 */
export function parseSetValue(raw: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (typeof value !== 'number') return value;
  // The same number reader as the flag edits' values (store/flag-values.ts).
  const reading = readNumber(raw);
  return reading.ok ? reading.value : raw;
}

/** Applies `a.b.c=VALUE` to `target`, creating objects on the way. */
export function applySet(target: PlainObject, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects PATH=VALUE, got "${assignment}"`);
  const segments = assignment.slice(0, eq).split('.');
  if (segments.some((s) => s === '')) throw new UsageError(`--set path "${assignment.slice(0, eq)}" has an empty segment`);
  const bad = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (bad) throw new UsageError(`--set path segment "${bad}" is not allowed`);
  let obj = target;
  for (const seg of segments.slice(0, -1)) {
    const next = Object.hasOwn(obj, seg) ? obj[seg] : undefined;
    if (!isPlainObject(next)) {
      const created: PlainObject = {};
      defineOwn(obj, seg, created);
      obj = created;
    } else obj = next;
  }
  defineOwn(obj, segments[segments.length - 1], parseSetValue(assignment.slice(eq + 1)));
}

function defineOwn(obj: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface ContextOptions {
  context?: string;
  set?: string[];
  env?: string;
}

/** All of stdin, as bytes: the reader holds them to UTF-8 (decodeUtf8Text) and names the first bad one. */
export async function readStdinBytes(stdin: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin as AsyncIterable<string | Buffer>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  return Buffer.concat(chunks);
}

/**
 * Applies `--set` and then `--env` on top of `ctx` (changed in place): the
 * precedence of single and batch evaluation alike.
 */
export function applyOverrides(ctx: PlainObject, opts: ContextOptions): PlainObject {
  for (const s of opts.set ?? []) applySet(ctx, s);
  if (opts.env !== undefined) ctx.environment = opts.env;
  return ctx;
}

/** The context of `--context FILE|-` (read by the store; `fs` stands in for the disk in tests), then `--set` and `--env`. */
export async function buildContext(opts: ContextOptions, io: { stdin: NodeJS.ReadableStream; cwd: string; fs?: ContextFileFs }): Promise<PlainObject> {
  let ctx: PlainObject = {};
  if (opts.context !== undefined) {
    const label = opts.context === '-' ? 'stdin' : opts.context;
    let text: string;
    if (opts.context === '-') {
      let bytes: Buffer;
      try {
        bytes = await readStdinBytes(io.stdin);
      } catch (e) {
        throw new FlagsError('CONTEXT_UNREADABLE', `cannot read context stdin: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      text = contextText(bytes, 'stdin');
    } else {
      text = readContextFile(opts.context, io);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new FlagsError('CONTEXT_INVALID', `context ${label} is not valid JSON: ${(e as Error).message}`);
    }
    if (!isPlainObject(parsed)) throw new FlagsError('CONTEXT_INVALID', `context ${label} must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
    ctx = parsed;
  }
  return applyOverrides(ctx, opts);
}
