/**
 * An evaluator whose contexts default to one environment: what a bundle built
 * for production, `flags serve --env` or a provider with `environment` serve.
 * The default fills in only when the context names no environment.
 */
import type { FlagEvaluator } from './evaluator.js';
import type { EvaluationContext } from './types.js';

export function withDefaultEnvironment<E extends FlagEvaluator>(inner: E, environment: string): FlagEvaluator {
  const fill = (c: EvaluationContext | undefined): EvaluationContext =>
    c === undefined ? { environment } : c.environment === undefined ? { ...c, environment } : c;
  return {
    evaluate: (key, context, defaultValue) => inner.evaluate(key, fill(context), defaultValue),
    isEnabled: (key, context) => inner.isEnabled(key, fill(context)),
    getBoolean: (key, context, d) => inner.getBoolean(key, fill(context), d),
    getString: (key, context, d) => inner.getString(key, fill(context), d),
    getNumber: (key, context, d) => inner.getNumber(key, fill(context), d),
    getJson: (key, context, d) => inner.getJson(key, fill(context), d),
    evaluateAll: (context) => inner.evaluateAll(fill(context)),
    keys: () => inner.keys(),
  };
}
