/**
 * Reads the file of `flags eval --context FILE` (SPEC 3): the CLI parses the
 * arguments and the JSON, the store touches the disk. The file system is
 * injectable (tests inject failures); the default is Node's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError } from '../errors.js';
import { decodeUtf8Text, utf8ErrorLine } from '../schema/utf8.js';

/** The one call the reader makes, so a test can stand in for the disk: the file's bytes (held to UTF-8), or its text. */
export interface ContextFileFs {
  readFileSync(file: string): Uint8Array | string;
}

const nodeFs: ContextFileFs = { readFileSync: (file) => readFileSync(file) };

/**
 * The text of the context file `file` (relative to `cwd`), a leading byte
 * order mark dropped; CONTEXT_UNREADABLE naming it and why, or CONTEXT_INVALID
 * at the first byte that is not UTF-8 (decoded loosely, a Latin-1 name would be
 * evaluated as "caf\uFFFD" and answer the wrong rule without a word).
 */
export function readContextFile(file: string, opts: { cwd: string; fs?: ContextFileFs }): string {
  let bytes: Uint8Array | string;
  try {
    bytes = (opts.fs ?? nodeFs).readFileSync(path.resolve(opts.cwd, file));
  } catch (e) {
    throw new FlagsError('CONTEXT_UNREADABLE', `cannot read context ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return contextText(bytes, file);
}

/** The text of a context's bytes (file or stdin, named by `label`), a leading byte order mark dropped; CONTEXT_INVALID at the first byte that is not UTF-8. */
export function contextText(bytes: Uint8Array | string, label: string): string {
  if (typeof bytes === 'string') return bytes.replace(/^\uFEFF/, '');
  const decoded = decodeUtf8Text(bytes);
  if (!decoded.ok) throw new FlagsError('CONTEXT_INVALID', `context ${utf8ErrorLine(label, decoded)}`, { location: { file: label, line: decoded.line, column: decoded.column } });
  return decoded.text;
}
