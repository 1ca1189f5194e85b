/**
 * parseFlagFileFast (src/schema/flag-file-fast.ts, issue 21) reads a flag
 * file with js-yaml and must return exactly what parseFlagFile (built on
 * `yaml`) returns, for every file it accepts: same form, same data (key
 * order, -0, NaN and prototypes included), same entries with the same
 * positions, and only for files yaml reads without a finding. Anything it
 * cannot vouch for it declines (undefined). These tests try to make it accept
 * something it should not: every YAML file of the repository, generated flag
 * files in every scalar style and layout, random small edits of valid ones,
 * short files of random YAML tokens, and hand-picked edge cases (every
 * counterexample the fuzzing found among them). About 23,000 files a run;
 * FLAG_FUZZ_SCALE=20 runs twenty times as many, FUZZ_STATS=1 prints how many
 * of each kind yaml reads cleanly and the fast reader takes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isDocument, isMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFlagFile, type ParsedFlagFile } from '../../src/schema/flag-file.js';
import { parseFlagFileFast } from '../../src/schema/flag-file-fast.js';
import { FLAG_FIELDS } from '../../src/schema/flag.js';
import { rng } from '../helpers/rng.js';

const FILE = 'flags/some-flags.yaml';
/** FLAG_FUZZ_SCALE=20 runs twenty times as many generated and mutated files (a deeper hunt than every test run can afford). */
const SCALE = Number(process.env.FLAG_FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const ROOT = join(import.meta.dirname, '..', '..');

// ---- the invariant ----

/** Where two values differ (type, Object.is, prototype, own keys in order, property kind), or undefined. */
function dataDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (a === null || b === null || typeof a !== 'object') {
    return Object.is(a, b) ? undefined : `${path}: ${JSON.stringify(a) ?? String(a)} vs ${JSON.stringify(b) ?? String(b)} (${String(a)} / ${String(b)})`;
  }
  const x = a as Record<PropertyKey, unknown>;
  const y = b as Record<PropertyKey, unknown>;
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return `${path}: different prototypes`;
  if (Array.isArray(x) !== Array.isArray(y)) return `${path}: array vs not`;
  const kx = Reflect.ownKeys(x);
  const ky = Reflect.ownKeys(y);
  if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return `${path}: keys ${JSON.stringify(kx.map(String))} vs ${JSON.stringify(ky.map(String))}`;
  for (const k of kx) {
    const dx = Object.getOwnPropertyDescriptor(x, k)!;
    const dy = Object.getOwnPropertyDescriptor(y, k)!;
    if (dx.enumerable !== dy.enumerable || dx.writable !== dy.writable || dx.configurable !== dy.configurable || ('get' in dx) !== ('get' in dy)) {
      return `${path}.${String(k)}: property kinds differ`;
    }
    if (k === 'length' && Array.isArray(x)) continue;
    const d = dataDifference(dx.value, dy.value, `${path}.${String(k)}`);
    if (d) return d;
  }
  return undefined;
}

/** Why the fast reading disagrees with parseFlagFile's, or undefined. */
function disagreement(fast: ParsedFlagFile, ref: ParsedFlagFile): string | undefined {
  if (ref.diagnostics.length > 0) return `yaml reports: ${ref.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`).join('; ')}`;
  if (!ref.syntaxOk) return 'yaml: syntax not ok';
  if (fast.diagnostics.length > 0 || fast.syntaxOk !== true) return 'fast: diagnostics or syntax not ok';
  if (fast.file !== ref.file || fast.text !== ref.text || fast.bom !== ref.bom) return 'file, text or bom differ';
  if (fast.form !== ref.form) return `form ${fast.form} vs ${ref.form}`;
  const d = dataDifference(fast.js, ref.js, 'js');
  if (d) return d;
  if (fast.entries.length !== ref.entries.length) return `${fast.entries.length} entries vs ${ref.entries.length}`;
  for (let i = 0; i < ref.entries.length; i++) {
    const f = fast.entries[i];
    const r = ref.entries[i];
    if (f.file !== r.file || f.index !== r.index || !Object.is(f.key, r.key)) return `entry ${i}: file/index/key ${JSON.stringify([f.file, f.index, f.key])} vs ${JSON.stringify([r.file, r.index, r.key])}`;
    if (f.position.line !== r.position.line || f.position.column !== r.position.column) return `entry ${i}: position ${JSON.stringify(f.position)} vs ${JSON.stringify(r.position)}`;
    if (f.yamlError !== false || r.yamlError !== false) return `entry ${i}: yamlError`;
    // raw is the entry's own part of js (the same object, not a copy), as in parseFlagFile.
    const own = (p: ParsedFlagFile, e: typeof f) => (e.index === null ? p.js : (p.js as { flags: unknown[] }).flags[e.index]);
    if (f.raw !== own(fast, f) || r.raw !== own(ref, r)) return `entry ${i}: raw is not the entry's part of js`;
  }
  return undefined;
}

/** Checks the invariant on `text`: declined, or accepted with exactly parseFlagFile's result. */
function check(text: string): 'accepted' | 'declined' {
  let fast: ParsedFlagFile | undefined;
  try {
    fast = parseFlagFileFast(FILE, text);
  } catch (e) {
    throw new Error(`parseFlagFileFast threw ${String(e)}\n  text: ${JSON.stringify(text)}`);
  }
  if (fast === undefined) return 'declined';
  const problem = disagreement(fast, parseFlagFile(FILE, text));
  if (problem) throw new Error(`fast reader accepted a file it must decline or read differently: ${problem}\n  text: ${JSON.stringify(text)}`);
  return 'accepted';
}

