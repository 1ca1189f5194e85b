/**
 * Builds bundles from a validated flag set (SPEC 7 `flags build`). Pure: the
 * command reads the files and writes the results.
 */
import { createHash } from 'node:crypto';
import type { Flag } from '../schema/flag.js';
import { BUNDLE_SCHEMA_VERSION, METADATA_FIELDS, type Bundle, type BundleFlag } from './format.js';

export interface BuildBundleOptions {
  /** The environment to serve; null (default) builds the bundle without one. */
  environment?: string | null;
  /** Segments by key, as validated (none until the flag model has them). */
  segments?: ReadonlyMap<string, unknown>;
}

/**
 * A flag's evaluation fields. With an environment, only that environment's
 * entry of `environments` stays: another environment's override can never
 * apply to a context of this one.
 */
export function bundleFlagOf(flag: Flag, environment: string | null): BundleFlag {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(flag)) {
    if (METADATA_FIELDS.includes(field) || value === undefined) continue;
    out[field] = value;
  }
  // Rule descriptions and variant names are for people too.
  if (Array.isArray(out.rules)) out.rules = (out.rules as Record<string, unknown>[]).map(({ description: _, ...rule }) => rule);
  if (Array.isArray(out.variants)) out.variants = (out.variants as Record<string, unknown>[]).map(({ name: _, ...variant }) => variant);
  if (environment !== null && flag.environments) {
    const own = Object.hasOwn(flag.environments, environment) ? flag.environments[environment] : undefined;
    if (own === undefined) delete out.environments;
    else out.environments = { [environment]: own };
  }
  return out as BundleFlag;
}

/**
 * One bundle. Flags are ordered by key, so the same flags give the same bytes
 * (and `version`) whatever the file layout; `version` is a hash of the content,
 * so a CDN or a poller can compare bundles by it alone.
 */
export function buildBundle(flags: Iterable<Flag>, options: BuildBundleOptions = {}): Bundle {
  const environment = options.environment ?? null;
  const sorted = [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const bundleFlags: Record<string, BundleFlag> = {};
  for (const flag of sorted) bundleFlags[flag.key] = bundleFlagOf(flag, environment);
  const segments: Record<string, unknown> = {};
  for (const key of [...(options.segments?.keys() ?? [])].sort()) segments[key] = options.segments!.get(key);
  const content = { schemaVersion: BUNDLE_SCHEMA_VERSION, environment, flags: bundleFlags, segments };
  const version = 'sha256-' + createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 32);
  return { schemaVersion: BUNDLE_SCHEMA_VERSION, version, environment, flags: bundleFlags, segments };
}

/** The environments named anywhere in the flags, sorted. */
export function environmentsOf(flags: Iterable<Flag>): string[] {
  const names = new Set<string>();
  for (const flag of flags) for (const env of Object.keys(flag.environments ?? {})) names.add(env);
  return [...names].sort();
}

/** The bundle as written to disk: stable, one trailing newline. */
export function renderBundle(bundle: Bundle): string {
  return JSON.stringify(bundle) + '\n';
}
