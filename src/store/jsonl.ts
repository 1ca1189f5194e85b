/**
 * Streaming JSON Lines input (contexts for `eval --contexts` and `diff
 * --contexts`): one record at a time, so a million lines never sit in memory
 * at once. Blank lines are skipped (or reported to `onBlank`); a malformed line is an error naming its
 * line number, and a line that is not UTF-8 one naming its line, column and first bad byte.
 */
import { createReadStream, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { FlagsError } from '../errors.js';
import { decodeUtf8, utf8Problem, type Utf8Result } from '../schema/utf8.js';

/**
 * The longest line read (16 MiB; a context is a few hundred bytes): a longer
 * one is an error naming its line, found without holding more than the cap,
 * so a file of 600 MB without a newline is one clear error, not an internal one.
 */
export const MAX_JSON_LINE_BYTES = 16 * 1024 * 1024;

export interface JsonLinesOptions {
  /** Called after each chunk with bytes read so far and the total (0 when unknown, e.g. stdin). */
  onProgress?: (read: number, total: number) => void;
  /** Name used in messages (the path, or "stdin"). */
  label?: string;
  /** Called for each blank line with its 1-based number (a caller that answers line by line keeps its output in step). */
  onBlank?: (line: number) => void;
}

/**
 * Reads `source` (a path, or `-` for `stdin`) and calls `onRecord` with each
 * parsed value and its 1-based line number; `onChunkEnd` runs after each
 * chunk's records (a place to flush batched output). Throws FlagsError on the
 * first malformed line.
 */
export async function readJsonLines(
  source: string,
  stdin: NodeJS.ReadableStream,
  onRecord: (value: unknown, line: number) => void,
  opts: JsonLinesOptions & { onChunkEnd?: () => void | Promise<void> } = {},
): Promise<number> {
  const label = opts.label ?? (source === '-' ? 'stdin' : source);
  let total = 0;
  let stream: NodeJS.ReadableStream;
  if (source === '-') {
    stream = stdin;
  } else {
    try {
      total = statSync(source).size;
    } catch (e) {
      throw new FlagsError('CONTEXTS_UNREADABLE', `cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    stream = createReadStream(source, { highWaterMark: 1 << 20 });
  }
  // Bytes, not setEncoding('utf8'): that turned a Latin-1 byte into U+FFFD, and a
  // context "caf\uFFFD" was evaluated (the wrong rule) without a word. The lines up
  // to each chunk's last newline are held to UTF-8 at once, then decoded at once.
  // The bytes after the last newline so far, as the chunks they came in:
  // joined once, when their line ends. Joining at every chunk copied a long
  // line again with each megabyte (about 150 MiB of copies for one of 16 MiB).
  let rest: Buffer[] = [];
  let restBytes = 0;
  let line = 0;
  let read = 0;
  const handle = (text: string) => {
    line++;
    // Tolerate CRLF files and a BOM on the first line.
    let t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    if (t.trim() === '') {
      opts.onBlank?.(line);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      throw new FlagsError('MALFORMED_JSON_LINE', `${label}:${line}: not valid JSON (${(e as Error).message})`);
    }
    onRecord(value, line);
  };
  const handleAll = (text: string) => {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      handle(text.slice(start, nl));
      start = nl + 1;
    }
    handle(text.slice(start));
  };
  /** Handles whole lines' bytes (a UTF-8 sequence never spans a newline); at a byte that is not UTF-8, the lines before its line, then the error. */
  const handleBytes = (bytes: Buffer) => {
    if (isUtf8(bytes)) return handleAll(bytes.toString('utf8'));
    const at = decodeUtf8(bytes) as Extract<Utf8Result, { ok: false }>;
    const where = { ...at, line: line + at.line };
    let cut = -1;
    for (let i = 1; i < at.line; i++) cut = bytes.indexOf(0x0a, cut + 1);
    if (cut >= 0) handleAll(bytes.toString('utf8', 0, cut));
    throw new FlagsError('MALFORMED_JSON_LINE', `${label}:${where.line}:${where.column}: ${utf8Problem(where)}`);
  };
  for await (const chunk of stream as AsyncIterable<string | Buffer>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    read += bytes.length;
    // The held bytes hold no newline: the chunk's last one ends the lines to handle now.
    const last = bytes.lastIndexOf(0x0a);
    if (last < 0) {
      rest.push(bytes);
      restBytes += bytes.length;
    } else {
      handleBytes(rest.length > 0 ? Buffer.concat([...rest, bytes.subarray(0, last)]) : bytes.subarray(0, last));
      rest = last + 1 < bytes.length ? [bytes.subarray(last + 1)] : [];
      restBytes = bytes.length - last - 1;
    }
    // At most the cap is held, whatever the text.
    if (restBytes > MAX_JSON_LINE_BYTES) {
      throw new FlagsError('CONTEXT_LINE_TOO_LONG', `${label}:${line + 1}: line longer than ${MAX_JSON_LINE_BYTES / 1048576} MiB (a context is one JSON object per line)`);
    }
    opts.onProgress?.(read, total);
    await opts.onChunkEnd?.();
  }
  if (restBytes > 0) handleBytes(rest.length === 1 ? rest[0]! : Buffer.concat(rest));
  await opts.onChunkEnd?.();
  return line;
}
