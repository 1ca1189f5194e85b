/**
 * Several event logs as one (SPEC 8 "scale past one file"): `--log` paths and
 * globs (`events/*.jsonl`, `events/**\/*.jsonl.gz`) expanded to a sorted list
 * of files, then read one after the other in one streaming pass. Gzipped
 * files (recognised by their magic bytes, whatever their name) are inflated
 * on the fly with node:zlib, chunk by chunk, so memory stays bound by the
 * tally (users), not by file sizes. A file that cannot be read, or a gzip
 * stream that ends early, is reported and the other files are still read.
 *
 * Globs use tinyglobby (Node 20 has no fs.glob; it is small, has one
 * dependency-free matcher, and is what vitest and vite themselves use).
 */
import { closeSync, constants, createReadStream, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { FlagsError } from '../errors.js';
import { assertRegularFile, MAX_EVENT_LINE_BYTES, readEventLineBytes, readEventLines, splitBytes, splitText, startsWithBom } from './event-log.js';

export interface ExpandedSources {
  files: string[];
  /** Paths given literally that do not exist. */
  missing: string[];
  /** Globs that matched no file. */
  emptyGlobs: string[];
}

/** Expands paths and globs (relative to cwd) into absolute file paths, sorted, without duplicates. */
export function expandLogSources(patterns: readonly string[], cwd: string): ExpandedSources {
  const files = new Set<string>();
  const missing: string[] = [];
  const emptyGlobs: string[] = [];
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      // tinyglobby wants forward slashes; an absolute pattern is matched from its own root.
      const matched = globSync(pattern, { cwd, absolute: true, onlyFiles: true, dot: false, expandDirectories: false });
      if (matched.length === 0) emptyGlobs.push(pattern);
      for (const f of matched) files.add(path.resolve(f));
      continue;
    }
    const file = path.resolve(cwd, pattern);
    let isDir = false;
    try {
      isDir = statSync(file).isDirectory();
    } catch {
      missing.push(pattern);
      continue;
    }
    if (isDir) throw new FlagsError('EVENT_LOG_READ', `cannot read the event log ${pattern}: it is a folder; give its files or a glob (--log '${path.join(pattern, '*.jsonl')}')`);
    files.add(file);
  }
  return { files: [...files].sort(), missing, emptyGlobs };
}

export interface FileReadReport {
  file: string;
  gzip: boolean;
  bytes: number;
  lines: number;
  tornLastLine: { line: number; bytes: number } | null;
  /** Why the file could not be read completely (lines before the failure were read). */
  problem: string | null;
}

export interface ReadSourcesOptions {
  onFile?: (file: string, index: number) => void;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** A line over MAX_EVENT_LINE_BYTES, skipped without being held (line number in its file, its length). */
  onOverlongLine?: (line: number, bytes: number) => void;
  /**
   * When given, called for each line instead of `onLine`, with the line's
   * UTF-8 bytes buf[start, end) (no newline; `buf` is reused after the call):
   * a caller that reads canonical lines in place skips decoding them.
   */
  onLineBytes?: (buf: Buffer, start: number, end: number, lineNumber: number) => void;
}

/**
 * True when the file starts with gzip's magic bytes 1f 8b. A log must be a
 * regular file: opened without blocking (a FIFO would wait for a writer
 * forever) and refused when it is a FIFO, a device or a folder.
 */
