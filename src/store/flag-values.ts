/**
 * The one reader of values typed on the command line (SPEC 3): the VALUE of
 * `flags set`, `create --default/--on-value`, `rule add --value`, the
 * percentages of `rollout`, `weights`, `create --rollout`, `rule add
 * --percentage`, and the numbers inside a json value. One grammar and one
 * check for all of them, so a value one command takes is never refused by
 * another, and a bad one gets one clear line naming the field and the value
 * (INVALID_VALUE or USAGE, exit 2) before any file is read or written. The
 * numbers of other options (`experiment plan --mde`, `convert --value`,
 * `results --alpha`, `serve --port`, `rule add --position`) are read with the
 * same grammar (parseNumberOption, readInteger).
 *
 * A number is a decimal literal (`12`, `-3.5`, `.5`, `1e3`; no `0x10`,
 * `1_000`, `Infinity` or `NaN`) that a flag file can hold as typed: nothing
 * that overflows to Infinity, underflows to 0 or loses digits
 * (`99999999999999999999` would be stored as 1e20). `-0` is 0.
 */
import { FlagsError, UsageError } from '../errors.js';
import { hasAtMostTwoDecimals } from '../schema/checks.js';
import { FLAG_TYPES, type FlagType, type JsonValue } from '../schema/flag.js';
import { didYouMean } from '../schema/suggest.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A number read from text, or why it is not one (no reason: it is not a decimal literal at all). */
export type NumberReading = { ok: true; value: number } | { ok: false; reason?: string };

/** Reads a decimal number literal (surrounding blanks ignored), exactly as typed, or says why not. */
export function readNumber(text: string): NumberReading {
  const t = text.trim();
  if (!NUMBER.test(t)) return { ok: false };
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, reason: 'out of range: beyond ±1.8e308' };
  if (canonical(t) !== canonical(String(n))) {
    return { ok: false, reason: n === 0 ? 'out of range: too close to 0, it would be stored as 0' : `more digits than a number holds: it would be stored as ${n}` };
  }
  return { ok: true, value: n === 0 ? 0 : n };
}

/** `-12.50e1` → `-125e0`: sign, significant digits and exponent, so two spellings of one decimal compare equal. */
function canonical(literal: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return literal;
  const fraction = m[3] ?? '';
  let digits = (m[2] + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  let exponent = Number(m[4] ?? 0) - fraction.length;
  const significant = digits.replace(/0+$/, '');
  exponent += digits.length - significant.length;
  digits = significant;
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}

/** `message`, with why the text is not a number when the reader knows (`1e999`: out of range). */
export function withReason(message: string, reading: NumberReading): string {
  return !reading.ok && reading.reason ? `${message} (${reading.reason})` : message;
}

/**
 * A number typed for a command-line option (`--alpha 0.05`, `--value 19.99`):
 * readNumber's grammar, or a usage error (exit 2) naming the option and the
 * value. `expected` says what the option takes, for the message.
 */
export function parseNumberOption(text: string, option: string, expected = 'a number'): number {
  const reading = readNumber(text);
  if (!reading.ok) throw new UsageError(withReason(`${option} must be ${expected}, got "${text}"`, reading));
  return reading.value;
}

/**
 * A whole number from `min` to `max` typed on the command line (`--port 8080`,
 * `--position 2`), in readNumber's grammar (`1e3` is 1000; `0x10`, `8.5` and a
 * number too long to hold are not whole numbers), or undefined: the caller
 * names the option and its range in its own message.
 */
export function readInteger(text: string, min: number, max: number): number | undefined {
  const reading = readNumber(text);
  return reading.ok && Number.isInteger(reading.value) && reading.value >= min && reading.value <= max ? reading.value : undefined;
}

/**
 * A percentage typed on the command line: `25`, `12.5` or `25%`, from 0 to
 * 100 with at most two decimals (what a flag file holds); anything else is a
 * usage error (exit 2), like every bad argument.
 */
export function parsePercentage(text: string, what = 'rollout percentage'): number {
  const reading = readNumber(text.trim().replace(/\s*%$/, ''));
  if (!reading.ok) throw new UsageError(withReason(`${what} must be a number from 0 to 100 (e.g. 25 or 12.5), got "${text}"`, reading));
  const problem = percentageProblem(reading.value, what, text);
  if (problem !== null) throw new UsageError(problem);
  return reading.value;
}

/** Why a typed percentage is not one a flag file holds (0–100, at most two decimals: bucketing resolves 0.01%), or null. */
function percentageProblem(value: number, what: string, text: string): string | null {
  if (value < 0 || value > 100) return `${what} must be a number from 0 to 100 (e.g. 25 or 12.5), got "${text}"`;
  if (!hasAtMostTwoDecimals(value)) return `${what} must have at most two decimals (rollouts resolve 0.01%), got "${text}"`;
  return null;
}

/**
 * A number handed to a library edit (a rollout percentage, a weight): finite,
 * and `-0` is 0, so the file never gets a value it cannot hold.
 */
export function checkNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FlagsError('INVALID_VALUE', `${what} must be a number, got ${String(value)}`);
  return value === 0 ? 0 : value;
}

