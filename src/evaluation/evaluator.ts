/**
 * The evaluator object applications hold: a flag set compiled once, evaluated
 * by key, with OpenFeature-style typed helpers. Pure: it never reads files;
 * the store builds a new one when the files change.
 */
import { FlagsError } from '../errors.js';
import type { Flag, JsonValue } from '../schema/flag.js';
import { compileFlag, type CompiledFlag } from './compile.js';
import { compileSegments } from './conditions.js';
import type { SegmentsInput } from './segments.js';
import { evaluateCompiled } from './evaluate.js';
import type { ErrorCode, EvaluationContext, EvaluationResult } from './types.js';

export interface FlagEvaluatorOptions {
  /**
   * Keys of flags that exist but failed validation: they are not served
   * (reason ERROR, errorCode PARSE_ERROR), even when also given in `flags`.
   */
  invalid?: Iterable<string>;
  /**
   * The segments `in_segment` / `not_in_segment` refer to (SPEC 6): a list, a
   * key → segment map, or a table from compileSegments. Each segment is
   * compiled once for all the flags that use it. A flag that refers to a
   * segment missing here is not served (PARSE_ERROR).
   */
  segments?: SegmentsInput;
}

export interface FlagEvaluator {
  /**
   * The flag's value and why. An unknown key gives `defaultValue` (else
   * undefined) with FLAG_NOT_FOUND; an invalid one the same with PARSE_ERROR.
   */
  evaluate<D extends JsonValue | undefined = undefined>(
    key: string,
    context?: EvaluationContext,
    defaultValue?: D,
  ): EvaluationResult<JsonValue | D>;
  /** True only when the value is the boolean `true`; false for errors. */
  isEnabled(key: string, context?: EvaluationContext): boolean;
  /** The caller's default, with TYPE_MISMATCH, when the value is not a boolean. */
  getBoolean(key: string, context: EvaluationContext | undefined, defaultValue: boolean): EvaluationResult<boolean>;
  /** The caller's default, with TYPE_MISMATCH, when the value is not a string. */
  getString(key: string, context: EvaluationContext | undefined, defaultValue: string): EvaluationResult<string>;
  /** The caller's default, with TYPE_MISMATCH, when the value is not a number. */
  getNumber(key: string, context: EvaluationContext | undefined, defaultValue: number): EvaluationResult<number>;
  /**
   * The caller's default, with TYPE_MISMATCH, when the value is not a JSON
   * object, array or null (a string or number flag is read with getString or
   * getNumber). The shape inside is not checked: `T` is the caller's claim.
   */
  getJson<T extends JsonValue>(key: string, context: EvaluationContext | undefined, defaultValue: T): EvaluationResult<T>;
  /** Every flag for one context, keyed by flag key, invalid flags included. */
  evaluateAll(context?: EvaluationContext): Record<string, EvaluationResult<JsonValue | undefined>>;
  /** Every key the evaluator knows (served or invalid), in the order given. */
  keys(): string[];
}

/**
 * Compiles a flag set once into an evaluator. A key given twice is served from
 * neither place (PARSE_ERROR, SPEC 1.1), as is a flag whose conditions do not
 * compile (validation reports those; the evaluator refuses to guess).
 */
/** An object, or nothing (an omitted context is the empty one). */
export function isContext(context: unknown): context is EvaluationContext | undefined {
  return context === undefined || (context !== null && typeof context === 'object' && !Array.isArray(context));
}

/**
 * The one copy V8 keeps of a string used as a property name (any string
 * spelled the same gives the same object).
 *
 * Why the evaluator keys its table by it: a Map lookup whose key is the very
 * object stored compares one pointer; any other string spelled the same is
 * compared character by character on every call. Keys parsed from YAML or
 * from a bundle's JSON values are copies nobody else holds, while the keys
 * callers pass are literals (internalized by the engine) or strings from
 * keys(): with the table keyed by the internalized copy, both hit the fast
 * path, whichever file or bundle the flags came from (measured ~100 ns per
 * evaluation, docs/performance.md). Object.keys returns the names V8 stored,
 * which are internalized; a null-prototype object, so `__proto__` is a name
 * like any other. Other engines just get an equal string back.
 */
export function internalized(s: string): string {
  const holder: Record<string, 0> = Object.create(null);
  holder[s] = 0;
  return Object.keys(holder)[0];
}

export function createFlagEvaluator(flags: Iterable<Flag>, options: FlagEvaluatorOptions = {}): FlagEvaluator {
  const compiled = new Map<string, CompiledFlag>();
  const invalid = new Set<string>();
  for (const key of options.invalid ?? []) invalid.add(internalized(key));
  const order: string[] = [];
  const note = (key: string) => {
    if (!compiled.has(key) && !invalid.has(key)) order.push(key);
  };
  for (const key of invalid) order.push(key);
  const segments = options.segments === undefined ? undefined : compileSegments(options.segments);
  for (const flag of flags) {
    const key = internalized(flag.key);
    note(key);
    if (invalid.has(key)) continue;
    if (compiled.has(key)) {
      compiled.delete(key);
      invalid.add(key);
      continue;
    }
    try {
      compiled.set(key, compileFlag(flag, { segments }));
    } catch (e) {
      if (!(e instanceof FlagsError)) throw e;
      invalid.add(key);
    }
  }

  const error = <T>(value: T, errorCode: ErrorCode): EvaluationResult<T> => ({ value, reason: 'ERROR', errorCode });

  function evaluateKey<D extends JsonValue | undefined>(key: string, context?: EvaluationContext, defaultValue?: D): EvaluationResult<JsonValue | D> {
    const flag = compiled.get(key);
    if (flag !== undefined) {
      // Whatever the caller passes (null, a string, an object whose getters
      // throw, a Proxy), evaluation answers: the caller's default, INVALID_CONTEXT.
      if (!isContext(context)) return error(defaultValue as D, 'INVALID_CONTEXT');
      try {
        return evaluateCompiled(flag, context);
      } catch {
        return error(defaultValue as D, 'INVALID_CONTEXT');
      }
    }
    return error(defaultValue as D, invalid.has(key) ? 'PARSE_ERROR' : 'FLAG_NOT_FOUND');
  }

  const typed = <T extends JsonValue>(accepts: (v: JsonValue) => boolean) =>
    (key: string, context: EvaluationContext | undefined, defaultValue: T): EvaluationResult<T> => {
      const result = evaluateKey(key, context, defaultValue);
      if (result.reason === 'ERROR') return result as EvaluationResult<T>;
      return accepts(result.value) ? (result as EvaluationResult<T>) : error(defaultValue, 'TYPE_MISMATCH');
    };

  // null is typeof 'object': a json flag may serve null as "no configuration".
  const getJson = typed<JsonValue>((v) => typeof v === 'object');

  return {
    // evaluateKey itself, not a wrapper: one call less on the hot path.
    evaluate: evaluateKey,
    isEnabled: (key, context) => evaluateKey(key, context, undefined).value === true,
    getBoolean: typed<boolean>((v) => typeof v === 'boolean'),
    getString: typed<string>((v) => typeof v === 'string'),
    getNumber: typed<number>((v) => typeof v === 'number'),
    getJson: getJson as FlagEvaluator['getJson'],
    evaluateAll: (context) => {
      const out: Record<string, EvaluationResult<JsonValue | undefined>> = {};
      // defineProperty: a key is data, even one spelled like `__proto__`.
      for (const key of order) Object.defineProperty(out, key, { value: evaluateKey(key, context, undefined), enumerable: true, writable: true, configurable: true });
      return out;
    },
    keys: () => order.slice(),
  };
}
