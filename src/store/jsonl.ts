/**
 * Streaming JSON Lines input (contexts for `eval --contexts` and `diff
 * --contexts`): one record at a time, so a million lines never sit in memory
 * at once. Blank lines are skipped (or reported to `onBlank`); a malformed line is an error naming its
 * line number.
 */
import { createReadStream, statSync } from 'node:fs';
import { FlagsError } from '../errors.js';

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
  (stream as NodeJS.ReadableStream & { setEncoding(e: string): void }).setEncoding?.('utf8');

  let rest = '';
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
  for await (const chunk of stream as AsyncIterable<string | Buffer>) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    read += Buffer.byteLength(text);
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0) {
      handle(rest + text.slice(0, nl));
      rest = '';
      start = nl + 1;
      while ((nl = text.indexOf('\n', start)) >= 0) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
    }
    rest += text.slice(start);
    // Counted in UTF-16 units: at most 32 MB held, whatever the text.
    if (rest.length > MAX_JSON_LINE_BYTES) {
      throw new FlagsError('CONTEXT_LINE_TOO_LONG', `${label}:${line + 1}: line longer than ${MAX_JSON_LINE_BYTES / 1048576} MiB (a context is one JSON object per line)`);
    }
    opts.onProgress?.(read, total);
    await opts.onChunkEnd?.();
  }
  if (rest !== '') handle(rest);
  await opts.onChunkEnd?.();
  return line;
}