// ---- the repository's own YAML ----

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(rel));
    else if (/\.ya?ml$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** The ```yaml blocks of a Markdown file. */
function yamlBlocks(markdownFile: string): string[] {
  const text = readFileSync(join(ROOT, markdownFile), 'utf8');
  return [...text.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

const repositoryYaml: { name: string; text: string }[] = [
  ...['flags', 'test'].flatMap((d) => yamlFilesUnder(d)).map((f) => ({ name: f, text: readFileSync(join(ROOT, f), 'utf8') })),
  ...['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))].flatMap((f) =>
    yamlBlocks(f).map((text, i) => ({ name: `${f} block ${i + 1}`, text })),
  ),
];

describe('parseFlagFileFast on the repository YAML', () => {
  it('reads flags/default-flags.yaml itself, as yaml does', () => {
    const text = readFileSync(join(ROOT, 'flags', 'default-flags.yaml'), 'utf8');
    expect(check(text)).toBe('accepted');
  });

  it('reads a regex condition written in double quotes with \\\\, \\" and \\/ escapes itself, as yaml does', () => {
    const text = 'key: a\ntype: boolean\ndefaultValue: false\nrules:\n  - id: r\n    conditions:\n      - attribute: user.email\n        operator: regex\n        value: "^[a-z.]+@(example|team)\\\\.com$ \\"q\\" a\\/b"\n    value: true\n';
    expect(check(text)).toBe('accepted');
    const rules = (parseFlagFileFast(FILE, text)!.js as { rules: { conditions: { value: string }[] }[] }).rules;
    expect(rules[0]!.conditions[0]!.value).toBe('^[a-z.]+@(example|team)\\.com$ "q" a/b');
    // Any other escape is yaml's to read.
    expect(check(text.replace('a\\/b', 'a\\tb'))).toBe('declined');
  });

  it('agrees with parseFlagFile (or declines) on every YAML file and YAML block of the repository', () => {
    expect(repositoryYaml.length).toBeGreaterThan(40);
    let accepted = 0;
    let valid = 0;
    for (const { text } of repositoryYaml) {
      if (check(text) === 'accepted') accepted++;
      if (process.env.FUZZ_STATS && parseFlagFile(FILE, text).diagnostics.length === 0) valid++;
    }
    if (process.env.FUZZ_STATS) console.log('repository', { files: repositoryYaml.length, valid, accepted });
    // The valid flag files and examples among them are read by the fast reader.
    expect(accepted).toBeGreaterThan(10);
  });
});

// ---- generated flag files ----

/** The choices a generated file is made of, drawn from a generator seeded by fast-check (a failure replays from its seed). */
interface Pick {
  /** 0 … n-1 */
  int(n: number): number;
  chance(p: number): boolean;
  one<T>(xs: readonly T[]): T;
}

function pickFromSeed(seed: number): Pick {
  const next = rng(seed);
  return {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    one: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

/** Spellings the YAML schemas (1.1, 1.2 core, JSON, js-yaml's, yaml's) read differently, and other edge cases. */
const SPELLINGS = [
  'yes', 'no', 'Yes', 'NO', 'on', 'off', 'On', 'OFF', 'y', 'n', 'Y', 'N', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
  '~', 'null', 'Null', 'NULL', 'nULL', '', '0x1F', '0X1F', '0x', '0o17', '0O17', '0o8', '017', '08', '0b101', '+5', '-5', '+0', '-0', '0', '00',
  '-0.0', '0.0', '-0.', '0.', '1e3', '1E3', '1e+3', '-1e-3', '1e', '.5', '-.5', '+.5', '5.', '1.', '1_000', '1,000', '1.5', '100', '-100',
  '.inf', '-.inf', '+.inf', '.Inf', '.INF', 'inf', '-inf', 'Infinity', '.nan', '.NaN', '.NAN', '+.nan', '-.nan', 'nan', 'NaN',
  '12345678901234567890', '9007199254740993', '123456789012345', '1234567890123456', '0.123456789012345', '0.1234567890123456',
  '999999999999999.999999999999999', '1e400', '-1e400', '4.9e-324', '2026-12-31', '2026-12-31T10:00:00Z', '2026-12-31 10:00:00',
  '12:30', '12:30:45', '1:20', '190:20:30', '-1:20', '=', '<<', '.', '-', '+', '?', ':', '- ', '!', '&', '*', '|', '>', "'", '"', '%', '@', '`',
  'a b', 'a  b', 'a #b', 'a# b', 'a:b', 'a: b', 'a:', '- a', '? a', ': a', '@a', '`a', '%a', '!a', '!!str a', '&a a', '*a', 'a, b', '[a]',
  '{a: b}', 'a]', 'a}', 'a,', '#a', ' a', 'a ', '  ', 'a\nb', 'a\n\nb', 'a \n b', 'a\n', '\na', '\\', '\\n', 'a"b', "a'b", "''", '""',
  'ä', 'é', 'e\u0301', '\u00a0', 'a\u00a0', '\u2028', 'a\u2029b', '\u0085', 'a\u200bb', '😀', 'a😀b', '\ud83d', '\ude00', '\ufffd', '\uffff',
  'naïve café', '日本語', 'ﬁ', 'x'.repeat(1030), 'https://example.com/a?b=c#d', 'user@example.com', '50%', '$var', '${x}',
  'enterprise', 'tenant.type', 'equals', 'in', 'boolean', 'string', 'number', 'json', 'platform-team', 'beta-testers',
];
const EVERYDAY_WORDS = ['enterprise', 'tenant.type', 'equals', 'in', 'platform-team', 'beta', 'Use the new checkout', 'a b c', 'v2', 'x-y_z', 'eu-west-1', '2026-12-31', 'ä', 'naïve café'];
const EVERYDAY_VALUES = ['true', 'false', '0', '1', '10', '15', '0.5', '100', '-3', '12.25', ...EVERYDAY_WORDS];
const KEY_NAMES = [...FLAG_FIELDS, 'flags', 'id', 'conditions', 'attribute', 'operator', 'value', 'percentage', 'variants', 'weight', 'production', 'staging', 'a b', 'x-y', 'é', '😀', 'k.l', 'constructor', 'toString', 'hasOwnProperty'];
const ODD_KEYS = ['yes', 'no', 'on', 'true', 'null', '~', '1', '0x1F', '-0', '.5', '1e3', '<<', '=', 'a:b', 'a#b', '? a', '-a', '', ' ', '__proto__', 'x'.repeat(1019), 'y'.repeat(1030), '[a]', '{a}'];
const ESCAPES = ['\\n', '\\t', '\\\\', '\\"', '\\/', '\\ ', '\\0', '\\a', '\\b', '\\e', '\\f', '\\r', '\\v', '\\N', '\\_', '\\L', '\\P', '\\x41', '\\xe9', '\\u00e9', '\\uD83D', '\\U0001F600', '\\q', '\\x4', '\\\n  '];

