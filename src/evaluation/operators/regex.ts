/**
 * regex: RE2 syntax, unanchored, on strings only.
 * Why RE2 (re2js) and not RegExp: patterns come from flag files anyone can
 * edit, and evaluation runs inside request paths. A backtracking engine lets a
 * pattern like `(a+)+$` take exponential time on `aaaa…!`; RE2 matches in time
 * linear in the input, at the price of rejecting lookaround and backreferences
 * (reported by validation through regexProblem).
 */
import { RE2JS } from 're2js';
import type { ValueTest } from './types.js';

/** Compiles an RE2 pattern; throws the re2js syntax error when it is invalid. */
export function compileRegex(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}

const UNSUPPORTED: [RegExp, string][] = [
  [/\(\?<[=!]/, 'lookbehind is'],
  [/\(\?[=!]/, 'lookahead is'],
  [/\\[1-9]/, 'backreferences are'],
];

export function regexTest(re: RE2JS): ValueTest {
  // test() is the unanchored search (like RegExp#test) on the DFA, without a Matcher.
  return (actual) => typeof actual === 'string' && re.test(actual);
}

/**
 * Why RE2 rejects a pattern (`missing closing ): \`(abc\``, `invalid or
 * unsupported Perl syntax: \`(?=\``), or null when it compiles.
 */
export function regexProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
    // RE2's own words name the symptom (a lookbehind reads as "invalid named
    // capture"); say which unsupported feature the author reached for.
    const hint = UNSUPPORTED.find(([re]) => re.test(pattern));
    return hint ? `${why} (${hint[1]} not supported: RE2 matches in linear time)` : why;
  }
}
