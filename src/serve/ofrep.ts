/**
 * The OpenFeature Remote Evaluation Protocol (OFREP) over a FlagEvaluator:
 * a request (method, path, body text) in, a response (status, body) out.
 * Pure, so every status code is unit-testable; server.ts does the HTTP.
 * Protocol: https://github.com/open-feature/protocol (service/openapi.yaml).
 */
import { createHash } from 'node:crypto';
import type { EvaluationContext, FlagEvaluator } from '../evaluation/index.js';
import { toEvaluationContext, toOpenFeatureResult, type OpenFeatureResult } from '../openfeature/mapping.js';

export const OFREP_PREFIX = '/ofrep/v1/';
const SINGLE_PREFIX = '/ofrep/v1/evaluate/flags/';
const BULK_PATH = '/ofrep/v1/evaluate/flags';
const CONFIGURATION_PATH = '/ofrep/v1/configuration';

export interface OfrepResponse {
  status: number;
  /** Serialised JSON, or '' for 304. */
  body: string;
  headers?: Record<string, string>;
}

export interface OfrepRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The raw body, already checked to be UTF-8 and within the size limit. */
  body: string;
  ifNoneMatch?: string;
}

/** What the server was told about itself, for the configuration endpoint. */
export interface OfrepServerInfo {
  /** Shortest interval at which a client should poll the bulk endpoint. */
  minPollingIntervalMs: number;
}

const json = (status: number, value: unknown, headers?: Record<string, string>): OfrepResponse => ({ status, body: JSON.stringify(value), headers });

/** A request the server cannot evaluate: OFREP's evaluationFailure (or bulkEvaluationFailure) body. */
export const badRequest = (errorDetails: string, key?: string): OfrepResponse =>
  json(400, key === undefined ? { errorCode: 'INVALID_CONTEXT', errorDetails } : { key, errorCode: 'INVALID_CONTEXT', errorDetails });

/** A strong ETag of a response body: equal bodies, equal tags, on every replica. */
export function etagOf(body: string): string {
  return '"' + createHash('sha1').update(body).digest('base64url') + '"';
}

/** RFC 9110 If-None-Match: a list of tags, weak or strong, or `*`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strong = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === strong;
  });
}

/** Reads `{ context }` from a request body. Returns an error response when it is not one. */
export function parseContextBody(body: string, key?: string): { context: EvaluationContext } | { error: OfrepResponse } {
  if (body.trim() === '') return { context: {} };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    return { error: badRequest(`request body is not valid JSON: ${(e as Error).message}`, key) };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { error: badRequest('request body must be a JSON object: {"context": {...}}', key) };
  const context = (doc as { context?: unknown }).context;
  if (context === undefined || context === null) return { context: {} };
  if (typeof context !== 'object' || Array.isArray(context)) return { error: badRequest('"context" must be a JSON object', key) };
  return { context: toEvaluationContext(context as Record<string, unknown>) };
}

/** One result as OFREP's evaluationSuccess or evaluationFailure object. */
function resultBody(key: string, r: OpenFeatureResult): Record<string, unknown> {
  if (r.errorCode !== undefined) return { key, errorCode: r.errorCode, errorDetails: r.errorDetails };
  const out: Record<string, unknown> = { key, value: r.value, reason: r.reason };
  if (r.variant !== undefined) out.variant = r.variant;
  out.metadata = r.metadata;
  return out;
}

export function evaluateSingle(evaluator: FlagEvaluator, key: string, body: string): OfrepResponse {
  const parsed = parseContextBody(body, key);
  if ('error' in parsed) return parsed.error;
  const r = toOpenFeatureResult(key, evaluator.evaluate(key, parsed.context));
  if (r.errorCode === 'FLAG_NOT_FOUND') return json(404, resultBody(key, r));
  if (r.errorCode !== undefined) return json(400, resultBody(key, r));
  return json(200, resultBody(key, r));
}

export function evaluateBulk(evaluator: FlagEvaluator, body: string, ifNoneMatch: string | undefined): OfrepResponse {
  const parsed = parseContextBody(body);
  if ('error' in parsed) return parsed.error;
  const all = evaluator.evaluateAll(parsed.context);
  const flags = Object.entries(all).map(([key, result]) => resultBody(key, toOpenFeatureResult(key, result)));
  const text = JSON.stringify({ flags });
  const etag = etagOf(text);
  if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304, body: '', headers: { etag } };
  return { status: 200, body: text, headers: { etag } };
}

export function configuration(info: OfrepServerInfo, ifNoneMatch: string | undefined): OfrepResponse {
  const text = JSON.stringify({
    name: 'flagyard',
    capabilities: {
      cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: info.minPollingIntervalMs } },
      flagEvaluation: { supportedTypes: ['boolean', 'string', 'int', 'float', 'object'] },
    },
  });
  const etag = etagOf(text);
  if (matchesIfNoneMatch(ifNoneMatch, etag)) return { status: 304, body: '', headers: { etag } };
  return { status: 200, body: text, headers: { etag } };
}

/**
 * Routes an OFREP request. Returns null for a path outside /ofrep/v1/ (the
 * server answers those: health checks, 404).
 */
export function handleOfrep(evaluator: FlagEvaluator, request: OfrepRequest, info: OfrepServerInfo): OfrepResponse | null {
  const { method, path } = request;
  if (path.startsWith(SINGLE_PREFIX)) {
    if (method !== 'POST') return methodNotAllowed('POST');
    let key: string;
    try {
      key = decodeURIComponent(path.slice(SINGLE_PREFIX.length));
    } catch {
      return badRequest('the flag key in the path is not valid percent-encoding');
    }
    if (key === '') return json(404, { errorDetails: 'no flag key in the path' });
    return evaluateSingle(evaluator, key, request.body);
  }
  if (path === BULK_PATH) return method === 'POST' ? evaluateBulk(evaluator, request.body, request.ifNoneMatch) : methodNotAllowed('POST');
  if (path === CONFIGURATION_PATH) return method === 'GET' || method === 'HEAD' ? configuration(info, request.ifNoneMatch) : methodNotAllowed('GET, HEAD');
  if (path.startsWith(OFREP_PREFIX)) return json(404, { errorDetails: `no such endpoint: ${path}` });
  return null;
}

export function methodNotAllowed(allow: string): OfrepResponse {
  return json(405, { errorDetails: `method not allowed (use ${allow})` }, { allow });
}