interface Style {
  /** Indentation step of block collections. */
  w: number;
  /** Sequences under a key sit at the key's column (`key:\n- a`). */
  flushSeq: boolean;
  /** How often an unusual choice is made (0: only the styles flag files are written in). */
  odd: number;
}

const odd = (p: Pick, st: Style, scale = 1) => st.odd > 0 && p.chance(Math.min(1, st.odd * scale));
const spaces = (n: number) => ' '.repeat(Math.max(0, n));

function plainScalar(p: Pick, st: Style, inFlow: boolean): string {
  if (!odd(p, st, 2)) return p.one(EVERYDAY_VALUES);
  const s = p.chance(0.8) ? p.one(SPELLINGS) : randomText(p);
  return inFlow && p.chance(0.7) ? s.replace(/[[\]{},]/g, '') : s;
}

function randomText(p: Pick): string {
  const chars = ':-#|>\'"[]{},&*!%@`\\ \t\n ab1.';
  let s = '';
  for (let n = p.int(8); n > 0; n--) s += p.one([...chars, 'x', 'é', '😀']);
  return s;
}

function singleQuoted(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function doubleQuoted(p: Pick, s: string, st: Style): string {
  let out = '"';
  for (const c of s) {
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += odd(p, st, 3) ? p.one(['\n', '\n\n', '\n  ']) : '\\n';
    else if (odd(p, st, 0.3)) out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
    if (odd(p, st, 0.2)) out += p.one(ESCAPES);
  }
  return `${out}"`;
}

/** A block scalar (header and body) whose parent node is indented `n`, placed after `key:` or `- `. */
function blockScalar(p: Pick, n: number, st: Style): string {
  const unusual = odd(p, st, 4);
  const indicator = unusual && p.chance(0.4) ? String(1 + p.int(9)) : '';
  const chomp = unusual ? p.one(['', '-', '+']) : p.one(['', '-']);
  const header = (unusual ? p.one(['|', '>']) : p.one(['|', '|', '>'])) + (p.chance(0.5) ? indicator + chomp : chomp + indicator);
  const comment = unusual && p.chance(0.2) ? ' # c' : '';
  const indent = indicator ? n + Number(indicator) + (p.chance(0.1) ? p.one([-1, 1]) : 0) : n + st.w + (unusual && p.chance(0.3) ? p.int(3) : 0);
  const lines: string[] = [];
  for (let k = 1 + p.int(3); k > 0; k--) {
    if (!unusual) {
      lines.push(spaces(indent) + p.one(EVERYDAY_WORDS));
      continue;
    }
    const kind = p.int(7);
    if (kind === 0) lines.push('');
    else if (kind === 1) lines.push(spaces(indent + 1 + p.int(3)) + 'more indented');
    else if (kind === 2) lines.push(spaces(indent) + 'trailing  ');
    else if (kind === 3) lines.push(spaces(p.int(indent + 3)));
    else if (kind === 4) lines.push(spaces(indent) + p.one(['# not a comment', '- x', 'a: b', "'q'", '...', '---', '"', 'x #y']));
    else lines.push(spaces(indent) + p.one(SPELLINGS).replace(/\n/g, ' '));
  }
  const trailing = unusual && p.chance(0.4) ? p.one(['\n', '\n\n', `\n${spaces(indent)}\n`, `\n${spaces(indent + 2)}`, `\n${spaces(n)}# c`]) : '';
  return ` ${header}${comment}\n${lines.join('\n')}${trailing}\n`;
}

/** A scalar in flow context or after `key:` on one line (any style but block). */
function inlineScalar(p: Pick, st: Style, inFlow: boolean): string {
  const s = plainScalar(p, st, inFlow);
  const style = p.one([0, 0, 0, 1, 2]);
  if (style === 0) return s;
  if (style === 1) return singleQuoted(s);
  return doubleQuoted(p, s, st);
}

function mapKey(p: Pick, st: Style): string {
  const name = odd(p, st, 0.5) ? p.one(ODD_KEYS) : p.one(KEY_NAMES);
  const style = p.one([0, 0, 0, 0, 1, 2]);
  const quoted = style === 0 ? name : style === 1 ? singleQuoted(name) : doubleQuoted(p, name, st);
  return odd(p, st, 0.2) ? `? ${quoted}\n` : quoted;
}

function flowValue(p: Pick, depth: number, st: Style, n: number): string {
  const sp = () => (odd(p, st, 2) ? p.one(['', ' ', '  ', `\n${spaces(n + st.w)}`, `\n${spaces(n)}`, ' # c\n ']) : ' ');
  const count = p.int(4);
  const items: string[] = [];
  const isMap = p.chance(0.3);
  for (let i = 0; i < count; i++) {
    const v = depth > 0 && p.chance(0.2) ? flowValue(p, depth - 1, st, n) : inlineScalar(p, st, true);
    if (isMap) {
      const k = mapKey(p, { ...st, odd: st.odd / 2 }).replace(/^\? (.*)\n$/, '? $1');
      items.push(odd(p, st) ? k : `${k}:${odd(p, st) ? p.one(['', '  ', '\n ']) : ' '}${v}`);
    } else items.push(odd(p, st, 0.3) ? `${mapKey(p, st)}: ${v}` : v);
  }
  const trailing = count > 0 && odd(p, st, 2) ? ',' : '';
  const body = items.join(`,${sp()}`) + trailing;
  return isMap ? `{${sp()}${body}${sp()}}` : `[${sp()}${body}${sp()}]`;
}

/** What ends a line after a value or a key: mostly nothing, else a comment or trailing spaces. */
function comment(p: Pick, st: Style): string {
  if (odd(p, st, 0.5)) return p.one([' ', '  ', ' # c ']);
  return p.chance(0.05) || odd(p, st) ? p.one([' # note', ' #', ' # a: b', '  # - x', ' #: x']) : '';
}

/** Something unusual as a node: a property, an alias, an empty value. */
const ODD_NODES = [' &a x\n', ' *a\n', ' !!str 5\n', ' !x y\n', ' !!int 5\n', ' & x\n', '\n', ' \n', ' @x\n', ' `x\n', ' %x\n'];

/** The text after `key:` (or `- `) of a node whose parent is indented `n`: a scalar, a flow collection, or a block collection on the next lines. */
function value(p: Pick, field: string, depth: number, n: number, st: Style): string {
  const kind = p.int(10);
  if (depth <= 0 || kind < 5) {
    if (odd(p, st, 0.3)) return p.one(ODD_NODES);
    if (odd(p, st, 0.3)) {
      // The value on a later line, maybe after a comment line at some indentation.
      const between = p.chance(0.6) ? `${spaces(p.int(n + st.w + 2))}#c\n` : p.one(['', '\n']);
      return `${comment(p, st)}\n${between}${spaces(n + st.w)}${inlineScalar(p, st, false)}\n`;
    }
    if (p.chance(0.08) && field !== 'key') return blockScalar(p, n, st);
    return ` ${inlineScalar(p, st, false)}${comment(p, st)}\n`;
  }
  if (kind < 7) return ` ${flowValue(p, depth - 1, st, n)}${comment(p, st)}\n`;
  if (kind < 9 || field === 'rules' || field === 'conditions') {
    const inner = st.flushSeq ? n : n + st.w + (odd(p, st, 0.5) ? p.one([-1, 1]) : 0);
    return `${comment(p, st)}\n${blockSeq(p, field, depth - 1, inner, st)}`;
  }
  return `${comment(p, st)}\n${blockMap(p, depth - 1, n + st.w + (odd(p, st, 0.5) ? p.one([-1, 1]) : 0), st)}`;
}

function gap(p: Pick, st: Style, n: number): string {
  if (p.chance(0.05)) return p.one(['\n', `${spaces(n)}# comment\n`]);
  return odd(p, st) ? p.one(['\n', `${spaces(p.int(n + 3))}# comment\n`, `${spaces(n + 1)}\n`, `${spaces(n)}#\n\n`, '---\n', '...\n']) : '';
}

function blockMap(p: Pick, depth: number, n: number, st: Style, firstInline = false): string {
  let out = '';
  for (let i = 1 + p.int(3); i > 0; i--) {
    if (out !== '' || !firstInline) out += gap(p, st, n) + spaces(n + (odd(p, st, 0.2) ? p.one([-1, 1]) : 0));
    const k = mapKey(p, st);
    out += `${k}${odd(p, st, 0.5) ? p.one([' :', '  :']) : ':'}${value(p, k.replace(/^['"]|['"]$/g, ''), depth, n, st)}`;
  }
  return out;
}

function blockSeq(p: Pick, field: string, depth: number, n: number, st: Style): string {
  let out = '';
  for (let i = 1 + p.int(3); i > 0; i--) {
    out += gap(p, st, n) + spaces(n);
    const after = odd(p, st) ? p.one([2, 3]) : 1;
    if (depth > 0 && (field === 'rules' || field === 'conditions' || p.chance(0.4))) {
      if (odd(p, st, 0.5)) out += `-${comment(p, st)}\n${blockMap(p, depth - 1, n + st.w, st)}`;
      else out += `-${spaces(after)}${blockMap(p, depth - 1, n + 1 + after, st, true)}`;
    } else out += `-${value(p, field, depth - 1, n, st).replace(/^ /, spaces(after))}`;
  }
  return out;
}

/** One flag's mapping at indentation `n` (first line unindented when it follows `- `). */
function flag(p: Pick, n: number, st: Style, firstInline: boolean): string {
  const lead = firstInline ? '' : spaces(n);
  if (p.chance(0.1)) return `${lead}${flowValue(p, 2, st, n)}\n`;
  if (!p.chance(0.9)) return lead + blockMap(p, 2, n, st, true);
  return `${lead}${odd(p, st, 0.3) ? mapKey(p, st) : 'key'}:${value(p, 'key', 0, n, st)}${blockMap(p, 2, n, st)}`;
}

function flagFile(p: Pick, st: Style): string {
  let body: string;
  if (p.chance(0.4)) body = flag(p, 0, st, false);
  else {
    body = `flags:${comment(p, st)}\n`;
    const n = st.flushSeq ? 0 : st.w;
    for (let i = p.int(3); i >= 0; i--) {
      body += gap(p, st, n);
      const after = odd(p, st) ? p.one([2, 3]) : 1;
      body += `${spaces(n)}-${spaces(after)}${flag(p, n + 1 + after, st, true)}`;
    }
    if (odd(p, st, 0.3)) body += p.one(['owner: x\n', 'flags: []\n', 'key: x\n']);
  }
  const head = odd(p, st) ? p.one(['---\n', '--- ', '--- # c\n', '# c\n', '\n', '%YAML 1.2\n---\n', '%YAML 1.1\n---\n', '%TAG ! tag:x,2000:\n---\n', '--- |\n', '---\n---\n']) : p.chance(0.3) ? '# flags\n' : p.chance(0.1) ? '---\n' : '';
  const tail = odd(p, st) ? p.one(['\n', '...\n', '...', '\n---\n', '# end', '\n# end\n', '--- x\n', '...\n# c\n', '\n...\n---\n']) : '';
  let text = head + body + tail;
  if (odd(p, st, 0.5)) text = text.replace(/\n$/, '');
  if (odd(p, st, 0.2)) text = text.replaceAll('\n', '\r\n');
  if (odd(p, st, 0.2)) text = text.replace(p.one([/ (?=[^\n]*$)/, /^ /m, /: /, /\n/]), p.one(['\t', ' \t', '\r', '\u2028', '\u0085']));
  if (odd(p, st, 0.1)) text = `\ufeff${text}`;
  return text;
}

/** A generated flag file: `odd` is how often an unusual choice is made (0: files as people write them). */
const generatedFile = (oddness: readonly number[]) =>
  fc.integer().map((seed) => {
    const p = pickFromSeed(seed);
    return flagFile(p, { w: p.one([1, 2, 2, 2, 3, 4, 4, 8]), flushSeq: p.chance(0.3), odd: p.one(oddness) });
  });

describe('parseFlagFileFast on generated flag files', () => {
  it('agrees with parseFlagFile (or declines) on files in every style', () => {
    const seen = { files: 0, valid: 0, accepted: 0 };
    fc.assert(
      fc.property(generatedFile([0.02, 0.08, 0.25]), (text) => {
        seen.files++;
        if (check(text) === 'accepted') seen.accepted++;
        if (process.env.FUZZ_STATS && parseFlagFile(FILE, text).diagnostics.length === 0) seen.valid++;
      }),
      { numRuns: runs(5000) },
    );
    if (process.env.FUZZ_STATS) console.log('every style', seen);
    expect(seen.accepted).toBeGreaterThan(seen.files / 10);
  });

  it('agrees with parseFlagFile on everyday flag files, and reads most of the valid ones itself', () => {
    let valid = 0;
    let accepted = 0;
    fc.assert(
      fc.property(generatedFile([0]), (text) => {
        const verdict = check(text);
        const ref = parseFlagFile(FILE, text);
        if (ref.diagnostics.length === 0 && ref.syntaxOk) valid++;
        if (verdict === 'accepted') accepted++;
      }),
      { numRuns: runs(800) },
    );
    if (process.env.FUZZ_STATS) console.log('everyday', { valid, accepted });
    expect(valid).toBeGreaterThan(runs(400));
    expect(accepted / valid).toBeGreaterThan(0.9);
  });
});

// ---- mutations of valid flag files ----

/** Characters YAML gives meaning to, and some that it does not. */
const MUTATION_CHARS = [...':-#|>\'"[]{},&*!%@`\t\r\n', ' ', ' ', ' ', 'a', 'z', '0', '1', '9', '.', '+', '?', '~', '\\', 'é', '😀', '\u2028', '\u0085', '\ufeff', '\u0000'];
/** Tokens worth inserting whole. */
const MUTATION_TOKENS = ['%a', '@', '`', '? a\n: ', ' &a', ' !!str', '- - ', ': - ', '\n- ', '\n---\n', '\n...\n', '- ', ': ', ' #', '---', '...', '\n  ', '\n', '  ', '&a ', '*a', '!!str ', '!x ', '? ', '""', "''", '|', '>-', '|2', '{', '}', '[', ']', ', ', 'yes', '0x1F', '-0', '.nan', '1e3', '~', 'null', '__proto__', '<<: ', '%YAML 1.2\n---\n', '\r\n', '\t'];

/** `text` after one to three small edits; `donor` gives lines to splice in. */
function mutate(text: string, seed: number, donor: string): string {
  const p = pickFromSeed(seed);
  let out = text;
  for (let edits = 1 + p.int(3); edits > 0; edits--) {
    const at = p.int(out.length + 1);
    const op = p.int(10);
    if (op === 0) out = out.slice(0, at) + p.one(MUTATION_CHARS) + out.slice(at);
    else if (op === 1) out = out.slice(0, at) + p.one(MUTATION_TOKENS) + out.slice(at);
    else if (op === 2) out = out.slice(0, at) + out.slice(at + 1 + p.int(3));
    else if (op === 3) out = out.slice(0, at) + p.one(MUTATION_CHARS) + out.slice(at + 1);
    else if (op === 7) {
      // Join a line to the next, or break one at a space: plain scalars and keys across lines.
      const nl = out.indexOf('\n', at);
      let next = nl + 1;
      while (out[next] === ' ') next++;
      if (nl !== -1) out = `${out.slice(0, nl)} ${out.slice(next)}`;
    } else if (op === 8) {
      const sp = out.indexOf(' ', at);
      if (sp !== -1) out = `${out.slice(0, sp)}\n${spaces(p.int(8))}${out.slice(sp + 1)}`;
    } else if (op === 9) {
      // Splice in a few lines of another file, indented anew.
      const from = donor.split('\n');
      const i = p.int(from.length);
      const moved = from.slice(i, i + 1 + p.int(3)).map((l) => spaces(p.int(5)) + l.trimStart());
      const lines = out.split('\n');
      lines.splice(p.int(lines.length + 1), 0, ...moved);
      out = lines.join('\n');
    } else {
      // Re-indent a line, or duplicate or drop one: structure changes yaml and js-yaml may judge differently.
      const lines = out.split('\n');
      const i = p.int(lines.length);
      if (op === 4) lines[i] = ` ${lines[i]}`;
      else if (op === 5) lines[i] = lines[i].replace(/^ /, '');
      else if (p.chance(0.5)) lines.splice(i, 0, lines[i]);
      else lines.splice(i, 1);
      out = lines.join('\n');
    }
  }
  return out;
}

describe('parseFlagFileFast on mutated flag files', () => {
  it('agrees with parseFlagFile (or declines) on every small edit of a valid file', () => {
    // Files the fast reader accepts: the repository's, generated ones, and the edge cases (dense in odd constructs).
    const corpus = [
      ...repositoryYaml.map((f) => f.text),
      ...fc.sample(generatedFile([0]), { numRuns: 200, seed: 21 }),
      ...fc.sample(generatedFile([0.02]), { numRuns: 100, seed: 22 }),
      ...fc.sample(generatedFile([0.08]), { numRuns: 100, seed: 23 }),
      ...EDGE_CASES,
    ].filter((text) => parseFlagFileFast(FILE, text) !== undefined);
    expect(corpus.length).toBeGreaterThan(1000);
    let accepted = 0;
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.integer(), fc.nat(corpus.length - 1), (i, seed, j) => {
        const mutant = mutate(corpus[i], seed, corpus[j]);
        if (check(mutant) !== 'accepted') return;
        accepted++;
        // A mutant the reader took is edited again: a walk along the edge of what it accepts.
        if (check(mutate(mutant, seed ^ 0x5bd1e995, corpus[i])) === 'accepted') accepted++;
      }),
      { numRuns: runs(8000) },
    );
    if (process.env.FUZZ_STATS) console.log('mutants', { corpus: corpus.length, accepted });
  });
});

