/**
 * Expiry of temporary flags (issue 20). Pure: "now" is passed in by the
 * store/cli layer, so validation of the same files gives the same findings on
 * any machine and in tests.
 */
import type { Flag } from './flag.js';
import type { Finding } from './checks.js';

const DAY_MS = 86_400_000;

/**
 * The instant a flag expires: a date (`2027-03-01`) means the start of that
 * day in UTC, so the flag is expired on the day it names, on every machine
 * whatever its time zone.
 */
export function expiryInstant(expiresAt: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(expiresAt) ? `${expiresAt}T00:00:00Z` : expiresAt);
}

/** Whole days since a flag expired (0 on the day), or null when it has not (or is permanent). */
export function daysExpired(flag: Pick<Flag, 'expiresAt' | 'temporary'>, now: Date): number | null {
  if (flag.expiresAt === undefined || flag.temporary === false) return null;
  const at = expiryInstant(flag.expiresAt);
  if (!Number.isFinite(at) || now.getTime() < at) return null;
  return Math.floor((now.getTime() - at) / DAY_MS);
}

/** `EXPIRED` (warning) for a temporary flag at or past its `expiresAt`. */
export function checkExpiry(flag: Flag, now: Date): Finding[] {
  const days = daysExpired(flag, now);
  if (days === null) return [];
  const ago = days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
  return [
    {
      code: 'EXPIRED',
      severity: 'warning',
      message: `flag "${flag.key}" expired on ${flag.expiresAt} (${ago}): remove it, move expiresAt, or mark it temporary: false`,
      path: ['expiresAt'],
    },
  ];
}
