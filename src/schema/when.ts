/**
 * The `--when` condition language of `flags rule add` (SPEC 6):
 * `ATTR OP VALUE`, VALUE written as YAML flow (`tenant.type in [pro, enterprise]`,
 * `app.version semver_gte 2.3.0`, `user.email regex '@corp\.com$'`,
 * `device.id exists`, `in_segment [beta-testers]`). Pure: text in, a
 * condition out, or an error naming the offending token and its column.
 */
import { parseDocument } from 'yaml';
import { FlagsError } from '../errors.js';
import { conditionValueProblem, familyOf, type OperatorFamily } from '../evaluation/operators/index.js';
import { existence } from '../evaluation/operators/existence.js';
import { semver } from '../evaluation/operators/semver.js';
import { CONDITION_OPERATORS, isSegmentOperator, type Condition, type Operator } from './flag.js';
import { didYouMean } from './suggest.js';

export class WhenSyntaxError extends FlagsError {
  constructor(input: string, column: number, message: string) {
    super('INVALID_CONDITION', `--when ${JSON.stringify(input)}: column ${column}: ${message}`);
    this.name = 'WhenSyntaxError';
  }
}

/** Operators are known by their family in the operator registry (one home): which take no value, which a version. */
const familyIs = (op: string, family: OperatorFamily) => familyOf(op as Operator) === family;

export function parseWhen(input: string): Condition {
  const tokens: { text: string; start: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  // Only the first two tokens are split on blanks: the value is the rest, as written.
  while (tokens.length < 2 && (m = re.exec(input)) !== null) tokens.push({ text: m[0], start: m.index });
  if (tokens.length === 0) throw new WhenSyntaxError(input, 1, 'empty condition; write ATTR OP VALUE, e.g. "tenant.type in [pro, enterprise]"');
  const ops = CONDITION_OPERATORS as readonly string[];

  if (isSegmentOperator(tokens[0].text)) {
    const op = tokens[0].text;
    const rest = input.slice(tokens[0].start + op.length);
    const valueAt = tokens[0].start + op.length + (rest.length - rest.trimStart().length);
    if (rest.trim() === '') throw new WhenSyntaxError(input, valueAt + 1, `${op} needs a list of segment keys, e.g. "${op} [beta-testers]"`);
    const value = parseValue(input, rest.trim(), valueAt);
    const keys = Array.isArray(value) ? value : [value];
    if (keys.length === 0 || !keys.every((k) => typeof k === 'string' && k !== '')) {
      throw new WhenSyntaxError(input, valueAt + 1, `${op} needs segment keys, e.g. [beta-testers, staff]`);
    }
    return { operator: op, value: keys as string[] };
  }

  const [attr, opToken] = tokens;
  if (ops.includes(attr.text)) throw new WhenSyntaxError(input, attr.start + 1, `"${attr.text}" is an operator; the attribute comes first: ATTR ${attr.text} VALUE`);
  if (!opToken) throw new WhenSyntaxError(input, input.length + 1, `missing operator after "${attr.text}" (one of ${ops.join(', ')})`);
  const bad = attr.text.split('.').find((s) => s === '' || s === '__proto__' || s === 'constructor' || s === 'prototype');
  if (bad !== undefined) throw new WhenSyntaxError(input, attr.start + 1, `"${attr.text}" is not an attribute path (dot-separated names such as tenant.type)`);
  const op = opToken.text;
  if (!ops.includes(op)) throw new WhenSyntaxError(input, opToken.start + 1, `unknown operator "${op}"${didYouMean(op, ops)}; operators: ${ops.join(', ')}`);
  if (isSegmentOperator(op)) throw new WhenSyntaxError(input, attr.start + 1, `${op} takes no attribute: write "${op} [segment-key]"`);
  const restRaw = input.slice(opToken.start + op.length);
  const valueAt = opToken.start + op.length + (restRaw.length - restRaw.trimStart().length);
  const rest = restRaw.trim();
  if (familyIs(op, existence)) {
    if (rest !== '') throw new WhenSyntaxError(input, valueAt + 1, `${op} takes no value; remove "${rest}"`);
    return { attribute: attr.text, operator: op as Operator };
  }
  if (rest === '') throw new WhenSyntaxError(input, valueAt + 1, `${op} needs a value after it`);
  let value = parseValue(input, rest, valueAt);
  // `semver_gte 2.3` reads as the number 2.3 in YAML; a version is meant.
  if (familyIs(op, semver) && typeof value === 'number' && /^[\d.]+$/.test(rest)) value = rest;
  const problem = conditionValueProblem(op as Operator, value);
  if (problem) throw new WhenSyntaxError(input, valueAt + 1, problem.message);
  return { attribute: attr.text, operator: op as Operator, value: value as Condition['value'] };
}

function parseValue(input: string, text: string, at: number): unknown {
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const col = at + (err.pos?.[0] ?? 0) + 1;
    throw new WhenSyntaxError(input, col, `the value ${JSON.stringify(text)} is not valid YAML flow (${err.message.split('\n')[0]}); quote it: '…'`);
  }
  const v = doc.toJS() as unknown;
  if (v === null && text !== 'null' && text !== '~') throw new WhenSyntaxError(input, at + 1, `missing value`);
  return v;
}
