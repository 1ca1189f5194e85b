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
 * Remembered per pattern: compiling is the dearest validation check (about
 * 0.1 ms), and a repository repeats its patterns (the same e-mail domain in
 * many flags). The memo is deterministic, so the function stays pure.
 */
export function regexProblem(pattern: string): string | null {
  const known = regexProblems.get(pattern);
  if (known !== undefined) return known;
  const problem = findRegexProblem(pattern);
  if (regexProblems.size >= MAX_REMEMBERED_PATTERNS) regexProblems.clear();
  regexProblems.set(pattern, problem);
  return problem;
}

const MAX_REMEMBERED_PATTERNS = 10_000;
const regexProblems = new Map<string, string | null>();

function findRegexProblem(pattern: string): string | null {
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
