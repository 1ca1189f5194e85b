/**
 * The bundle format (SPEC 7): one JSON document per environment that carries
 * what evaluation needs and nothing else, for services that read flags from a
 * file, an object store or a CDN instead of the YAML files. Documented in
 * docs/serving.md; JSON Schema in docs/bundle.schema.json.
 *
 * Pure and free of zod and yaml on purpose: the runtime entry imports this
 * module, and its load time is the point of the runtime (bench/runtime-bench.mjs).
 */
import type { JsonValue } from '../schema/flag.js';
import { isPlainObject } from '../objects.js';

/** The format version a reader understands. A reader refuses any other. */
export const BUNDLE_SCHEMA_VERSION = 1;

/**
 * A flag as a bundle carries it: the validated flag minus the fields only
 * people read (see METADATA_FIELDS). Kept open (an index signature) because
 * every evaluation field a newer flag model adds travels as it is.
 */
export interface BundleFlag {
  key: string;
  type: string;
  defaultValue: JsonValue;
  enabled: boolean;
  rules: unknown[];
  [field: string]: unknown;
}

export interface Bundle {
  schemaVersion: number;
  /** Content hash of everything below: equal bundles have equal versions. */
  version: string;
  /** The environment the bundle serves (its default `context.environment`); null: no default. */
  environment: string | null;
  flags: Record<string, BundleFlag>;
  /** Reusable audiences referenced by flags, by key (empty until the model has segments). */
  segments: Record<string, unknown>;
}

/**
 * Fields a person reads but evaluation never does. A denylist rather than a
 * list of evaluation fields, so a field added to the flag model for evaluation
 * reaches bundles without touching this file.
 */
export const METADATA_FIELDS: readonly string[] = ['name', 'description', 'tags', 'owner', 'createdAt', 'updatedAt'];

/** Why a document is not a bundle this reader can serve. */
export class BundleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleFormatError';
  }
}


/**
 * Checks the shape of a parsed bundle: the envelope strictly, each flag only as
 * far as the evaluator needs to tell it apart (a flag whose rules do not
 * compile is served as PARSE_ERROR by the evaluator, like an invalid file).
 */
export function parseBundle(doc: unknown): Bundle {
  if (!isPlainObject(doc)) throw new BundleFormatError('a bundle is a JSON object');
  if (doc.schemaVersion !== BUNDLE_SCHEMA_VERSION) {
    throw new BundleFormatError(`unsupported bundle schemaVersion ${JSON.stringify(doc.schemaVersion)} (this reader understands ${BUNDLE_SCHEMA_VERSION}; upgrade flagyard)`);
  }
  if (typeof doc.version !== 'string' || doc.version === '') throw new BundleFormatError('bundle "version" must be a non-empty string');
  if (doc.environment !== null && typeof doc.environment !== 'string') throw new BundleFormatError('bundle "environment" must be a string or null');
  if (!isPlainObject(doc.flags)) throw new BundleFormatError('bundle "flags" must be an object keyed by flag key');
  if (doc.segments !== undefined && !isPlainObject(doc.segments)) throw new BundleFormatError('bundle "segments" must be an object keyed by segment key');
  for (const [key, flag] of Object.entries(doc.flags)) {
    if (!isPlainObject(flag) || flag.key !== key) throw new BundleFormatError(`bundle flag "${key}" must be an object whose "key" is "${key}"`);
    if (typeof flag.enabled !== 'boolean' || !Array.isArray(flag.rules) || !('defaultValue' in flag)) {
      throw new BundleFormatError(`bundle flag "${key}" lacks "enabled", "rules" or "defaultValue"`);
    }
  }
  return {
    schemaVersion: doc.schemaVersion,
    version: doc.version,
    environment: doc.environment as string | null,
    flags: doc.flags as Record<string, BundleFlag>,
    segments: (doc.segments ?? {}) as Record<string, unknown>,
  };
}
