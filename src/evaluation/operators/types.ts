/**
 * A compiled test of one attribute value. Operators are compiled once per flag
 * load into these closures, so evaluation only runs them.
 *
 * A ValueTest is called with a present value (never undefined or null at the
 * top level; an array element may be anything) and must be total: it returns
 * false for any input outside its operator's domain, never throws.
 */
export type ValueTest = (actual: unknown) => boolean;

/** The scalar values equality operators compare against. */
export type Scalar = string | number | boolean;

export function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
