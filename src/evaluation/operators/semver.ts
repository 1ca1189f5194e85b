/**
 * semver_gt / semver_lt / semver_eq / semver_gte / semver_lte: node-semver
 * precedence (prerelease below its release, build metadata ignored).
 */
// The two modules used, not the package index: the index loads every range
// and comparison helper, which triples the load time of \`flagyard/runtime\`.
import parse from 'semver/functions/parse.js';
import type SemVer from 'semver/classes/semver.js';
import { wrongValue } from './problems.js';
import type { OperatorFamily, ValueTest } from './types.js';

/**
 * A parsed version as the public API shows it: node-semver's SemVer, described
 * here so the published declarations need no `semver` types (SPEC 5).
 */
export interface ParsedVersion {
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: ReadonlyArray<string | number>;
  /** -1, 0 or 1: precedence against another version (build metadata ignored). */
  compare(other: ParsedVersion | string): -1 | 0 | 1;
}

const PARTIAL = /^v?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a version as node-semver does (strict mode: surrounding whitespace
 * trimmed, one leading `v` allowed), after completing the partial forms.
 * Why complete `1` and `1.2`: app versions are often written short in
 * contexts and rules ("ios 17", "2.1"), and node-semver rejects them; reading
 * them as 1.0.0 and 1.2.0 is what an author means. Only these two forms are
 * completed: `1.2-beta` stays invalid rather than guessing.
 * Returns null when the value is not a version.
 */
export function parseSemver(value: string): ParsedVersion | null {
  const trimmed = value.trim();
  const partial = PARTIAL.exec(trimmed);
  return parse(partial ? `${partial[1]}.${partial[2] ?? '0'}.0` : trimmed);
}

const ACCEPT = {
  semver_gt: (o: number) => o > 0,
  semver_lt: (o: number) => o < 0,
  semver_eq: (o: number) => o === 0,
  semver_gte: (o: number) => o >= 0,
  semver_lte: (o: number) => o <= 0,
};
export type SemverOperator = keyof typeof ACCEPT;

/**
 * Why an unparseable attribute is false under every operator (there is no
 * negated semver operator, but `semver_lt` is not "not semver_gte"): a
 * garbage version is neither older nor newer than anything, so it can never be
 * targeted by accident.
 */
export function semverTest(operator: SemverOperator, expected: ParsedVersion): ValueTest {
  const accept = ACCEPT[operator];
  return (actual) => {
    if (typeof actual !== 'string') return false;
    const v = parseSemver(actual);
    return v !== null && accept(v.compare(expected));
  };
}

/** The next patch release, as node-semver's inc('patch') gives it: 1.2.3 → 1.2.4, a prerelease 1.2.3-beta → its release 1.2.3. */
function nextPatch(v: ParsedVersion): string {
  return `${v.major}.${v.minor}.${v.prerelease.length === 0 ? v.patch + 1 : v.patch}`;
}

/** The release just below `v` (1.2.3 → 1.2.2, 1.2.0 → 1.1.999, 1.0.0 → 0.999.999), or null below 0.0.1. */
function previous(v: ParsedVersion): string | null {
  if (v.patch > 0) return `${v.major}.${v.minor}.${v.patch - 1}`;
  if (v.minor > 0) return `${v.major}.${v.minor - 1}.999`;
  return v.major > 0 ? `${v.major - 1}.999.999` : null;
}

export const semver: OperatorFamily<SemverOperator> = {
  names: ['semver_gt', 'semver_lt', 'semver_eq', 'semver_gte', 'semver_lte'],
  subject: 'attribute',
  checkValue(operator, value) {
    if (typeof value !== 'string') return wrongValue(operator, 'a version string', value);
    return parseSemver(value) !== null
      ? null
      : { code: 'INVALID_SEMVER', message: `${JSON.stringify(value)} is not a valid semantic version (e.g. 1.4.0, 2.0.0-beta.1, 1.2)` };
  },
  compile: (operator, value) => ({ kind: 'positive', test: semverTest(operator, parseSemver(value as string)!) }),
  sampleValues(_operator, value) {
    const v = typeof value === 'string' ? parseSemver(value) : null;
    if (!v) return { listed: [], around: [], scale: 'version' };
    const below = previous(v);
    return { listed: [v.version, nextPatch(v)], around: [...(below ? [below] : []), v.version, nextPatch(v)], scale: 'version' };
  },
};