// ---- line soup: short lines of YAML tokens at random indentation ----

const SOUP_KEYS = ['a', 'b', 'key', 'name', '"q"', "'s'", '? a', 'x y', '-a', 'a#b'];
const SOUP_VALUES = ['', '', ' x', ' x', ' 1', ' "x"', " 'y'", ' [a, b]', ' [', ' ]', ' {a: 1}', ' {', ' }', ' |', ' >-', ' # c', ' a # c', " 'y'z", ' [a]b', ' -', ' - a', ' ? a', ' x: y', ' ~', ' a,', ' ---', ' ...'];
const SOUP_RAW = ['- ', ': ', '"x"', "'y'", '[', ']', '{', '}', ', ', ' # c', '|', '>', '? ', '---', '...', 'a'];

/** A file of a few short lines at random indentation: dense in the structures the two parsers may judge differently. */
const lineSoup = fc.integer().map((seed) => {
  const p = pickFromSeed(seed);
  const lines = [p.one(['key: a', 'flags:', 'flags:\n- key: a', 'name: n'])];
  let indent = 0;
  for (let n = 1 + p.int(6); n > 0; n--) {
    indent = Math.max(0, indent + p.one([0, 0, 0, 2, 2, -2, -4, 1, -1]));
    let line = spaces(indent);
    for (let d = p.chance(0.4) ? 1 + p.int(2) : 0; d > 0; d--) line += p.one(['- ', '- ', '-  ', '? ']);
    const shape = p.int(10);
    if (shape < 7) line += `${p.one(SOUP_KEYS)}:${p.one(SOUP_VALUES)}`;
    else if (shape < 9) line += p.one(SOUP_VALUES).trimStart();
    else for (let k = 1 + p.int(3); k > 0; k--) line += p.one(SOUP_RAW);
    lines.push(line);
  }
  return `${lines.join('\n')}${p.chance(0.8) ? '\n' : ''}`;
});

