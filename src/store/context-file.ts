/**
 * Reads the file of `flags eval --context FILE` (SPEC 3): the CLI parses the
 * arguments and the JSON, the store touches the disk. The file system is
 * injectable (tests inject failures); the default is Node's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError } from '../errors.js';

/** The one call the reader makes, so a test can stand in for the disk. */
export interface ContextFileFs {
  readFileSync(file: string, encoding: 'utf8'): string;
}

const nodeFs: ContextFileFs = { readFileSync: (file, encoding) => readFileSync(file, encoding) };

/** The text of the context file `file` (relative to `cwd`), or CONTEXT_UNREADABLE naming it and why. */
export function readContextFile(file: string, opts: { cwd: string; fs?: ContextFileFs }): string {
  try {
    return (opts.fs ?? nodeFs).readFileSync(path.resolve(opts.cwd, file), 'utf8');
  } catch (e) {
    throw new FlagsError('CONTEXT_UNREADABLE', `cannot read context ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
