/**
 * Where a bundle comes from (SPEC 7): given in memory, read from a file, or
 * fetched from a URL, and kept fresh by polling. Every failure after the first
 * load (network error, HTTP error, invalid JSON, an unknown schemaVersion)
 * keeps the last good bundle and is reported, so a broken publish never turns
 * flags off in running services.
 *
 * Imports nothing that parses YAML or validates with zod: this is the I/O half
 * of the `flagyard/runtime` entry, whose load time is measured.
 */
import { readFileSync, statSync } from 'node:fs';
import { forwardingEvaluator, type FlagEvaluator } from '../evaluation/index.js';
import { createBundleFlagEvaluator } from '../bundle/evaluator.js';
import { BundleFormatError, parseBundle, type Bundle } from '../bundle/format.js';
import { decodeUtf8Text, utf8ErrorLine } from '../schema/utf8.js';

/** Bundles larger than this are refused: no flag set comes near it, and a runaway response must not exhaust memory. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface BundleEvaluatorOptions {
  /** A bundle already in memory: the object, or its JSON text. */
  bundle?: unknown;
  /** A bundle file; re-read when its size or modification time changes (checked every pollMs). */
  file?: string;
  /** A bundle URL, polled every pollMs with If-None-Match. */
  url?: string;
  /** Polling interval in ms: default 1000 for a file, 10000 for a URL; 0 never polls. */
  pollMs?: number;
  /** The default `context.environment` (see docs/serving.md). */
  environment?: string;
  /** Extra request headers for `url` (e.g. authorization). */
  headers?: Record<string, string>;
  /** Called when a new bundle is installed, with the keys whose definition changed. */
  onUpdate?: (update: { version: string; changedKeys: string[] }) => void;
  /** Called when a refresh fails; the last good bundle stays in service. */
  onError?: (error: Error) => void;
  /** Timeout of one fetch in ms (default 10000). */
  timeoutMs?: number;
}

export interface BundleEvaluator extends FlagEvaluator {
  /** The bundle served now. */
  bundle(): Bundle;
  /** Its version (content hash). */
  version(): string;
  /** Fetches or re-reads now; resolves to true when a new bundle was installed. Never rejects: failures go to onError. */
  refresh(): Promise<boolean>;
  /** Stops polling. */
  close(): void;
}

/** Why a bundle could not be loaded (the message names the source). */
export class BundleLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BundleLoadError';
  }
}

interface Loaded {
  bundle: Bundle;
  etag?: string;
}

export async function createBundleEvaluator(options: BundleEvaluatorOptions): Promise<BundleEvaluator> {
  const sources = [options.bundle !== undefined, options.file !== undefined, options.url !== undefined].filter(Boolean).length;
  if (sources !== 1) throw new BundleLoadError('createBundleEvaluator needs exactly one of bundle, file or url');

  let fileSignature = '';
  let etag: string | undefined;
  const loadOnce = async (): Promise<Loaded | null> => {
    if (options.file !== undefined) {
      const signature = statSignature(options.file);
      if (signature === fileSignature) return null;
      const bundle = parseBundleText(readBundleFile(options.file), options.file);
      fileSignature = signature;
      return { bundle };
    }
    if (options.url !== undefined) return fetchBundle(options.url, etag, options);
    const given = options.bundle;
    return { bundle: typeof given === 'string' ? parseBundleText(given, 'the bundle option') : wrapFormat(() => parseBundle(given), 'the bundle option') };
  };

  let current!: Bundle;
  let evaluator!: FlagEvaluator;
  const install = (loaded: Loaded): string[] => {
    // Built before anything is replaced: an environment mismatch leaves the old bundle serving.
    const next = createBundleFlagEvaluator(loaded.bundle, { environment: options.environment });
    const previous = current as Bundle | undefined;
    current = loaded.bundle;
    evaluator = next;
    if (loaded.etag !== undefined) etag = loaded.etag;
    return previous ? changedKeys(previous, loaded.bundle) : [];
  };

  const first = await loadOnce();
  install(first!);

  let refreshing: Promise<boolean> | null = null;
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      try {
        const loaded = await loadOnce();
        if (loaded === null || loaded.bundle.version === current.version) {
          if (loaded?.etag !== undefined) etag = loaded.etag;
          return false;
        }
        const changed = install(loaded);
        options.onUpdate?.({ version: loaded.bundle.version, changedKeys: changed });
        return true;
      } catch (e) {
        options.onError?.(e as Error);
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  let timer: NodeJS.Timeout | undefined;
  const pollMs = options.pollMs ?? (options.url !== undefined ? 10_000 : 1000);
  if (options.bundle === undefined && pollMs > 0) {
    timer = setInterval(() => void refresh(), pollMs);
    timer.unref();
  }

  return {
    ...forwardingEvaluator(() => evaluator),
    bundle: () => current,
    version: () => current.version,
    refresh,
    close: () => clearInterval(timer),
  };
}

/** Keys added, removed or changed between two bundles. */
export function changedKeys(before: Bundle, after: Bundle): string[] {
  const keys = new Set([...Object.keys(before.flags), ...Object.keys(after.flags)]);
  const segmentsChanged = JSON.stringify(before.segments) !== JSON.stringify(after.segments);
  // A segment edit can change any flag that uses it: report every flag then.
  return [...keys].filter((k) => segmentsChanged || JSON.stringify(before.flags[k]) !== JSON.stringify(after.flags[k]));
}

function statSignature(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch (e) {
    throw new BundleLoadError(`cannot read bundle ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

function readBundleFile(file: string): string {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_BUNDLE_BYTES) throw new BundleLoadError(`bundle ${file} is larger than ${MAX_BUNDLE_BYTES / 1048576} MiB`);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof BundleLoadError) throw e;
    throw new BundleLoadError(`cannot read bundle ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  return bundleText(bytes, file);
}

/**
 * A bundle's bytes as text, a leading byte order mark dropped. Bytes that are
 * not UTF-8 are refused at the first bad one: decoded loosely, a segment value
 * or a served string would have become U+FFFD, matching nobody, without a word.
 */
function bundleText(bytes: Uint8Array, source: string): string {
  const decoded = decodeUtf8Text(bytes);
  if (!decoded.ok) throw new BundleLoadError(`bundle ${utf8ErrorLine(source, decoded)}`);
  return decoded.text;
}

function wrapFormat<T>(fn: () => T, source: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BundleFormatError) throw new BundleLoadError(`${source}: ${e.message}`, { cause: e });
    throw e;
  }
}

function parseBundleText(text: string, source: string): Bundle {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BundleLoadError(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return wrapFormat(() => parseBundle(doc), source);
}

async function fetchBundle(url: string, etag: string | undefined, options: BundleEvaluatorOptions): Promise<Loaded | null> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (etag !== undefined) headers['if-none-match'] = etag;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000), redirect: 'follow' });
  } catch (e) {
    throw new BundleLoadError(`cannot fetch bundle ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new BundleLoadError(`cannot fetch bundle ${url}: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BUNDLE_BYTES) {
    await response.body?.cancel();
    throw new BundleLoadError(`bundle ${url} is larger than ${MAX_BUNDLE_BYTES / 1048576} MiB`);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw new BundleLoadError(`cannot fetch bundle ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (bytes.length > MAX_BUNDLE_BYTES) throw new BundleLoadError(`bundle ${url} is larger than ${MAX_BUNDLE_BYTES / 1048576} MiB`);
  return { bundle: parseBundleText(bundleText(bytes, url), url), etag: response.headers.get('etag') ?? undefined };
}
