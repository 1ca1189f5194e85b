/**
 * Strict UTF-8 decoding of flag and experiment files. Node's 'utf8' decoding
 * turns an invalid byte into U+FFFD without a word, so a file holding a
 * Latin-1 `é` validated, and the next edit of any flag in it wrote the
 * replacement character back: the byte was changed by a tool that said
 * nothing. A file that is not UTF-8 is a finding at its first bad byte, and
 * is never rewritten.
 */
import { isUtf8 } from 'node:buffer';

export type Utf8Result = { ok: true; text: string } | { ok: false; line: number; column: number; byte: number };

export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return { ok: true, text: buf.toString('utf8') };
  const at = firstInvalidUtf8(buf);
  // Everything before the bad byte is valid: its lines and characters give the place.
  const before = buf.toString('utf8', 0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  // A byte order mark is no column: editors do not show it, and the YAML reader's positions skip it.
  const bom = line === 1 && before.charCodeAt(0) === 0xfeff ? 1 : 0;
  return { ok: false, line, column: [...before.slice(lineStart)].length + 1 - bom, byte: buf[at] };
}

/** The offset of the first byte in b[from, end) that does not belong to a well-formed UTF-8 sequence there, or `end`. */
export function firstInvalidUtf8(b: Uint8Array, from = 0, end = b.length): number {
  let i = from;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (i + k >= end || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return end;
}

// Pure: a bundle that does not use decodeUtf8Escaped (the runtime) drops it.
const lenient = /* @__PURE__ */ new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * b[start, end) as text with nothing lost: each byte that is not part of a
 * well-formed UTF-8 sequence becomes the lone surrogate U+DC80–U+DCFF
 * (U+DC00 + the byte, Python's "surrogateescape"), which no UTF-8 text can
 * hold; so `isWellFormed()` is false exactly for bytes that were not UTF-8,
 * and a reader handed such a line can name the byte instead of seeing
 * U+FFFD. A byte order mark is kept.
 */
export function decodeUtf8Escaped(b: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; ; ) {
    const bad = firstInvalidUtf8(b, i, end);
    if (bad > i) text += lenient.decode(b.subarray(i, bad));
    if (bad >= end) return text;
    text += String.fromCharCode(0xdc00 | b[bad]);
    i = bad + 1;
  }
}

/** The finding's message for a file that is not UTF-8. */
export function utf8Problem(r: { line: number; column: number; byte: number }): string {
  return `not valid UTF-8: byte 0x${r.byte.toString(16).toUpperCase().padStart(2, '0')} at line ${r.line}, column ${r.column} (save the file as UTF-8)`;
}

/**
 * A whole file's text held to UTF-8 (decodeUtf8), without the byte order mark
 * an editor may put first (the YAML reader drops it too): for the readers of
 * JSON, token and counts files, which would otherwise choke on it or keep it.
 */
export function decodeUtf8Text(bytes: Uint8Array): Utf8Result {
  const r = decodeUtf8(bytes);
  return r.ok && r.text.charCodeAt(0) === 0xfeff ? { ok: true, text: r.text.slice(1) } : r;
}

/** The one error line of a reader that stops on a file that is not UTF-8: `file:line:col: not valid UTF-8: …`. */
export function utf8ErrorLine(file: string, r: { line: number; column: number; byte: number }): string {
  return `${file}:${r.line}:${r.column}: ${utf8Problem(r)}`;
}