describe('parseFlagFileFast on line soup', () => {
  it('agrees with parseFlagFile (or declines) on short files of random YAML tokens', () => {
    let accepted = 0;
    let valid = 0;
    const sample: string[] = [];
    fc.assert(
      fc.property(lineSoup, (text) => {
        const verdict = check(text);
        if (verdict === 'accepted') accepted++;
        if (process.env.FUZZ_STATS && parseFlagFile(FILE, text).diagnostics.length === 0) {
          valid++;
          if (verdict === 'declined' && sample.length < 10) sample.push(text);
        }
      }),
      { numRuns: runs(5000) },
    );
    if (process.env.FUZZ_STATS) console.log('soup', { accepted, valid, sample });
    expect(accepted).toBeGreaterThan(0);
  });
});

// ---- particular files ----

const DECLINED: [string, string][] = [
  ['an anchor and an alias', 'key: a\nname: &n x\ndescription: *n\n'],
  ['an anchor alone', 'key: a\nname: &n x\n'],
  ['a tag', 'key: a\nname: !!str 5\n'],
  ['a local tag', 'key: a\nname: !x y\n'],
  ['a duplicated key', 'key: a\nname: x\nname: y\n'],
  ['a duplicated key spelt two ways', 'key: a\nname: x\n"name": y\n'],
  ['a __proto__ key', 'key: a\ndefaultValue:\n  __proto__: {x: 1}\ntype: json\n'],
  ['a __proto__ key escaped', 'key: a\ndefaultValue: {"\\x5f_proto__": 1}\ntype: json\n'],
  ['a byte order mark', '\ufeffkey: a\ntype: boolean\n'],
  ['two documents', 'key: a\n---\nkey: b\n'],
  ['a hex number', 'key: a\ndefaultValue: 0x1F\n'],
  ['an octal number', 'key: a\ndefaultValue: 0o17\n'],
  ['a YAML directive', '%YAML 1.2\n---\nkey: a\n'],
  ['a YAML 1.1 directive', '%YAML 1.1\n---\nkey: a\nenabled: yes\n'],
  ['a TAG directive', '%TAG !e! tag:example.com,2000:\n---\nkey: a\n'],
  ['a tab', 'key: a\nname:\tx\n'],
  ['CRLF line ends', 'key: a\r\nname: x\r\n'],
  ['a merge key', 'key: a\nbase: &b {x: 1}\nrules:\n  <<: *b\n'],
  ['a syntax error', 'key: a\nname: [x\n'],
  ['a top-level list', '- key: a\n'],
  ['a scalar document', 'key\n'],
  ['an empty file', ''],
  ['a mapping of no flag fields', 'hello: world\n'],
  ['flags beside another key', 'owner: x\nflags:\n  - key: a\n'],
  ['flags not a list', 'flags: {key: a}\n'],
  ['an item of flags that is not a mapping', 'flags:\n  - a\n'],
  ['a first line indented', ' ---\nkey: a\n'],
  ['a plain value alone on a line after a comment line', 'key: a\nv:\n-\n#b\n  a\n- c\n'],
  ['a document end marker', 'key: a\n...\n'],
  ['two document end markers', 'key: a\n...\n...'],
  ['a key after a quoted list item', 'flags:\n- x-y:\n  - \'v2\'c: 1\n- t: p\n'],
  ['a key after a flow list item', 'flags:\n- x-y:\n  - [v2] c: 1\n- t: p\n'],
  ['a block scalar with an indentation indicator', 'key: a\nname: |2\n   x\n'],
  ['a block scalar with a line of spaces', 'key: a\nname: |\n  x\n   \n  y\n'],
  ['a quoted key whose colon is 1025 characters away', `key: a\n'${'k'.repeat(1023)}': x\n`],
  ['a number with an exponent', 'key: a\ndefaultValue: 1e3\n'],
  ['minus zero', 'key: a\ndefaultValue: -0\n'],
  ['not a number', 'key: a\ndefaultValue: .nan\n'],
  ['an escape in a double-quoted string', 'key: a\nname: "a\\tb"\n'],
  ['a multi-line plain scalar', 'key: a\nname: a\n  b\n'],
  ['a key over 1024 characters', `key: a\n${'k'.repeat(1025)}: x\n`],
];