export function isGzipFile(file: string): boolean {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    assertRegularFile(fd, file);
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads every file in order, calling `onLine(line, lineNumber)` with each
 * complete line of each file (line numbers restart at 1 per file; `onFile`
 * announces the next file). Never throws for a file it cannot read: the
 * report says what happened. Errors thrown by the callbacks pass through.
 */
export async function readEventSources(
  files: readonly string[],
  onLine: (line: string, lineNumber: number) => void,
  options: ReadSourcesOptions = {},
): Promise<FileReadReport[]> {
  const reports: FileReadReport[] = [];
  const sizes = files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    options.onFile?.(file, i);
    let gzip = false;
    try {
      gzip = isGzipFile(file);
    } catch (e) {
      if (e instanceof FlagsError) throw e;
      reports.push({ file, gzip, bytes: 0, lines: 0, tornLastLine: null, problem: (e as Error).message });
      continue;
    }
    if (gzip) {
      reports.push(await readGzipLines(file, onLine, (bytes) => options.onProgress?.(done + bytes, total), options.onOverlongLine, options.onLineBytes));
    } else {
      let n = 0;
      try {
        const readOptions = {
          onProgress: (bytes: number) => options.onProgress?.(done + bytes, total),
          onOverlongLine: (line: number, bytes: number) => {
            n = line;
            options.onOverlongLine?.(line, bytes);
          },
        };
        const { onLineBytes } = options;
        const r = onLineBytes
          ? readEventLineBytes(file, (buf, start, end) => onLineBytes(buf, start, end, ++n), readOptions)
          : readEventLines(file, (line) => onLine(line, ++n), readOptions);
        reports.push({ file, gzip, bytes: r.bytes, lines: r.lines, tornLastLine: r.tornLastLine, problem: r.exists ? null : 'the file disappeared while reading' });
      } catch (e) {
        if (!(e instanceof FlagsError && e.code === 'EVENT_LOG_READ')) throw e;
        reports.push({ file, gzip, bytes: 0, lines: n, tornLastLine: null, problem: e.message });
      }
    }
    done += sizes[i];
  }
  return reports;
}

async function readGzipLines(
  file: string,
  onLine: (line: string, n: number) => void,
  onProgress: (compressedBytes: number) => void,
  onOverlongLine?: (line: number, bytes: number) => void,
  onLineBytes?: (buf: Buffer, start: number, end: number, n: number) => void,
): Promise<FileReadReport> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  let carry: Buffer = Buffer.alloc(0);
  let bytes = 0;
  let lines = 0;
  let problem: string | null = null;
  // Bytes of a line over MAX_EVENT_LINE_BYTES dropped so far (0: not in one): such a line is never held.
  let skipping = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let fresh: Buffer = chunk;
      // A byte order mark opening the file is no part of line 1 (the first chunk holds far more than 3 bytes).
      if (bytes === chunk.length && startsWithBom(fresh, fresh.length)) fresh = fresh.subarray(3);
      if (skipping > 0) {
        const nl = fresh.indexOf(0x0a);
        if (nl < 0) {
          skipping += fresh.length;
          continue;
        }
        onOverlongLine?.(++lines, skipping + nl);
        skipping = 0;
        fresh = fresh.subarray(nl + 1);
      }
      const buf = carry.length ? Buffer.concat([carry, fresh]) : fresh;
      const last = buf.lastIndexOf(0x0a);
      if (last < 0) {
        if (buf.length > MAX_EVENT_LINE_BYTES) {
          skipping = buf.length;
          carry = Buffer.alloc(0);
        } else carry = buf;
        continue;
      }
      if (onLineBytes) splitBytes(buf, last, (b, start, end) => onLineBytes(b, start, end, ++lines));
      else splitText(buf, last, (line) => onLine(line, ++lines));
      carry = Buffer.from(buf.subarray(last + 1));
      if (carry.length > MAX_EVENT_LINE_BYTES) {
        skipping = carry.length;
        carry = Buffer.alloc(0);
      }
      onProgress(input.bytesRead);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only zlib's and the file system's errors are the file's; one thrown by onLine is the caller's.
    if (!(typeof err.code === 'string' && (err.code.startsWith('Z_') || 'syscall' in err))) throw e;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) problem = 'the gzip stream ends early (a truncated or still-being-written file)';
    else if (err.code?.startsWith('Z_')) problem = `not a valid gzip stream (${err.message})`;
    else problem = err.message;
  } finally {
    input.destroy();
  }
  if (skipping > 0) onOverlongLine?.(++lines, skipping);
  const tornLastLine = carry.length > 0 ? { line: lines + 1, bytes: carry.length } : null;
  return { file, gzip: true, bytes, lines, tornLastLine, problem };
}
