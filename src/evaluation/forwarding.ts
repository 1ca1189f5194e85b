/**
 * An evaluator that answers through whichever evaluator is current: the
 * directory and bundle evaluators build a new one on each reload and swap it
 * in, and the object the application holds keeps working. Pure.
 */
import type { FlagEvaluator } from './evaluator.js';

export function forwardingEvaluator(current: () => FlagEvaluator): FlagEvaluator {
  return {
    evaluate: (key, context, defaultValue) => current().evaluate(key, context, defaultValue),
    isEnabled: (key, context) => current().isEnabled(key, context),
    getBoolean: (key, context, d) => current().getBoolean(key, context, d),
    getString: (key, context, d) => current().getString(key, context, d),
    getNumber: (key, context, d) => current().getNumber(key, context, d),
    getJson: (key, context, d) => current().getJson(key, context, d),
    evaluateAll: (context) => current().evaluateAll(context),
    keys: () => current().keys(),
  };
}
