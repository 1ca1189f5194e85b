/**
 * Helpers the families' sampleValues share: a value outside a list, and the
 * step just beside a decimal number.
 */
import type { SampleValue } from './types.js';

/** A value of the listed values' kind that is none of them: one above the numbers, the other boolean, or "other". */
export function otherThan(listed: readonly SampleValue[]): SampleValue {
  if (listed.length > 0 && listed.every((x) => typeof x === 'number')) return Math.max(...(listed as number[])) + 1;
  if (listed.length > 0 && listed.every((x) => typeof x === 'boolean')) return !listed[0];
  let candidate = 'other';
  for (let i = 2; listed.includes(candidate); i++) candidate = `other-${i}`;
  return candidate;
}

/** The numbers just below and above `n` at its own precision (up to 6 decimals), and `n` itself. */
export function aroundNumber(n: number): number[] {
  const step = Number.isInteger(n) ? 1 : 10 ** -decimals(n);
  return [round(n - step), n, round(n + step)];
}

function decimals(n: number): number {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : Math.min(6, s.length - dot - 1);
}

function round(n: number): number {
  return Number(n.toFixed(6));
}
