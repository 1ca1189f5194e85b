/**
 * regex: RE2 syntax, unanchored, on strings only.
 * Why RE2 (re2js) and not RegExp: patterns come from flag files anyone can
 * edit, and evaluation runs inside request paths. A backtracking engine lets a
 * pattern like `(a+)+$` take exponential time on `aaaa…!`; RE2 matches in time
 * linear in the input, at the price of rejecting lookaround and backreferences
 * (reported by validation through regexProblem).
 */
import * as re2js from 're2js';
import { RE2JS } from 're2js';
import { wrongValue } from './problems.js';
import type { OperatorFamily, ValueTest } from './types.js';

/**
 * RE2 is linear in the input but not in the pattern: one step of the match
 * costs up to the size of the compiled program, and a counted repetition
 * copies its body (`.{1000}`, 7 characters, is 1,000 instructions). So a
 * pattern is bounded (MAX_REGEX_PROGRAM instructions, and MAX_REGEX_LENGTH
 * characters before it is even compiled), and so is the work of one match
 * (REGEX_COST_BUDGET: program size × input length). Measured worst cases at
 * the bounds finish in about 0.2 s on a 1 MB input (docs/reliability.md).
 */
export const MAX_REGEX_PROGRAM = 300;
/** A longer pattern is refused without compiling it (compiling costs time too). */
export const MAX_REGEX_LENGTH = 1000;
/**
 * Program size × input length (UTF-16 units) one match may cost: about 4 million.
 * A longer input does not match (as a value that is not a string does not):
 * with a 10-instruction pattern that is 419,430 characters.
 */
export const REGEX_COST_BUDGET = 2 ** 22;

/** How validation words a pattern over the size bound (the rest is RE2's syntax message). */
export const REGEX_TOO_LARGE = 'too large';

/** Compiles an RE2 pattern; throws the re2js syntax error when it is invalid or too large. */
export function compileRegex(pattern: string): RE2JS {
  const problem = regexProblem(pattern);
  if (problem !== null) throw new Error(problem);
  return RE2JS.compile(pattern);
}

const UNSUPPORTED: [RegExp, string][] = [
  [/\(\?<[=!]/, 'lookbehind is'],
  [/\(\?[=!]/, 'lookahead is'],
  [/\\[1-9]/, 'backreferences are'],
];

export function regexTest(re: RE2JS): ValueTest {
  // Inputs beyond the budget are not searched: an attacker-sized attribute
  // (a 1 MB user agent) must not cost a service seconds per evaluation.
  const maxInput = Math.floor(REGEX_COST_BUDGET / Math.max(1, re.programSize()));
  // test() is the unanchored search (like RegExp#test) on the DFA, without a Matcher.
  return (actual) => typeof actual === 'string' && actual.length <= maxInput && re.test(actual);
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
const re2Exports: Partial<typeof re2js> = re2js;
const regexProblems = new Map<string, string | null>();

function findRegexProblem(pattern: string): string | null {
  const limit = `the limit is ${MAX_REGEX_PROGRAM} instructions, and a counted repetition such as .{100} copies its body that many times`;
  if (pattern.length > MAX_REGEX_LENGTH) return `${REGEX_TOO_LARGE}: ${pattern.length} characters, the limit is ${MAX_REGEX_LENGTH}`;
  // Every repetition of a non-empty body costs at least one instruction, so
  // counts adding up far beyond the bound need no compiling to be refused.
  let counted = 0;
  for (const m of pattern.matchAll(/(?<!\\)\{(\d+)(?:,(\d*))?\}/g)) counted += Math.max(Number(m[1]), Number(m[2] || 0));
  if (counted > 4 * MAX_REGEX_PROGRAM) return `${REGEX_TOO_LARGE}: its repeat counts add up to ${counted}; ${limit}`;
  try {
    // Parsing alone finds every syntax error (RE2Set.add: the same parser and flags as compile, a third of the cost). A pattern
    // of ≤ 64 characters without a counted repetition compiles to at most 3 instructions a character (+2): far below the bound.
    // (The serving bundles load re2js lazily through a shim without RE2Set: they compile.)
    const ParseOnly = re2Exports.RE2Set;
    if (ParseOnly !== undefined && pattern.length <= 64 && !pattern.includes('{')) {
      new ParseOnly().add(pattern);
      return null;
    }
    const size = RE2JS.compile(pattern).programSize();
    return size > MAX_REGEX_PROGRAM ? `${REGEX_TOO_LARGE}: it compiles to ${size} instructions; ${limit}` : null;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
    // RE2's own words name the symptom (a lookbehind reads as "invalid named
    // capture"); say which unsupported feature the author reached for.
    const hint = UNSUPPORTED.find(([re]) => re.test(pattern));
    return hint ? `${why} (${hint[1]} not supported: RE2 matches in linear time)` : why;
  }
}

export const regex: OperatorFamily<'regex'> = {
  names: ['regex'],
  subject: 'attribute',
  checkValue(operator, value) {
    if (typeof value !== 'string') return wrongValue(operator, 'a pattern string', value);
    const why = regexProblem(value);
    if (why === null) return null;
    const what = why.startsWith(REGEX_TOO_LARGE) ? 'is' : 'is not valid RE2 syntax:';
    return { code: 'INVALID_REGEX', message: `regex ${JSON.stringify(value)} ${what} ${why}` };
  },
  compile: (_operator, value) => ({ kind: 'positive', test: regexTest(compileRegex(value as string)) }),
  // A value matching an arbitrary pattern cannot be derived here; only a non-matching one.
  sampleValues: () => ({ listed: [], around: [''], note: 'regex conditions: only values listed elsewhere and non-matching values are sampled' }),
};
