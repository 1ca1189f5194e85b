/**
 * `flagyard/runtime`: evaluate flags from a bundle built by `flags build`
 * (SPEC 7), with the library's own evaluator and without its YAML parser or
 * validator, so services pay little to load it. See docs/serving.md.
 */
export { createBundleEvaluator, BundleLoadError, MAX_BUNDLE_BYTES, type BundleEvaluator, type BundleEvaluatorOptions } from './store/bundle-source.js';
export { createBundleFlagEvaluator, type BundleFlagEvaluatorOptions } from './bundle/evaluator.js';
export { parseBundle, BundleFormatError, BUNDLE_SCHEMA_VERSION, type Bundle, type BundleFlag } from './bundle/format.js';
export {
  REASONS,
  ERROR_CODES,
  OPENFEATURE_REASONS,
  toOpenFeatureReason,
  type EvaluationContext,
  type EvaluationResult,
  type Reason,
  type ErrorCode,
  type OpenFeatureReason,
  type FlagEvaluator,
} from './evaluation/index.js';
export type { JsonValue } from './schema/flag.js';
