/**
 * The hardened YAML reader every file of the flags directory goes through:
 * bounded (item count, alias expansion, key nesting), duplicate keys as
 * errors, and syntax errors reworded and placed where the author can act on
 * them. What the document means (a flag, an experiment…) is for the callers.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, YAMLParseError, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../errors.js';
import { positionAt, positionOf } from './locate.js';
import { plainYamlError } from './yaml-messages.js';

/** Alias expansion beyond this is refused (billion-laughs documents). */
export const MAX_ALIAS_COUNT = 100;

/**
 * Files with more collections and items than this are refused before
 * parsing. Why: the YAML parser holds up to a kilobyte per item while it
 * works, so ten megabytes of `[` or `a,` (within the size cap) took several
 * gigabytes and ended in an out-of-memory crash. A legitimate ten-megabyte
 * file of 70,000 flags has about 840,000.
 */
export const MAX_YAML_ITEMS = 1_000_000;

/** A YAML document with its positions and its YAML-level findings. */
export interface ParsedYaml {
  file: string;
  text: string;
  /** The text started with a UTF-8 byte order mark (stripped before parsing, kept on write). */
  bom: boolean;
  doc: Document;
  lineCounter: LineCounter;
  /** Plain data of the document (undefined when it could not be built). */
  js: unknown;
  /** YAML syntax findings, and duplicated mapping keys. */
  diagnostics: Diagnostic[];
  /**
   * No syntax error: the document's structure is what the author wrote. A
   * duplicated key leaves the structure intact; any other error means the
   * parser recovered by guessing, and schema findings on a guess would only
   * bury the real problem, so they wait until the syntax is fixed.
   */
  syntaxOk: boolean;
}

export function parseYaml(text: string): { doc: Document; lineCounter: LineCounter; bom: boolean } {
  const bom = text.charCodeAt(0) === 0xfeff;
  const source = bom ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  // logLevel error: yaml would print its own warnings (a collection used as a
  // mapping key…) on stderr; whatever matters is reported as a finding instead.
  // uniqueKeys false: duplicated keys are found by checkKeys, in linear time.
  const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false, logLevel: 'error' });
  checkKeys(doc);
  return { doc, lineCounter, bom };
}

/**
 * Mapping-key checks yaml does too slowly or not at all, in one pass, added to
 * `doc.errors` as yaml would:
 * - a duplicated key is an error, not "last one wins". yaml's own check
 *   (uniqueKeys) compares each key with every earlier one: a mapping of
 *   100,000 keys (a 1.3 MB file) took two minutes. Same equality as yaml's:
 *   the same node, or scalars with the same value;
 * - a list or mapping used as a key inside another such key. Turning those
 *   into object keys costs time that grows with the fourth power of the depth
 *   (800 nested `? `, 1.6 KB, took minutes), and no flag file needs one.
 */
function checkKeys(doc: Document): void {
  const duplicates: YAMLParseError[] = [];
  const stack: { node: unknown; inKey: boolean }[] = [{ node: doc.contents, inKey: false }];
  while (stack.length > 0) {
    const { node, inKey } = stack.pop()!;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const id = isScalar(key) ? key.value : key;
        // NaN never equals itself (yaml compares with ===), but a Set would find it.
        if (!(typeof id === 'number' && Number.isNaN(id))) {
          if (seen.has(id)) {
            const at = key?.range?.[0] ?? node.range?.[0] ?? 0;
            duplicates.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else seen.add(id);
        }
        if (isMap(key) || isSeq(key)) {
          if (inKey) {
            const at = key.range?.[0] ?? 0;
            doc.errors.push(new YAMLParseError([at, at + 1], 'RESOURCE_EXHAUSTION', 'a list or mapping is used as a key inside another key; flag files cannot hold such keys'));
            return;
          }
          stack.push({ node: key, inKey: true });
        }
        stack.push({ node: pair.value, inKey });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, inKey });
    } else if (isPair(node)) {
      stack.push({ node: node.key, inKey }, { node: node.value, inKey });
    }
  }
  duplicates.sort((a, b) => a.pos[0] - b.pos[0]);
  doc.errors.push(...duplicates);
}

/** Flow brackets, commas and block indicators (`- `, `? `, `: `): a count that never misses an item the parser would make. */
function countYamlItems(text: string, limit: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x7b /* { */ || c === 0x2c /* , */) n++;
    else if (c === 0x2d /* - */ || c === 0x3f /* ? */ || c === 0x3a /* : */) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09 || Number.isNaN(next)) n++;
    }
  }
  return n;
}

