/**
 * Reads `flags.config.yaml` (SPEC 5). Loaded only when a config file exists:
 * it brings the YAML parser and zod with it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError } from '../errors.js';
import { parseProjectConfig } from '../schema/project-config.js';
import { decodeUtf8Text, utf8ErrorLine } from '../schema/utf8.js';
import type { LoadedConfig } from './settings.js';

/** Config files larger than this are refused: a real one is a few lines. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads and checks a config file; an invalid one is an error at its first finding's line and column. */
export function readProjectConfig(file: string, opts: { cwd: string }): LoadedConfig {
  const shown = path.relative(opts.cwd, file) || file;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new FlagsError('CONFIG_UNREADABLE', `cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (bytes.length > MAX_CONFIG_BYTES) throw new FlagsError('CONFIG_INVALID', `${shown}: file is larger than 1 MiB; a config file holds a few settings`);
  // Decoded loosely, a Latin-1 environment name would be configured as "caf\uFFFD" without a word.
  const decoded = decodeUtf8Text(bytes);
  if (!decoded.ok) throw new FlagsError('CONFIG_INVALID', utf8ErrorLine(shown, decoded), { location: { file: shown, line: decoded.line, column: decoded.column } });
  const text = decoded.text;
  const parsed = parseProjectConfig(file, text);
  const first = parsed.diagnostics[0];
  if (first || !parsed.config) {
    const more = parsed.diagnostics.length > 1 ? ` (and ${parsed.diagnostics.length - 1} more)` : '';
    const where = first ? `${shown}:${first.line}:${first.column}` : shown;
    throw new FlagsError('CONFIG_INVALID', `${where}: ${first?.message ?? 'invalid config'}${more}`, {
      location: { file: shown, line: first?.line, column: first?.column },
    });
  }
  return { file, config: parsed.config, positions: parsed.positions };
}
