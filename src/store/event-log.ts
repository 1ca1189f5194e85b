/**
 * The experiment event log on disk (SPEC 4.2): append one event, stream all lines.
 *
 * Appends are one write(2) of the whole line to a file opened with O_APPEND:
 * the kernel moves to the end and writes in one step, so lines from
 * concurrent processes on one machine never interleave and none is lost
 * (local file systems; NFS gives no such promise).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FlagsError } from '../errors.js';
import { isInside } from './paths.js';
import { isUtf8 } from 'node:buffer';
import { parseEventLine, type LogEvent } from '../schema/event.js';
import { decodeUtf8Escaped } from '../schema/utf8.js';
import { createScannedEvent, scanEventBytes } from '../experiments/event-scanner.js';

export { DEFAULT_EVENT_LOG } from './paths.js';

/**
 * The longest log line read (16 MiB; an event is a few hundred bytes). A
 * longer one is skipped without being held, and reported (onOverlongLine), so
 * a gigabyte without a newline costs 16 MiB of memory, not two gigabytes.
 */
export const MAX_EVENT_LINE_BYTES = 16 * 1024 * 1024;

export interface AppendEventOptions {
  /**
   * The folder the log must stay in (the flags directory, for the default
   * log): a log that is a symbolic link to anywhere outside it is refused, so
   * a committed `experiments/events.jsonl -> ~/bin/script` is never appended
   * to. An explicit path (--log, $FLAGS_EVENT_LOG) is the user's choice and
   * is written as given.
   */
  root?: string;
}

/**
 * Appends one event as one JSON line. Creates the file (mode 0644) when
 * missing, but never its directory: a log path in a folder that does not
 * exist is almost always a typo, so it is refused, naming the path. The log
 * must be a regular file: a FIFO or a device is refused, not "recorded".
 *
 * A service calls this on every request (recordExposure), so a call costs
 * five system calls (open, one fstat, a one-byte pread unless the file is
 * empty, the write, close) and allocates no buffer: the line is encoded into
 * one kept between calls and checked in place by the results reader's byte
 * scanner, which vouches only for lines parseEventLine accepts; any other
 * line (non-ASCII text, escapes, unknown fields, an invalid event) is judged
 * by parseEventLine itself, so what is refused, and why, is unchanged.
 */
export function appendEvent(path: string, event: LogEvent, options: AppendEventOptions = {}): void {
  const line = JSON.stringify(event);
  // Never write what readers would count as malformed.
  const encoded = checkedLine(path, line);
  if (options.root !== undefined) assertStaysInside(path, options.root);
  let fd: number;
  try {
    // O_RDWR rather than O_WRONLY only to peek at the last byte below; writes still go to the end.
    // O_NONBLOCK: opening a FIFO must not wait for a reader; it is refused just below.
    fd = openSync(path, constants.O_APPEND | constants.O_CREAT | constants.O_RDWR | constants.O_NONBLOCK, 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new FlagsError('EVENT_LOG_DIR_MISSING', `cannot write the event log ${path}: the folder ${dirname(path)} does not exist`, { cause: e });
    }
    throw new FlagsError('EVENT_LOG_WRITE', `cannot open the event log ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    // One fstat answers both questions: is it a regular file, and where does it end.
    const size = regularFileInfo(fd, path).size;
    // A crash mid-write can leave a last line without its newline. Appending
    // straight after it would glue our event onto the torn text and lose both;
    // starting with a newline sacrifices only the torn line. If two writers
    // both see the torn end, or one sees another's write in progress, the
    // cost is a blank line, which readers skip.
    const from = endsTorn(fd, size) ? 0 : 1;
    const length = encoded.end - from;
    const written = writeSync(fd, encoded.buf, from, length);
    if (written !== length) {
      // Retrying would be a second write that another process could interleave with; report instead.
      throw new FlagsError('EVENT_LOG_WRITE', `short write to the event log ${path} (${written} of ${length} bytes): is the disk full?`);
    }
  } catch (e) {
    if (e instanceof FlagsError) throw e;
    throw new FlagsError('EVENT_LOG_WRITE', `cannot append to the event log ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    closeSync(fd);
  }
}

/**
 * The line to append as UTF-8 in buf[0, end): a newline (written only after
 * a torn last line), the line, its newline.
 */
interface EncodedLine {
  buf: Buffer;
  end: number;
}

/**
 * Lines up to this many UTF-16 units (an event is a few hundred) are encoded
 * into one buffer kept between calls, `kept`: appendEvent is synchronous, so
 * a call's bytes are written before the next call encodes. A longer line gets
 * a buffer of its own, which nothing holds after the call.
 */
const KEPT_LINE_UNITS = 4096;
let kept: EncodedLine | undefined;
const scanned = createScannedEvent();

/**
 * The line's bytes, once it is known to be an event readers accept: vouched
 * for by the byte scanner (it accepts only lines parseEventLine accepts, with
 * the same fields: test/experiments/event-scanner.test.ts), or else by
 * parseEventLine, whose reason is the error.
 */
function checkedLine(path: string, line: string): EncodedLine {
  // JSON.stringify of something that is not an object gives no string: parseEventLine then decides, as it always did.
  const encoded = typeof line === 'string' && line.length <= KEPT_LINE_UNITS ? encodeKept(line) : undefined;
  if (encoded !== undefined && scanEventBytes(encoded.buf, 1, encoded.end - 1, scanned)) return encoded;
  const check = parseEventLine(line);
  if (!check.ok) throw new FlagsError('INVALID_EVENT', `refusing to append an invalid event to ${path}: ${check.reason}`);
  if (encoded !== undefined) return encoded;
  const buf = Buffer.from('\n' + line + '\n', 'utf8');
  return { buf, end: buf.length };
}

/** The short line in `kept`. */
function encodeKept(line: string): EncodedLine {
  if (kept === undefined) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; plus the two newlines.
    kept = { buf: Buffer.allocUnsafe(KEPT_LINE_UNITS * 3 + 2), end: 0 };
    kept.buf[0] = 0x0a;
  }
  const n = kept.buf.write(line, 1, 'utf8');
  kept.buf[n + 1] = 0x0a;
  kept.end = n + 2;
  return kept;
}

