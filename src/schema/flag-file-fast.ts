/**
 * Start-up and scale (issue 21): the everyday flag file, read without the
 * `yaml` library. That library keeps every node with its source range, which
 * findings and minimal-diff edits need, but it is slow: about 2 ms for a 2 KB
 * file once warm and 13–16 ms the first time in a process, which was a third
 * of every `flags list`. js-yaml (a YAML 1.2 parser that passes the YAML test
 * suite) reads the same file about thirteen times faster, and only into data
 * and an event stream with source offsets.
 *
 * `parseFlagFileFast` returns what `parseFlagFile` would, for a file it can
 * vouch for, and undefined for anything else (then `parseFlagFile` reads it).
 * It vouches only for a clean file of the plain kind flag files are: one
 * document, one flag or a `flags:` list of mappings, string keys, scalars
 * whose meaning is not in doubt, no anchors, aliases, tags, tabs, carriage
 * returns, control characters, byte order mark or `__proto__`; nor the
 * places where the fuzzing in the tests caught js-yaml and yaml parting ways:
 * an indented first line, a line over 1024 characters, a `...` marker, a
 * block-mapping key that does not start its line, a plain value of a block
 * collection alone on its line, a block scalar with an indentation indicator
 * or a line of only spaces. Every scalar
 * js-yaml built is checked against the YAML 1.2 core schema's table (a plain
 * `12` is the number 12, a plain `yes` the string "yes"); numbers other than
 * plain decimals are left to `yaml`. So a file that would get any finding from
 * the YAML reading never comes out of here, and the data of one that does is
 * what `yaml` builds, key order included (test/schema/flag-file-fast.test.ts
 * compares the two on the repository's YAML, generated files and mutants).
 *
 * The YAML document itself (`doc`, `lineCounter`, each entry's `node`) is
 * built by `parseFlagFile` on first use: a finding to place or an edit to
 * make reads the file with `yaml` then, and only then.
 */
import { constructFromEvents, parseEvents, type Event } from 'js-yaml';
import { FLAG_FIELDS } from './flag.js';
import { parseFlagFile, type FlagEntry, type ParsedFlagFile } from './flag-file.js';
import type { Position } from './locate.js';
import { MAX_YAML_ITEMS } from './yaml-read.js';

// js-yaml's event and style numbers (EVENT_ID, SCALAR_STYLE in its types).
const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const POP = 6;
const PLAIN = 1;
const SINGLE_QUOTED = 2;
const DOUBLE_QUOTED = 3;
const BLOCK = 1;

/** Thrown inside the walk when the file is not one this reader vouches for. */
const UNSURE = Symbol('unsure');
function unsure(): never {
  throw UNSURE;
}

/**
 * Characters that send a file to `yaml`: tab, carriage return, the other C0
 * and C1 controls, DEL, the Unicode line and paragraph separators (line
 * breaks to YAML 1.1 and to JavaScript, not to YAML 1.2), a byte order mark
 * or noncharacter anywhere. Each is
 * legal somewhere in YAML, but where the two parsers could part ways (a tab
 * beside indentation, a CRLF in a block scalar) is not worth the doubt.
 * (A loop, not a regular expression: compiling one costs more at start-up
 * than scanning a flag file.)
 */
function hasDoubtfulCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 ? c !== 0x0a : (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

/** The YAML 1.2 core schema's null and bool spellings (spec 10.3.2). */
const CORE_NULL: ReadonlySet<string> = new Set(['', '~', 'null', 'Null', 'NULL']);
const CORE_TRUE: ReadonlySet<string> = new Set(['true', 'True', 'TRUE']);
const CORE_FALSE: ReadonlySet<string> = new Set(['false', 'False', 'FALSE']);
/** The core schema's int and float patterns (spec 10.3.2): a plain scalar matching one is a number. */
const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** The numbers vouched for: plain decimals that every parser reads as `Number(text)`; anything else (exponents, hex, a sign, leading zeros, many digits, -0) goes to `yaml`. */
const PLAIN_DECIMAL = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;
/**
 * yaml refuses an implicit key whose `:` is more than 1024 characters after
 * the key's start (quotes and spaces before the `:` included); an implicit key
 * and its `:` share a line, so a file whose lines are all this short has none.
 */
const MAX_LINE_LENGTH = 1024;

/** Where a mapping the reader needs to place starts, and its `key` field's value. */
interface MapInfo {
  /** yaml's range[0] of the mapping. */
  start: number;
  /** Its keys in order (the root's only). */
  keys: string[];
  /** The value of its `key` field, when it has one. */
  keyValue?: unknown;
  /** Where that value starts, when it is a string (a one-line plain or quoted scalar). */
  keyValueStart?: number;
}

interface Frame {
  kind: 'map' | 'seq';
  /** A block collection (not `[…]` or `{…}`). */
  block: boolean;
  /** The collection js-yaml built for this node. */
  value: Record<string, unknown> | unknown[];
  /** Map: the key awaiting its value. */
  key: string | undefined;
  /** Seq: the index of the next item; map: the keys met so far. */
  index: number;
  /** The root mapping and each mapping of the root's `flags` list. */
  info?: MapInfo;
  /** The root's `flags` list: its items, null for one that is not a mapping. */
  items?: (MapInfo | null)[];
}

interface Outline {
  root: MapInfo;
  /** The items of the root's `flags`, when that is a list. */
  flags?: (MapInfo | null)[];
}

/** What parseFlagFile returns for `text`, when this reader can vouch for the file; undefined otherwise. */
export function parseFlagFileFast(file: string, text: string): ParsedFlagFile | undefined {
  if (text.length > MAX_YAML_ITEMS || hasDoubtfulCharacter(text) || text.includes('__proto__')) return undefined;
  // An indented first line: js-yaml takes ` ---` or ` %YAML 1.2` there for a
  // marker or a directive, where yaml reads (and refuses) a plain scalar.
  if (text.startsWith(' ')) return undefined;
  if (hasLongLine(text)) return undefined;
  // A document end marker: js-yaml reads `...` twice at the end as one
  // document, yaml as two (a finding).
  if (hasDocumentEnd(text)) return undefined;
  let events: Event[];
  let js: unknown;
  try {
    events = parseEvents(text, {});
    const documents = constructFromEvents(events, { source: text, maxAliases: 0 });
    if (documents.length !== 1) return undefined;
    js = documents[0];
  } catch {
    // Whatever js-yaml refuses (a syntax error, a duplicated key, nesting too deep) is for yaml to report.
    return undefined;
  }
  try {
    return fileOf(file, text, js, outline(text, events, js));
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

/**
 * Walks js-yaml's events beside the data it built, checking every node, and
 * returns where the root mapping and the flags start. Throws UNSURE for a file
 * it does not vouch for.
 */
function outline(text: string, events: Event[], js: unknown): Outline {
  const stack: Frame[] = [];
  let result: Outline | undefined;
  let documents = 0;
  for (const ev of events) {
    if (ev.type === DOCUMENT) {
      if (++documents > 1 || ev.directives.length > 0) unsure();
      continue;
    }
    if (ev.type === POP) {
      const frame = stack.pop();
      // The collection js-yaml built holds exactly the items or keys of the events (none merged, dropped or added).
      if (frame && (frame.kind === 'seq' ? (frame.value as unknown[]).length : Object.keys(frame.value).length) !== frame.index) unsure();
      if (frame) advance(stack[stack.length - 1]);
      continue;
    }
    if (ev.type !== SCALAR && ev.type !== SEQUENCE && ev.type !== MAPPING) unsure(); // an alias
    if (ev.anchorStart !== -1 || ev.tagStart !== -1) unsure();
    const parent = stack[stack.length - 1];
    if (parent?.kind === 'map' && parent.key === undefined) {
      // A mapping key: a one-line plain or quoted string.
      if (ev.type !== SCALAR) unsure();
      parent.key = keyText(text, ev);
      parent.index++;
      // A key of a block mapping starts its line (after the indentation and the
      // `- ` or `? ` of compact collections). js-yaml takes the rest of a line
      // after a quoted or flow item (`  - 'v2'c: 1`) for a key of the mapping
      // above, where yaml reports an unexpected scalar.
      if (parent.block && !onlyIndentBefore(text, scalarStart(ev), true)) unsure();
      parent.info?.keys.push(parent.key);
      continue;
    }
    const value = parent === undefined ? js : parent.kind === 'seq' ? (parent.value as unknown[])[parent.index] : (parent.value as Record<string, unknown>)[parent.key!];
    if (ev.type === SCALAR) {
      if (parent === undefined) unsure(); // a scalar document is no flag file
      // A plain value of a block collection sits on the line of its key or
      // `- `. One alone on a later line, after a comment line, is
      // where the readers part: `-\n#b\n  a\n- c` is ["a", "c"] to js-yaml,
      // ["a - c"] to yaml.
      if (parent.block && ev.style === PLAIN && ev.valueStart !== -1 && startsLine(text, ev.valueStart)) unsure();
      checkScalar(text, ev, value);
      if (parent.info && parent.key === 'key') {
        parent.info.keyValue = value;
        if (typeof value === 'string') parent.info.keyValueStart = scalarStart(ev);
      }
      parent.items?.push(null);
      advance(parent);
      continue;
    }
    const kind = ev.type === MAPPING ? 'map' : 'seq';
    if (kind === 'map' ? !isPlainRecord(value) : !Array.isArray(value)) unsure();
    const frame: Frame = { kind, block: ev.style === BLOCK, value: value as Frame['value'], key: undefined, index: 0 };
    if (parent === undefined) {
      if (kind !== 'map') unsure(); // a list at the top level
      frame.info = { start: ev.start, keys: [] };
      result = { root: frame.info };
    } else if (parent.info && parent === stack[0] && parent.key === 'flags') {
      if (kind === 'seq') frame.items = result!.flags = [];
    } else if (parent.items) {
      if (kind === 'map') parent.items.push((frame.info = { start: ev.start, keys: [] }));
      else parent.items.push(null);
    }
    stack.push(frame);
  }
  if (result === undefined) unsure();
  return result;
}

/** Only spaces stand before `offset` on its line. */
function startsLine(text: string, offset: number): boolean {
  return onlyIndentBefore(text, offset, false);
}

/**
 * Only spaces stand before `offset` on its line, and with `indicators` also
 * the `- ` and `? ` of compact collections (`/^(?: *[-?] )* *$/` over the
 * line's start; a loop, as compiling expressions costs more at start-up).
 */
function onlyIndentBefore(text: string, offset: number, indicators: boolean): boolean {
  for (let i = text.lastIndexOf('\n', offset - 1) + 1; i < offset; ) {
    const c = text.charCodeAt(i);
    if (c === 0x20) i++;
    else if (indicators && (c === 0x2d || c === 0x3f) && i + 1 < offset && text.charCodeAt(i + 1) === 0x20) i += 2;
    else return false;
  }
  return true;
}

/** A line that starts with the document end marker `...` (followed by a space, a line break or the end). */
function hasDocumentEnd(text: string): boolean {
  for (let i = text.indexOf('...'); i !== -1; i = text.indexOf('...', i + 1)) {
    const next = text.charCodeAt(i + 3);
    if ((i === 0 || text.charCodeAt(i - 1) === 0x0a) && (i + 3 === text.length || next === 0x20 || next === 0x0a)) return true;
  }
  return false;
}

/** Some line is longer than MAX_LINE_LENGTH: a key in it may be too long for yaml. */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (let end = text.indexOf('\n'); ; end = text.indexOf('\n', start)) {
    if ((end === -1 ? text.length : end) - start > MAX_LINE_LENGTH) return true;
    if (end === -1) return false;
    start = end + 1;
  }
}

/** After a value: a map awaits its next key, a sequence its next item. */
function advance(frame: Frame | undefined): void {
  if (frame === undefined) return;
  if (frame.kind === 'seq') frame.index++;
  else frame.key = undefined;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** yaml's range[0] of a one-line scalar: its first character, or its opening quote. */
function scalarStart(ev: Event & { type: typeof SCALAR }): number {
  if (ev.style === PLAIN) return ev.valueStart;
  if (ev.style === SINGLE_QUOTED || ev.style === DOUBLE_QUOTED) return ev.valueStart - 1;
  return unsure(); // a block scalar starts at its header, which the event does not give
}

/** The string a mapping key spells: only a one-line plain scalar that the core schema reads as a string, or a one-line quoted one. */
function keyText(text: string, ev: Event & { type: typeof SCALAR }): string {
  if (ev.valueStart === -1) unsure();
  const source = text.slice(ev.valueStart, ev.valueEnd);
  if (source.includes('\n')) unsure();
  if (ev.style === PLAIN) {
    if (!ev.fast || coreValue(source) !== source) unsure();
    return source;
  }
  return quotedValue(ev.style, source);
}

/**
 * The value of a one-line quoted scalar whose source (between the quotes) is
 * `source`, without folding. In double quotes only the escapes a regular
 * expression or a path needs are read here, `\\`, `\"` and `\/` (each one
 * character, the same in every YAML reader); any other (`\n`, `\x41`,
 * `\u00e9`, an escaped line break) is left to yaml. None of the three can
 * spell `__proto__` (the file is declined when the word is written out).
 */
function quotedValue(style: number, source: string): string {
  if (source.includes('\n')) unsure();
  if (style === SINGLE_QUOTED) return source.replaceAll("''", "'");
  if (style !== DOUBLE_QUOTED) unsure();
  if (!source.includes('\\')) return source;
  if (!SIMPLE_ESCAPES.test(source)) unsure();
  return source.replace(/\\([\\"/])/g, '$1');
}

/** A double-quoted source whose every backslash starts `\\`, `\"` or `\/`. */
const SIMPLE_ESCAPES = /^(?:[^\\]|\\[\\"/])*$/;

/**
 * What the core schema makes of a plain one-line scalar: null, a boolean, a
 * plain decimal number or the text itself. Throws UNSURE for the numbers it
 * does not vouch for. Only a scalar starting with a digit, `+`, `-`, `.`, `~`,
 * `n`, `N`, `t`, `T`, `f` or `F` can be anything but a string.
 */
function coreValue(source: string): unknown {
  const first = source.charCodeAt(0);
  const letter = (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a;
  if (letter && !'ntf'.includes(String.fromCharCode(first | 0x20))) return source;
  if (CORE_NULL.has(source)) return null;
  if (CORE_TRUE.has(source)) return true;
  if (CORE_FALSE.has(source)) return false;
  if (letter || !CORE_NUMBER.test(source)) return source;
  if (!PLAIN_DECIMAL.test(source) || /^-0(?:\.0*)?$/.test(source)) unsure();
  return Number(source);
}

/** Holds js-yaml's `value` for the scalar `ev` to the YAML 1.2 core schema's reading of its source. */
function checkScalar(text: string, ev: Event & { type: typeof SCALAR }, value: unknown): void {
  if (ev.valueStart === -1) {
    // No characters at all (`key:`): null, for a plain scalar.
    if (ev.style !== PLAIN || value !== null) unsure();
    return;
  }
  const source = text.slice(ev.valueStart, ev.valueEnd);
  if (ev.style === PLAIN) {
    if (!ev.fast || source.includes('\n')) unsure();
    if (value !== coreValue(source)) unsure();
  } else if (ev.style === SINGLE_QUOTED || ev.style === DOUBLE_QUOTED) {
    if (value !== quotedValue(ev.style, source)) unsure();
  } else {
    // A block scalar (`|`, `>`): js-yaml's string, which the tests compare with yaml's.
    if (typeof value !== 'string') unsure();
    checkBlockScalar(text, ev);
  }
}

/**
 * A block scalar is vouched for only in its everyday shape: its header alone
 * on the line before its body, no indentation indicator, and no line of only
 * spaces in its body or the blank lines after it. Found by fuzzing: `- |2`
 * over a body of empty and space-only lines is "\n   \n" to js-yaml and ""
 * to yaml; flag files need neither feature, so each alone is declined.
 */
function checkBlockScalar(text: string, ev: Event & { type: typeof SCALAR }): void {
  const body = ev.valueStart;
  if (body < 1 || text[body - 1] !== '\n') unsure();
  const header = text.slice(text.lastIndexOf('\n', body - 2) + 1, body - 1);
  if (/[|>][-+]?[0-9]/.test(header)) unsure();
  let end = ev.valueEnd;
  while (end < text.length && (text[end] === ' ' || text[end] === '\n')) end++;
  // Up to the start of the next line with content (or the end of the text).
  if (end < text.length) end = text.lastIndexOf('\n', end) + 1;
  if (/(?:^|\n) +(?:\n|$)/.test(text.slice(body, end))) unsure();
}

/** The parsed file parseFlagFile would return, its YAML document built by parseFlagFile on first use. */
function fileOf(file: string, text: string, js: unknown, { root, flags }: Outline): ParsedFlagFile {
  const lines = lineStarts(text);
  const entries: FlagEntry[] = [];
  const entryOf = (index: number | null, raw: unknown, info: MapInfo): FlagEntry => {
    const key = typeof info.keyValue === 'string' ? info.keyValue : undefined;
    const position = positionIn(lines, key !== undefined ? info.keyValueStart! : info.start);
    // `node` is defined below as a getter: a data property turned into one would put every entry in dictionary mode.
    return { file, index, raw, key, position, yamlError: false } as Omit<FlagEntry, 'node'> as FlagEntry;
  };
  let form: ParsedFlagFile['form'];
  const hasFlags = root.keys.includes('flags');
  if (!hasFlags && root.keys.some((k) => (FLAG_FIELDS as string[]).includes(k))) {
    form = 'single';
    entries.push(entryOf(null, js, root));
  } else if (hasFlags && root.keys.length === 1 && flags !== undefined) {
    // Anything beside `flags:`, a `flags:` that is not a list, an item that is not a mapping: findings, for yaml to place.
    form = 'list';
    const raws = (js as { flags: unknown[] }).flags;
    flags.forEach((info, i) => entries.push(entryOf(i, raws[i], info ?? unsure())));
  } else {
    return unsure();
  }
  const source: YamlSource = { file, text };
  const parsed = { file, text, bom: false, js, diagnostics: [], syntaxOk: true, form, entries } as unknown as ParsedFlagFile;
  Object.defineProperty(parsed, SOURCE, { value: source });
  Object.defineProperty(parsed, 'doc', { get: docOfFile, enumerable: true });
  Object.defineProperty(parsed, 'lineCounter', { get: lineCounterOfFile, enumerable: true });
  entries.forEach((entry, index) => {
    Object.defineProperty(entry, SOURCE, { value: { source, index } });
    Object.defineProperty(entry, 'node', { get: nodeOfEntry, enumerable: true });
  });
  return parsed;
}

// The YAML document of a fast-read file, built by parseFlagFile on first use.
// The getters are shared functions reading the file's source from a hidden
// property: V8 gives an object a hidden class of its own for an accessor made
// of a function of its own, and those classes (and their descriptor arrays)
// live in the old generation, so a closure per file made every validate of
// 5,000 files promote megabytes that only a full collection took back.
const SOURCE = Symbol('flag file source');

interface YamlSource {
  file: string;
  text: string;
  full?: ParsedFlagFile;
}

function yamlRead(source: YamlSource): ParsedFlagFile {
  return (source.full ??= parseFlagFile(source.file, source.text));
}

function docOfFile(this: { [SOURCE]: YamlSource }): ParsedFlagFile['doc'] {
  return yamlRead(this[SOURCE]).doc;
}

function lineCounterOfFile(this: { [SOURCE]: YamlSource }): ParsedFlagFile['lineCounter'] {
  return yamlRead(this[SOURCE]).lineCounter;
}

function nodeOfEntry(this: { [SOURCE]: { source: YamlSource; index: number } }): FlagEntry['node'] {
  const { source, index } = this[SOURCE];
  return yamlRead(source).entries[index]?.node as FlagEntry['node'];
}

/** The offset where each line starts (yaml's LineCounter.lineStarts for the same text). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line and column of `offset`, as yaml's LineCounter.linePos gives them. */
function positionIn(starts: number[], offset: number): Position {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid] <= offset) low = mid + 1;
    else high = mid;
  }
  return { line: low, column: offset - starts[low - 1] + 1 };
}
