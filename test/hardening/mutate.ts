/**
 * A deterministic mutator for flag files: a seeded PRNG and a list of named
 * corruptions (deleted spans, YAML punctuation, swapped lines, wrong scalar
 * types, NUL bytes, tabs, unicode, …). Case `i` of seed `s` always produces
 * the same text, so a failure is reproduced with FUZZ_SEED=s FUZZ_ONLY=i.
 */

import { rng } from '../helpers/rng.js';

/** mulberry32 (small, fast, good enough to pick mutations). */
export { rng };

/** The PRNG of case `index` of run `seed`, independent of the other cases. */
export function caseRng(seed: number, index: number): () => number {
  return rng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, list: readonly T[]): T => list[int(r, list.length)];

const PUNCTUATION = [': ', ':', '- ', '-', '[', ']', '{', '}', ',', '&a ', '*a', '*missing', '!!', '!!binary ', '!!str ', '!!int ', '!custom ', '|', '>', '|-\n', "'", '"', '#', '? ', '---\n', '...\n', '%YAML 1.2\n---\n', '<<: *a\n', '@', '`', '&', '*', '!', '\n', '  ', '\\', '"\\x', '"\\u12', '{a: 1, a: 2}'];

const WRONG_SCALARS = ['true', 'false', '42', '-1', '0', '1e999', '-1e999', '.nan', '.inf', '-.inf', 'null', '~', '[]', '{}', '"str"', "''", '0x1F', '0o17', '2024-01-01', '2024-01-01T00:00:00Z', '!!binary aGVsbG8=', '*undefined_alias', '&anch x', '[1, [2, [3]]]', '{a: {b: {c: 1}}}', '"\\0"', '"\\e[2J"', 'ñandú', '123456789012345678901234567890', '-0', '1_000', '+12', '.5', '"__proto__"', '{__proto__: {polluted: true}}', '{constructor: {prototype: {polluted: true}}}', '[a, b, c]', '"a\\u0000b"', '>-\n  folded\n  text'];

const UNICODE = ['\u2028', '\u2029', '\u0085', '\uFEFF', '\uD800', '\uDC00', '😀', '\u202E', '\u00A0', '\u0301', 'Ω', '\u200B', '\uFFFE', '\uFFFF', '\u0000', '\u0007', '\u001b', '\u007f', '\r', '\t', '\v', '\f'];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '<<'];

export interface Mutation {
  name: string;
  apply(text: string, r: Rand): string;
}

function lines(text: string): string[] {
  return text.split('\n');
}

export const MUTATIONS: Mutation[] = [
  {
    name: 'delete-span',
    apply: (t, r) => {
      const at = int(r, t.length + 1);
      return t.slice(0, at) + t.slice(at + 1 + int(r, 40));
    },
  },
  {
    name: 'insert-punctuation',
    apply: (t, r) => {
      const at = int(r, t.length + 1);
      return t.slice(0, at) + pick(r, PUNCTUATION) + t.slice(at);
    },
  },
  {
    name: 'swap-lines',
    apply: (t, r) => {
      const ls = lines(t);
      const i = int(r, ls.length);
      const j = int(r, ls.length);
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('\n');
    },
  },
  {
    name: 'duplicate-line',
    apply: (t, r) => {
      const ls = lines(t);
      const i = int(r, ls.length);
      ls.splice(i, 0, ls[i]);
      return ls.join('\n');
    },
  },
  {
    name: 'wrong-scalar',
    apply: (t, r) => {
      const ls = lines(t);
      const candidates = ls.map((l, i) => (/:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (candidates.length === 0) return t;
      const i = pick(r, candidates);
      ls[i] = ls[i].replace(/:(\s*)\S.*$/, `:$1${pick(r, WRONG_SCALARS)}`);
      return ls.join('\n');
    },
  },
  {
    name: 'nul-byte',
    apply: (t, r) => {
      const at = int(r, t.length + 1);
      return t.slice(0, at) + '\u0000' + t.slice(at);
    },
  },
  {
    name: 'tab-indent',
    apply: (t, r) => {
      const ls = lines(t);
      const indented = ls.map((l, i) => (/^ +/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (indented.length === 0) return '\t' + t;
      const i = pick(r, indented);
      ls[i] = ls[i].replace(/^ {1,2}/, '\t');
      return ls.join('\n');
    },
  },
  {
    name: 'unicode',
    apply: (t, r) => {
      const at = int(r, t.length + 1);
      return t.slice(0, at) + pick(r, UNICODE) + t.slice(at);
    },
  },
  {
    name: 'reindent',
    apply: (t, r) => {
      const ls = lines(t);
      const i = int(r, ls.length);
      ls[i] = r() < 0.5 ? ' '.repeat(1 + int(r, 6)) + ls[i] : ls[i].replace(/^ {1,4}/, '');
      return ls.join('\n');
    },
  },
  {
    name: 'truncate',
    apply: (t, r) => t.slice(0, int(r, t.length + 1)),
  },
  {
    name: 'hostile-key',
    apply: (t, r) => {
      const ls = lines(t);
      const i = int(r, ls.length + 1);
      const indent = (ls[Math.min(i, ls.length - 1)] ?? '').match(/^\s*(- )?/)?.[0].replace('- ', '  ') ?? '';
      ls.splice(i, 0, `${indent}${pick(r, HOSTILE_KEYS)}: ${pick(r, WRONG_SCALARS)}`);
      return ls.join('\n');
    },
  },
  {
    name: 'line-endings',
    apply: (t, r) => (r() < 0.5 ? t.replace(/\n/g, '\r\n') : t.replace(/\n/g, (m) => (r() < 0.2 ? '\r' : m))),
  },
  {
    name: 'control-bytes',
    apply: (t, r) => {
      let s = '';
      for (let n = 1 + int(r, 8); n > 0; n--) s += String.fromCharCode(int(r, 32));
      const at = int(r, t.length + 1);
      return t.slice(0, at) + s + t.slice(at);
    },
  },
  {
    name: 'bom',
    apply: (t) => '\uFEFF' + t,
  },
  {
    name: 'anchor-alias',
    apply: (t, r) => {
      const ls = lines(t);
      const withValue = ls.map((l, i) => (/:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
      if (withValue.length < 2) return t;
      const a = pick(r, withValue);
      const b = pick(r, withValue);
      ls[a] = ls[a].replace(/:(\s*)/, ':$1&x ');
      ls[b] = ls[b].replace(/:(\s*)\S.*$/, ':$1*x');
      return ls.join('\n');
    },
  },
];

/** Applies 1–3 random mutations; returns the text and their names. */
export function mutate(text: string, r: Rand): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  for (let n = 1 + int(r, 3); n > 0; n--) {
    const m = pick(r, MUTATIONS);
    out = m.apply(out, r);
    applied.push(m.name);
  }
  return { text: out, applied };
}