/** Refuses anything but a regular file (a FIFO, a device, a socket, a folder), naming what it is. */
export function assertRegularFile(fd: number, path: string): void {
  regularFileInfo(fd, path);
}

/** assertRegularFile, returning the file's fstat. */
function regularFileInfo(fd: number, path: string): Stats {
  const info = fstatSync(fd);
  if (info.isFile()) return info;
  const what = info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : info.isDirectory() ? 'a folder' : 'not a regular file';
  throw new FlagsError('EVENT_LOG_NOT_FILE', `the event log ${path} is ${what}; it must be a regular file`);
}

/** The default log may be a link, but only to a place inside `root`; a dangling link is refused (creating it would write at its target). */
function assertStaysInside(path: string, root: string): void {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return; // no flags directory: opening the log fails with its own message
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return;
    // Not there yet: the file the open would create is where it must stay inside.
    let created = path;
    if (lstatOrNull(path)?.isSymbolicLink()) created = resolve(dirname(path), readlinkSync(path));
    try {
      real = join(realpathSync(dirname(created)), basename(created));
    } catch {
      if (created !== path) throw new FlagsError('UNSAFE_WRITE', `refusing to write the event log ${path}: it is a symbolic link that does not resolve`);
      return; // the folder is missing: appendEvent names it
    }
  }
  if (!isInside(realRoot, real)) {
    throw new FlagsError(
      'UNSAFE_WRITE',
      `refusing to write the event log ${path}: it leads to ${real}, outside the flags directory (give --log or FLAGS_EVENT_LOG to log elsewhere)`,
    );
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

const lastByte = Buffer.alloc(1);

/** True when the file (of `size` bytes, by the fstat just made) ends in a byte other than a newline. */
function endsTorn(fd: number, size: number): boolean {
  if (size === 0) return false;
  return readSync(fd, lastByte, 0, 1, size - 1) === 1 && lastByte[0] !== 0x0a;
}

export interface ReadEventLinesOptions {
  /** Called after each chunk with bytes read so far and the file size (for a progress display). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
  /** Longer lines are skipped and reported here, not passed to onLine (default MAX_EVENT_LINE_BYTES). */
  maxLineBytes?: number;
  /** Called for each line over maxLineBytes, with its 1-based number and length. */
  onOverlongLine?: (line: number, bytes: number) => void;
}

export interface ReadEventLinesResult {
  /** False when the file does not exist (an experiment without events yet). */
  exists: boolean;
  bytes: number;
  /** Complete lines passed to onLine. */
  lines: number;
  /** A last line without its newline (a crash or a writer mid-write): not passed to onLine. */
  tornLastLine: { line: number; bytes: number } | null;
}

/**
 * Streams the log, calling `onLine` with every complete line (blank ones
 * included, without the newline) in file order. A missing file reads as
 * empty. A last line without a newline is not passed on but reported in the
 * result, so the caller counts it as malformed; it is never fatal. A line
 * that is not UTF-8 is passed on with each bad byte kept as U+DC80–U+DCFF
 * (its `isWellFormed()` is false), which tallyLine counts as malformed,
 * naming the byte; a byte order mark opening the file is dropped.
 */
export function readEventLines(path: string, onLine: (line: string) => void, options: ReadEventLinesOptions = {}): ReadEventLinesResult {
  return readLog(path, (buf, end) => splitText(buf, end, onLine), options);
}

/**
 * readEventLines handing over each line's bytes, buf[start, end) without the
 * newline, instead of a string: `flags experiment results` scans canonical
 * lines in place and decodes only the others. `buf` is reused: read the bytes
 * during the call.
 */
export function readEventLineBytes(path: string, onLine: (buf: Buffer, start: number, end: number) => void, options: ReadEventLinesOptions = {}): ReadEventLinesResult {
  return readLog(path, (buf, end) => splitBytes(buf, end, onLine), options);
}

/** Passes every line of buf[0, end) (end: the position of a newline) on; returns how many. */
type LineSplitter = (buf: Buffer, end: number) => number;

/**
 * splitText: the lines of buf[0, end) as strings. Held to UTF-8 at once
 * (isUtf8, fast); a chunk that is not has each line decoded on its own, a bad
 * line's bytes kept as U+DC80–U+DCFF (decodeUtf8Escaped) so that tallyLine
 * reports it as malformed and names the byte: decoded loosely, Latin-1
 * "café" and "cafè" were one user "caf\uFFFD".
 */
export function splitText(buf: Buffer, end: number, onLine: (line: string) => void): number {
  if (!isUtf8(buf.subarray(0, end))) return splitBytes(buf, end, (b, s, e) => onLine(decodeUtf8Escaped(b, s, e)));
  const text = buf.toString('utf8', 0, end);
  let lines = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    lines++;
    if (nl === -1) {
      onLine(text.slice(start));
      return lines;
    }
    onLine(text.slice(start, nl));
    start = nl + 1;
  }
}

