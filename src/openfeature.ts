/**
 * `flagyard/openfeature`: an OpenFeature server provider (SPEC 7) for
 * `@openfeature/server-sdk`, over the flags directory, a bundle or a URL.
 * See docs/serving.md.
 */
export { FlagyardProvider, type FlagyardProviderOptions } from './openfeature/provider.js';
export { toEvaluationContext, toOpenFeatureResult, type OpenFeatureResult } from './openfeature/mapping.js';