/** What a field of `flags set` holds, which decides how its VALUE is read. */
export type FieldKind = 'boolean' | 'number' | 'percentage' | 'string' | 'value' | 'type';

/** Parses a command-line value for a field: booleans `true`/`false`, numbers, strings as given, values by the flag's type. */
export function parseFieldValue(field: { kind: FieldKind; display: string }, rawValue: string, flagType: unknown): JsonValue {
  switch (field.kind) {
    case 'boolean':
      if (rawValue === 'true' || rawValue === 'false') return rawValue === 'true';
      throw new FlagsError('INVALID_VALUE', `${field.display} takes true or false, got "${rawValue}"`);
    case 'number':
    case 'percentage': {
      // A percentage may be written `25%`, as `flags rollout` takes it.
      const text = field.kind === 'percentage' ? rawValue.trim().replace(/\s*%$/, '') : rawValue;
      const reading = readNumber(text);
      if (!reading.ok) throw new FlagsError('INVALID_VALUE', withReason(`${field.display} takes a number, got "${rawValue}"`, reading));
      // A percentage's range is known from the field: refused here, as `flags rollout` refuses it, not by the schema after reading the file.
      const problem = field.kind === 'percentage' ? percentageProblem(reading.value, field.display, rawValue) : null;
      if (problem !== null) throw new FlagsError('INVALID_VALUE', problem);
      return reading.value;
    }
    case 'string':
      return rawValue;
    case 'type':
      if ((FLAG_TYPES as readonly string[]).includes(rawValue)) return rawValue;
      throw new FlagsError('INVALID_VALUE', `type must be one of ${FLAG_TYPES.join(', ')}, got "${rawValue}"${didYouMean(rawValue, FLAG_TYPES)}`);
    case 'value':
      if (typeof flagType !== 'string' || !(FLAG_TYPES as readonly string[]).includes(flagType)) {
        throw new FlagsError('INVALID_VALUE', `cannot parse a value for ${field.display}: the flag has no valid type`);
      }
      return parseFlagValue(flagType as FlagType, rawValue, field.display);
  }
}

/** How deep a json value typed on the command line may nest (a flag file needs a handful of levels). */
export const MAX_JSON_DEPTH = 64;

/** A command-line value as a value of a flag type: `true`/`false`, a number, the string as given, or JSON. */
export function parseFlagValue(type: FlagType, rawValue: string, what = 'value'): JsonValue {
  switch (type) {
    case 'boolean':
      if (rawValue === 'true' || rawValue === 'false') return rawValue === 'true';
      throw new FlagsError('INVALID_VALUE', `${what} of a boolean flag must be true or false, got "${rawValue}"`);
    case 'number': {
      const reading = readNumber(rawValue);
      if (reading.ok) return reading.value;
      throw new FlagsError('INVALID_VALUE', withReason(`${what} of a number flag must be a number, got "${rawValue}"`, reading));
    }
    case 'string':
      return rawValue;
    case 'json':
      return parseJsonValue(rawValue, what);
  }
}

function parseJsonValue(rawValue: string, what: string): JsonValue {
  // Outside strings, brackets nest and numbers are whole tokens (checked once the text is known to be JSON).
  const tokens = [...rawValue.matchAll(/"(?:[^"\\]|\\.)*"|[[{]|[\]}]|-?\d[\d.eE+-]*/g)].map((m) => m[0]);
  let depth = 0;
  for (const token of tokens) {
    if (token === '[' || token === '{') {
      // Before parsing: the parser recurses once per level.
      if (++depth > MAX_JSON_DEPTH) throw new FlagsError('INVALID_VALUE', `${what} of a json flag nests deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (token === ']' || token === '}') depth--;
  }
  let value: JsonValue;
  try {
    value = JSON.parse(rawValue, (_key, v: unknown) => (v === 0 ? 0 : v)) as JsonValue;
  } catch (e) {
    throw new FlagsError('INVALID_VALUE', `${what} of a json flag must be JSON (e.g. '{"limit": 3}' or '"text"'), got ${quoted(rawValue)}: ${(e as Error).message}`);
  }
  for (const token of tokens) {
    if (!/^-?\d/.test(token)) continue;
    const reading = readNumber(token);
    if (!reading.ok) throw new FlagsError('INVALID_VALUE', withReason(`${what} of a json flag holds the number ${token}, which a flag file cannot hold`, reading));
  }
  return value;
}

/** A typed value in a message: JSON-quoted, cut short when it is long. */
function quoted(rawValue: string): string {
  return JSON.stringify(rawValue.length > 200 ? `${rawValue.slice(0, 200)}…` : rawValue);
}