/** Parses any YAML file of the flags directory, collecting its YAML-level findings with positions. */
export function parseYamlFile(file: string, text: string): ParsedYaml & { duplicateKeyOffsets: number[] } {
  if (text.length > MAX_YAML_ITEMS && countYamlItems(text, MAX_YAML_ITEMS) > MAX_YAML_ITEMS) {
    const { doc, lineCounter, bom } = parseYaml('');
    const message = `file has more than ${MAX_YAML_ITEMS.toLocaleString('en-US')} YAML items (list entries, brackets, commas, keys); denser files are refused before parsing`;
    const diagnostics: Diagnostic[] = [{ code: 'FILE_TOO_LARGE', severity: 'error', message, file, line: 1, column: 1 }];
    return { file, text, bom, doc, lineCounter, js: undefined, diagnostics, syntaxOk: false, duplicateKeyOffsets: [] };
  }
  const { doc, lineCounter, bom } = parseYaml(text);
  const diagnostics: Diagnostic[] = [];
  const duplicateKeyOffsets: number[] = [];
  let syntaxOk = true;
  // One finding per place and message: a thousand unclosed `[` are one problem.
  const reported = new Set<string>();
  const unclosed = unclosedIndex(doc);
  for (const err of doc.errors) {
    if (err.code === 'DUPLICATE_KEY') {
      duplicateKeyOffsets.push(err.pos[0]);
      diagnostics.push({
        code: 'DUPLICATE_MAPPING_KEY',
        severity: 'error',
        message: `${keyNameAt(doc, err.pos[0])} is defined twice in the same mapping (YAML keys must be unique)`,
        file,
        ...positionAt(err.pos[0], lineCounter),
      });
    } else {
      syntaxOk = false;
      const opened = err.code === 'MISSING_CHAR' || err.code === 'BAD_INDENT' ? unclosed().get(err.pos[0]) : (plainYamlError(err.code, err.pos[0], bom ? text.slice(1) : text) ?? undefined);
      const message =
        opened?.message ??
        yamlErrorMessage(err.message);
      const offset = opened?.offset ?? err.pos[0];
      // Too deep is one finding a file, wherever the parser's stages run out of stack.
      const place = message === NESTED_TOO_DEEPLY ? message : `${offset}\u0000${message}`;
      if (reported.has(place)) continue;
      reported.add(place);
      diagnostics.push({ code: 'YAML_SYNTAX', severity: 'error', message, file, ...positionAt(offset, lineCounter) });
    }
  }
  let js: unknown;
  try {
    // After a resource error the plain data is not worth its cost (or not bounded).
    if (!doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // An alias to an anchor that is not defined (yet), or an alias bomb.
    syntaxOk = false;
    diagnostics.push({ code: 'YAML_SYNTAX', severity: 'error', message: yamlErrorMessage((e as Error).message), file, ...positionOf(firstBadAlias(doc), lineCounter) });
  }
  return { file, text, bom, doc, lineCounter, js, diagnostics, syntaxOk, duplicateKeyOffsets };
}

/**
 * The parser's message in words for a flag author. A stack overflow can surface
 * from more than one stage of the parser (as RESOURCE_EXHAUSTION or inside
 * another error), and how deep it gets first depends on the stack the process
 * has left: whichever stage meets it, the author reads the same sentence, never
 * V8's "Maximum call stack size exceeded".
 */
function yamlErrorMessage(message: string): string {
  return /call stack/i.test(message) ? NESTED_TOO_DEEPLY : firstLine(message);
}

const NESTED_TOO_DEEPLY = 'the document is nested too deeply to read (hundreds of levels)';

/**
 * The parser notices an unclosed quote or bracket only where it gives up (the
 * end of the file, the next line); the author needs the place it was opened:
 * the quoted scalar or flow collection that ends where the error is (the last
 * one in document order, the innermost). Indexed by end offset in one visit,
 * built on first use: one visit per error made 8,000 unclosed `[` take 30 s.
 */
function unclosedIndex(doc: Document): () => Map<number, { offset: number; message: string }> {
  let index: Map<number, { offset: number; message: string }> | undefined;
  return () => {
    if (index) return index;
    const found = new Map<number, { offset: number; message: string }>();
    visit(doc, (_, node) => {
      const n = node as Node;
      if (!n?.range || n.range[0] >= n.range[1]) return;
      if (isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE')) {
        const quote = n.type === 'QUOTE_DOUBLE' ? '"' : "'";
        found.set(n.range[1], { offset: n.range[0], message: `quoted string is never closed (missing closing ${quote})` });
      } else if ((isSeq(n) || isMap(n)) && n.flow) {
        const [open, close] = isSeq(n) ? ['[', ']'] : ['{', '}'];
        found.set(n.range[1], { offset: n.range[0], message: `"${open}" is never closed (missing "${close}", or the next line is not indented enough)` });
      }
    });
    index = found;
    return found;
  };
}

function firstBadAlias(doc: Document): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        found = node;
        return visit.BREAK;
      }
      found ??= node;
    },
  });
  return found;
}

/** `"name"` of the mapping key that starts at `offset` (yaml reports a duplicate by its first character). */
function keyNameAt(doc: Document, offset: number): string {
  let name = 'a key';
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (isScalar(key) && key.range?.[0] === offset) {
        name = `"${String(key.value)}"`;
        return visit.BREAK;
      }
    },
  });
  return name;
}


function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}