/** Places where YAML parsers are known to part ways, each inside a flag. */
const EDGE_VALUES = [
  '{a:1}', '{a: 1}', '{"a":1}', "{'a':1}", '{a:}', '{a}', '{a, b: c}', '{? a}', '{? a: b}', '[a:1]', '[a: 1]', '["a":1]', '[? a: b]', '[a, b: c]',
  '[a,]', '[a, ]', '[,]', '[a,,b]', '{a: 1,}', '{,}', '[]', '{}', '[[]]', '[{}]', '[a]b', '[a] #c', '[a]#c', "'a'#c", "'a' #c", '"a"#c', '"a" #c',
  'a#b', 'a #b', 'a:b', 'a: b', 'a :b', '-a', '- a', '?a', '? a', ':a', ': a', '%a', '@a', '`a', '!a', '&a', '*a', '|a', '>a', "a'", 'a"',
  '[a\n  , b]', '[a,\nb]', '[a,\n b]', '[a,\n  b]', '{a: 1,\nb: 2}', '{a: 1,\n b: 2}', '{a: 1,\n  b: 2}', '[\na]', '[a\n]', '[a #c\n  ]', '[a, #c\n  b]',
  '"a\n  b"', '"a\nb"', '"a \n  b"', '"a\n\n  b"', "'a\n  b'", "'a\n\n  b'", "'a \n  b'", "'a\nb'", '"a\\\n  b"', '"\\\n"',
  'a\n  b', 'a\n\n  b', 'a\n  #b', 'a #b\n  c', 'a\n  - b', 'a\n  b: c',
  '|\n  a\n   b\n  c', '|\n   \n  a', '|\n\n  a', '|\n  a\n\n', '|+\n  a\n\n', '|-\n  a\n\n', '|2\n   a', '|1\n  a', '|\n  a\n b', '>\n  a\n  b\n\n  c\n   d\n  e',
  '>\n\n  a', '>\n  \n  a', '> #c\n  a', '>#c\n  a', '|-2\n  a', '|2-\n  a', '|0\n a', '|10\n  a', '|\n  #a', '|\n  a\n  # b', '|\n', '|', '>-\n', '|\n  a\n#c',
  '|\n  a\n \n  b', '>\n  a\n \n  b', '>\n  a\n   \n  b', '|\n  a  \n  b ', '>\n  a  \n  b ',
  '- a\n  - b', '\n- a\n- b', '\n  - a\n  - b', '\n  - a\n - b', '\n  - a\n   - b', '\n -\n  a', '\n- - a\n  - b', '\n- a: 1\n  b: 2', '\n- a: 1\n   b: 2', '\n-   a: 1\n    b: 2',
  '\n  a: 1\n  b: 2', '\n  a: 1\n   b: 2', '\n  a: 1\n b: 2', '\n   a: 1\n   b:\n   - c', '\n  ? a\n  : b', '\n  ? a\n  ? b', '\n  ? |\n   a\n  : b', '\n  a:\n  b:',
  '~', 'null', 'NULL', 'Null', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'on', '0', '00', '01', '1', '-1', '+1', '1.0', '1.', '.1', '-.1', '0.0', '-0.0',
  '1e3', '123456789012345', '1234567890123456', '12345678901234567890', '0.1234567890123456789', '2026-12-31', '12:30', '1_000',
  'é', '😀', 'e\u0301', '\u2028', 'a\u2028b', 'a\u2029', '\u00a0', 'a\u00a0', '\u00a0a', 'a\u3000', '\ud800', 'a\udc00b', '\ufffd', "'\u2028'", '"\u2028"',
  `${'x'.repeat(1030)}`, `'${'x'.repeat(1030)}'`,
];
const EDGE_KEYS = [
  'a b', 'a  b', "'a'", '"a"', "'a''b'", '"a\\"b"', "''", '""', 'é', '😀', 'on', 'yes', 'true', '1', '-0', '~', 'null', '? a', '"a":', 'a #b', 'a#b', '-a', '.a',
  'x'.repeat(1022), 'x'.repeat(1023), 'x'.repeat(1024), `'${'x'.repeat(1021)}'`, `'${'x'.repeat(1022)}'`, `'${'x'.repeat(1023)}'`, `"${'x'.repeat(1022)}"`,
  `${'x'.repeat(1020)}   `, `${'x'.repeat(1023)} `, `${'é'.repeat(1023)}`, `${'😀'.repeat(512)}`, `${'😀'.repeat(511)}`,
];
const EDGE_CASES = [
  ...EDGE_VALUES.flatMap((v) => [
    `key: a\nvalue: ${v}\n`, `flags:\n  - key: a\n    value: ${v}\n    name: n\n`, `flags:\n- value: ${v}\n  key: a\n`,
    `flags:\n- key: a\n  v:\n  - ${v}\n  - x\n  w: 1\n`, `flags:\n- key: a\n  v: [${v}, x]\n`, `flags:\n- key: a\n  v: {k: ${v}, w: 1}\n`,
    `flags:\n- key: a\n  v:\n    - - ${v}\n      - x\n    - y\n`, `key: a\nv:\n  - k: ${v}\n    w: 1\n  - z\n`,
  ]),
  ...EDGE_KEYS.flatMap((k) => [`key: a\n${k}: 1\n`, `key: a\nvalue:\n  ${k}: 1\n`, `key: a\nvalue: {${k}: 1}\n`, `flags:\n- ${k}: 1\n  key: a\n`]),
  ...['key', "'key'", '"key"', '? key\n'].flatMap((k) => EDGE_VALUES.map((v) => `flags:\n  - ${k}: ${v}\n    name: n\n`)),
  '---\nkey: a\n', '--- \nkey: a\n', '--- # c\nkey: a\n', '---\n\nkey: a\n...\n', 'key: a\n...\n', 'key: a\n... # c\n', 'key: a\n...\n# c\n', 'key: a\n---\n',
  '--- {key: a}\n', '--- {key: a, name: b}', '---\n{key: a}\n', '{key: a}', '{flags: [{key: a}]}', 'flags: [{key: a}, {key: b}]', 'flags:\n- {key: a}\n- key: b\n',
  'key: a\n#\n', 'key: a # c\n# c\n  # c\n', '# only a comment\n', '#\n---\n#\nkey: a', 'key: a', 'key: a\n\n\n', '\n\nkey: a\n', 'key: a\nname: b\n  # c\n',
  'key: a\n  name: b\n', 'key:\n  a\nname: b\n', 'key: a\n name: b\n', 'key: a\nname : b\n', 'key :a\n', 'key:a\n', 'key: a\n? name\n: b\n', '? key\n: a\n',
  'flags:\n  - key: a\n  - key: b\n', 'flags:\n- key: a\n-   key: b\n    name: c\n', 'flags:\n  -\n    key: a\n', 'flags:\n  - # c\n    key: a\n', 'flags:\n  - key: a\n    # c\n  # c\n# c\n  - key: b\n',
  'flags:\n  - key: a\n - key: b\n',
  // Where an entry starts when its `key` is not a string: the mapping's first character, however the mapping is written.
  ...['5', '[a]', '{a: 1}', '', '~', 'true', '|\n      x', "'a\n      b'", '"a\\tb"', 'a\n      b', '1.5', '-0'].flatMap((v) => [
    `flags:\n  - key: ${v}\n    name: n\n`, `flags:\n  - name: n\n    key: ${v}\n`, `key: ${v}\nname: n\n`, `# c\n\nname: n\nkey: ${v}\n`,
  ]),
  'flags:\n- ? name\n  : n\n', 'flags:\n- ? key\n  : k\n', 'flags:\n-\n  name: n\n', 'flags:\n- # c\n  name: n\n', 'flags:\n-   name: n\n', 'flags:\n- {name: n}\n',
  'flags:\n- { name: n, key: k }\n', 'flags:\n- {\n  name: n}\n', 'flags: [{name: n}, {key: k}]\n', 'flags: [\n  {name: n},\n  {key: k}\n]\n', '--- {name: n}\n', '---\n  name: n\n',
  'flags:\n- name: n\n  "key": k\n', "flags:\n- name: n\n  'key': 'k'\n", 'flags:\n- name: n\n  ? key\n  : k\n', 'flags:\n- key:\n    k\n',
  // Astral characters before a position on its line: offsets and columns count UTF-16 units in both readers.
  'flags:\n- {😀: 1, key: a}\n', 'flags: [{"é😀": 1, key: a}, {😀😀: 2, name: b}]\n', '{😀: 1, key: a}\n', 'flags:\n- {}\n', 'flags: [{}, {key: a}]\n',
  // What fuzzing found js-yaml and yaml read differently (each declined by a rule of the reader).
  'key: in\nowner:\n    "variants":\n    - |2\n\n       \n\n    - beta\n', 'key: a\nv:\n  - |2\n\n       \n\n  - b\n', 'key: a\nv:\n  - |1\n\n     \n',
  'flags:\n- x-y:\n  - \'v2\'c: 1\n- t: p\n', 'flags:\n- x-y:\n  - [v2]c: 1\n- t: p\n', 'flags:\n- x-y:\n  - {v: 2} c: 1\n- t: p\n', 'flags:\n- x:\n  - "v2" c: 1\n',
  'key: a\nv:\n-\n#b\n  a\n- c\n', 'key: a\nv:\n  -\n  #b\n    a\n  - c\n', 'key: a\nv:\n- \n#b\n  a\n- c\n', 'key:\n#b\n  a\n  \na b: 1\n', 'key: a\nk:\n  x:\n  #b\n    a\n  c: 1\n',
  ' ---\nkey: a\n', '  ---\n  key: a\n', ' %YAML 1.2\n---\nkey: a\n', ' --- {key: a}\n', 'key: a\n...\n...', 'key: a\n...\n...\n',
  // Integer-like keys come first in a JavaScript object, whoever builds it.
  'key: a\nvalue: {b: 1, "1": 2, \'0\': 3, "01": 4, "-1": 5, "4294967295": 6, "4294967294": 7}\n',
  // Implicit keys across lines in flow collections.
  'key: a\nvalue: {a\n  : 1}\n', 'key: a\nvalue: {"a"\n  : 1}\n', 'key: a\nvalue: [a\n  : 1]\n', 'key: a\nvalue: {a: 1\n  , b: 2}\n', 'key: a\nvalue: [? a : 1]\n', 'flags:\n  - key: a\n   - key: b\n', 'flags:\n- key: a\n  name: b\n   x: c\n', 'flags:\n    - key: a\n      name: b\n',
];

