/**
 * An evaluator over a bundle: the library's own createFlagEvaluator (one
 * evaluator, so a bundle answers exactly as the YAML files do), plus the
 * bundle's default environment. Pure.
 */
import { compileFlag, compileSegments, createFlagEvaluator, type FlagEvaluator } from '../evaluation/index.js';
import { withDefaultEnvironment } from '../evaluation/default-environment.js';
import type { Flag } from '../schema/flag.js';
import type { Segment } from '../schema/segment.js';
import { BundleFormatError, type Bundle } from './format.js';

export interface BundleFlagEvaluatorOptions {
  /**
   * The default `context.environment`. Must agree with the bundle's own
   * environment when it has one: a bundle built for production no longer holds
   * the overrides of staging.
   */
  environment?: string;
}

/** The environment a bundle is served for, or an error when the option contradicts the bundle. */
export function servedEnvironment(bundle: Bundle, requested: string | undefined): string | undefined {
  if (requested !== undefined && bundle.environment !== null && requested !== bundle.environment) {
    throw new BundleFormatError(`the bundle was built for environment "${bundle.environment}", not "${requested}" (build one with flags build --env ${requested})`);
  }
  return requested ?? bundle.environment ?? undefined;
}

export function createBundleFlagEvaluator(bundle: Bundle, options: BundleFlagEvaluatorOptions = {}): FlagEvaluator {
  const environment = servedEnvironment(bundle, options.environment);
  const flags = Object.values(bundle.flags) as unknown as Flag[];
  // A hand-made or corrupted bundle may hold a flag no validation saw: one
  // that does not compile is served as PARSE_ERROR, like an invalid file,
  // instead of failing the whole bundle.
  // The bundle's segments (SPEC 6), compiled once for every flag that refers to them.
  let segments: ReturnType<typeof compileSegments>;
  try {
    segments = compileSegments(Object.values(bundle.segments) as Segment[]);
  } catch (e) {
    // A hand-made or corrupted bundle: refused whole, so a poller keeps its last good one.
    throw new BundleFormatError(`bundle "segments" cannot be compiled: ${(e as Error).message}`);
  }
  const invalid: string[] = [];
  for (const flag of flags) {
    try {
      compileFlag(flag, { segments });
    } catch {
      invalid.push(flag.key);
    }
  }
  const inner = createFlagEvaluator(flags, { invalid, segments });
  if (environment === undefined) return inner;

  return environment === undefined ? inner : withDefaultEnvironment(inner, environment);
}