export function splitBytes(buf: Buffer, end: number, onLine: (buf: Buffer, start: number, end: number) => void): number {
  let lines = 0;
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    lines++;
    if (nl === -1 || nl >= end) {
      onLine(buf, start, end);
      return lines;
    }
    onLine(buf, start, nl);
    start = nl + 1;
  }
}

/** True when buf[0, filled) starts with UTF-8's byte order mark EF BB BF. */
export function startsWithBom(buf: Uint8Array, filled: number): boolean {
  return filled >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

function readLog(path: string, split: LineSplitter, options: ReadEventLinesOptions): ReadEventLinesResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, bytes: 0, lines: 0, tornLastLine: null };
    throw new FlagsError('EVENT_LOG_READ', `cannot read the event log ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new FlagsError('EVENT_LOG_READ', `cannot read the event log ${path}: it is a folder`);
    assertRegularFile(fd, path);
    return readLines(path, fd, split, options);
  } finally {
    closeSync(fd);
  }
}

// Measured (bench/results-bench.mjs, 1,000,000 lines): reading 1 MiB chunks
// with readSync, decoding each chunk once up to its last newline and
// splitting the string takes about 0.6 of the time of node:readline; handing
// over byte ranges (readEventLineBytes) skips the decoding too.
function readLines(path: string, fd: number, split: LineSplitter, options: ReadEventLinesOptions): ReadEventLinesResult {
  const total = fstatSync(fd).size;
  const maxLine = Math.max(16, options.maxLineBytes ?? MAX_EVENT_LINE_BYTES);
  let buf = Buffer.allocUnsafe(Math.min(maxLine, Math.max(16, options.chunkSize ?? 1 << 20)));
  let filled = 0; // bytes in buf: a partial line carried over, then new data
  let bytes = 0;
  let lines = 0;
  // Inside a line longer than maxLine: its bytes so far, none of them kept.
  let skipped = -1;
  for (;;) {
    if (filled === buf.length) {
      if (buf.length >= maxLine) {
        // One line fills the cap: drop what is held, skip to its end.
        skipped = (skipped < 0 ? 0 : skipped) + filled;
        filled = 0;
      } else {
        const bigger = Buffer.allocUnsafe(Math.min(maxLine, buf.length * 2));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
    }
    let n: number;
    try {
      n = readSync(fd, buf, filled, buf.length - filled, null);
    } catch (e) {
      throw new FlagsError('EVENT_LOG_READ', `cannot read the event log ${path}: ${(e as Error).message}`, { cause: e });
    }
    if (n === 0) break;
    let scanFrom = filled;
    filled += n;
    bytes += n;
    if (bytes === n && startsWithBom(buf, filled)) {
      // A byte order mark opening the file (an editor's) is no part of line 1.
      buf.copy(buf, 0, 3, filled);
      filled -= 3;
    }
    if (skipped >= 0) {
      const nl = buf.indexOf(0x0a, scanFrom);
      if (nl < 0 || nl >= filled) {
        skipped += filled;
        filled = 0;
        options.onProgress?.(bytes, Math.max(total, bytes));
        continue;
      }
      lines++;
      options.onOverlongLine?.(lines, skipped + nl);
      skipped = -1;
      buf.copy(buf, 0, nl + 1, filled);
      filled -= nl + 1;
      scanFrom = 0;
    }
    const lastNewline = filled > 0 ? buf.lastIndexOf(0x0a, filled - 1) : -1;
    if (lastNewline >= scanFrom) {
      lines += split(buf, lastNewline);
      buf.copy(buf, 0, lastNewline + 1, filled);
      filled -= lastNewline + 1;
    }
    options.onProgress?.(bytes, Math.max(total, bytes));
  }
  const torn = (skipped < 0 ? 0 : skipped) + filled;
  return { exists: true, bytes, lines, tornLastLine: torn > 0 ? { line: lines + 1, bytes: torn } : null };
}