describe('parseFlagFileFast on particular files', () => {
  it.each(DECLINED)('declines %s', (_, text) => {
    expect(parseFlagFileFast(FILE, text)).toBeUndefined();
  });

  it('reads the one-flag form and the list form, empty values and empty lists included', () => {
    for (const text of [
      'key: a\ntype: boolean\ndefaultValue: false\n',
      'flags:\n  - key: a\n    name:\n  - key: b\n    tags: []\n',
      'flags: []\n',
      '# c\n---\nflags:\n- key: a\n  defaultValue: {x: [1, "2", \'3\'], y: ~}\n',
      'key: "a"\nname: \'it\'\'s\'\nvariants: {on: 1, yes: 2}\n',
      'flags:\n  - name: no key here\n    defaultValue: -0.5\n  - key: 12\n',
      'key: a\ndescription: |\n  two\n  lines\nnote: >-\n  folded\n  text\n',
      'flags:\n  - key: a\n    description: |\n      x\n\n      y\n    name: b\n  - key: c\n    description: >-\n      folded\n',
    ]) expect(check(text), text).toBe('accepted');
  });

  it('gives the yaml document, line counter and nodes of parseFlagFile when asked, and only then reads with yaml', () => {
    const text = '# flags\nflags:\n  - key: a\n    type: boolean\n  - name: b\n    tags: [x]\n';
    const fast = parseFlagFileFast(FILE, text)!;
    const ref = parseFlagFile(FILE, text);
    expect(Object.keys(fast).sort()).toEqual(Object.keys(ref).sort());
    const positions = fast.entries.map((e) => ({ ...e.position }));
    expect(positions).toEqual([{ line: 3, column: 10 }, { line: 5, column: 5 }]);
    expect(isDocument(fast.doc)).toBe(true);
    expect(fast.doc.toString()).toBe(ref.doc.toString());
    expect(fast.doc.toJS()).toEqual(ref.js);
    const list = fast.doc.get('flags', true) as { items: unknown[] };
    fast.entries.forEach((entry, i) => {
      expect(isMap(entry.node)).toBe(true);
      expect(entry.node).toBe(list.items[i]);
      expect(entry.node.range).toEqual(ref.entries[i].node.range);
    });
    expect(fast.lineCounter.linePos(text.indexOf('name'))).toEqual({ line: 5, col: 5 });
    expect(fast.entries.map((e) => e.position)).toEqual(positions);

    const single = parseFlagFileFast(FILE, 'key: a\ntype: boolean\n')!;
    expect(single.entries[0].node).toBe(single.doc.contents);
    expect(single.entries[0].raw).toBe(single.js);
  });

  it('agrees with parseFlagFile (or declines) on edge cases of YAML', () => {
    const wrong: string[] = [];
    let accepted = 0;
    for (const text of EDGE_CASES) {
      try {
        if (check(text) === 'accepted') accepted++;
      } catch (e) {
        wrong.push((e as Error).message);
      }
    }
    expect(wrong).toEqual([]);
    if (process.env.FUZZ_STATS) console.log({ edgeCases: EDGE_CASES.length, accepted });
    expect(accepted).toBeGreaterThan(EDGE_CASES.length / 3);
  });
});
