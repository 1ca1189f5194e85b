/**
 * `flags serve` (SPEC 7): an OFREP server over the flags directory (watched)
 * or a bundle file or URL (polled), until SIGTERM or SIGINT, which drain
 * in-flight requests and exit 0.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError, UsageError } from '../../errors.js';
import { withDefaultEnvironment } from '../../evaluation/default-environment.js';
import type { FlagEvaluator } from '../../evaluation/index.js';
import { decodeUtf8Text } from '../../schema/utf8.js';
import { startOfrepServer } from '../../serve/server.js';
import { readInteger } from '../../store/flag-values.js';
import type { CommandContext } from '../context.js';

export interface ServeOptions {
  host?: string;
  port?: string;
  bundle?: string;
  env?: string;
  tokenFile?: string;
  logRequests?: boolean;
  pollMs?: string;
  requestTimeout?: string;
  shutdownDelay?: string;
}

function integer(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = readInteger(value, min, max);
  if (n === undefined) throw new UsageError(`invalid ${name} "${value}": use a whole number from ${min} to ${max}`);
  return n;
}

function readToken(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new FlagsError('TOKEN_FILE', `cannot read --token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Decoded loosely, a bad byte became U+FFFD and the server compared clients against a token nobody holds.
  // The place is named, never the byte or the token: they are the secret.
  const decoded = decodeUtf8Text(bytes);
  if (!decoded.ok) throw new FlagsError('TOKEN_FILE', `--token-file ${file} is not valid UTF-8 (the first bad byte is at line ${decoded.line}, column ${decoded.column}; the token is not shown): save it as UTF-8`);
  const token = decoded.text.trim();
  if (token === '' || /\s/.test(token)) throw new FlagsError('TOKEN_FILE', `--token-file ${file} must hold one token (no spaces), found ${token === '' ? 'nothing' : 'several words'}`);
  return token;
}

export async function runServe(ctx: CommandContext, opts: ServeOptions): Promise<void> {
  const port = integer(opts.port, 8016, '--port', 0, 65535);
  const pollMs = integer(opts.pollMs, 1000, '--poll-ms', 100, 3_600_000);
  const requestTimeoutMs = integer(opts.requestTimeout, 10_000, '--request-timeout', 100, 600_000);
  const shutdownDelayMs = integer(opts.shutdownDelay, 0, '--shutdown-delay', 0, 600_000);
  const host = opts.host ?? '127.0.0.1';
  const token = opts.tokenFile === undefined ? undefined : readToken(path.resolve(ctx.io.cwd, opts.tokenFile));
  const stamp = () => new Date().toISOString();
  const note = (line: string) => ctx.err(`${stamp()} ${line}`);
  // A source that stays broken fails every poll: say so once, and again when it recovers.
  let lastFailure: string | null = null;
  const failed = (what: string, e: Error) => {
    if (e.message !== lastFailure) note(`reload failed, still serving the last good ${what}: ${e.message}`);
    lastFailure = e.message;
  };
  const recovered = () => {
    if (lastFailure !== null) note('reload succeeded again');
    lastFailure = null;
  };

  let evaluator: FlagEvaluator;
  let close: () => void;
  let source: string;
  if (opts.bundle !== undefined) {
    const { createBundleEvaluator } = await import('../../store/bundle-source.js');
    const isUrl = /^https?:\/\//i.test(opts.bundle);
    const where = isUrl ? opts.bundle : path.resolve(ctx.io.cwd, opts.bundle);
    let loaded;
    try {
      loaded = await createBundleEvaluator({
        ...(isUrl ? { url: where } : { file: where }),
        pollMs,
        environment: opts.env,
        onUpdate: (u) => {
          recovered();
          note(`reloaded bundle ${u.version}: ${u.changedKeys.length} flag${u.changedKeys.length === 1 ? '' : 's'} changed (${u.changedKeys.join(', ')})`);
        },
        onError: (e) => failed('bundle', e),
      });
    } catch (e) {
      throw new FlagsError('BUNDLE_LOAD', (e as Error).message, { cause: e });
    }
    evaluator = loaded;
    close = () => loaded.close();
    source = `bundle ${isUrl ? where : ctx.relative(where)} (${loaded.version()})`;
  } else {
    const { createDirectoryEvaluator } = await import('../../store/live-evaluator.js');
    const dir = ctx.flagsDir;
    let wasBroken = 0;
    const live = await createDirectoryEvaluator({
      dir,
      watch: true,
      pollInterval: pollMs,
      onDiagnostics: (diagnostics) => {
        const broken = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
        // Said on a change of state only: every reload re-reports the same findings.
        if (broken.size > 0 && broken.size !== wasBroken) note(`${broken.size} flag file${broken.size === 1 ? ' has' : 's have'} errors; their last valid version (if any) is served; run \`flags validate\``);
        else if (broken.size === 0 && wasBroken > 0) note('flag files valid again');
        wasBroken = broken.size;
      },
      onReload: (keys) => {
        recovered();
        note(`reloaded: ${keys.length} flag${keys.length === 1 ? '' : 's'} changed (${keys.join(', ')})`);
      },
      onError: (e) => failed('flags', e),
    });
    evaluator = live;
    close = () => live.close();
    source = `${ctx.relative(dir)}/`;
    // (A bundle evaluator applies --env itself, and checks it against the bundle's own environment.)
    if (opts.env !== undefined) evaluator = withDefaultEnvironment(evaluator, opts.env);
  }

  let server;
  try {
    server = await startOfrepServer({
      evaluator,
      host,
      port,
      token,
      requestTimeoutMs,
      minPollingIntervalMs: pollMs,
      log: opts.logRequests ? (line) => ctx.out(line) : undefined,
    });
  } catch (e) {
    close();
    const err = e as NodeJS.ErrnoException;
    throw new FlagsError('LISTEN', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`);
  }
  ctx.out(`flags serve: OFREP on ${server.url}/ofrep/v1/ — ${evaluator.keys().length} flags from ${source}${opts.env ? `, environment ${opts.env}` : ''}${token ? ', bearer token required' : ''}`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      note(`${signal}: draining in-flight requests`);
      void server.drain({ unreadyMs: shutdownDelayMs }).then(() => {
        close();
        note('stopped');
        resolve();
      });
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}
