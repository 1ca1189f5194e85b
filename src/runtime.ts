/**
 * `flagyard/runtime`: evaluate flags from a bundle built by `flags build`
 * (SPEC 7), with the library's own evaluator and without its YAML parser or
 * validator, so services pay little to load it. See docs/serving.md and the
 * API list in docs/api.md.
 */
export { createBundleEvaluator, BundleLoadError, MAX_BUNDLE_BYTES, type BundleEvaluator, type BundleEvaluatorOptions } from './store/bundle-source.js';
export { parseBundle, BundleFormatError, BUNDLE_SCHEMA_VERSION, type Bundle, type BundleFlag } from './bundle/format.js';
// The result vocabulary (reasons, error codes, their OpenFeature names): that
// module is public as a whole; test/api-docs.test.ts fails on any export of it
// docs/api.md does not describe.
export * from './evaluation/types.js';
export type { FlagEvaluator } from './evaluation/index.js';
export type { JsonValue } from './schema/flag.js';
