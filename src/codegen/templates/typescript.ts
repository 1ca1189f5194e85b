/**
 * The TypeScript template: a self-contained module (no import of flagyard,
 * so it compiles in any project) with the value type of every flag by key
 * and a typed view over any evaluator, so a typo in a key or a wrong value
 * type fails at compile time.
 */
import { GENERATED_MARKER, type CodegenTemplate } from '../index.js';
import type { Shape } from '../model.js';

function typeOf(shape: Shape, indent: string): string {
  switch (shape.kind) {
    case 'boolean':
    case 'number':
    case 'string':
    case 'null':
    case 'unknown':
      return shape.kind;
    case 'array': {
      const inner = typeOf(shape.of, indent);
      return shape.of.kind === 'union' ? `ReadonlyArray<${inner}>` : `readonly ${inner}[]`;
    }
    case 'object': {
      if (shape.fields.length === 0) return 'Readonly<Record<string, never>>';
      const next = indent + '  ';
      return `{\n${shape.fields.map(([k, s]) => `${next}readonly ${JSON.stringify(k)}: ${typeOf(s, next)};`).join('\n')}\n${indent}}`;
    }
    case 'union':
      return shape.of.map((s) => typeOf(s, indent)).join(' | ');
  }
}

/** A description as a JSDoc line: one line, and never the end of the comment. */
function doc(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\*\//g, '*\\/');
}

export const typescriptTemplate: CodegenTemplate = {
  lang: 'ts',
  name: 'TypeScript',
  render(model, { command }) {
    const out: string[] = [];
    out.push(`// ${GENERATED_MARKER}: do not edit. Regenerate with \`${command}\`.`);
    out.push('/* eslint-disable */');
    out.push('');
    out.push('/** The value type of every flag, by key. */');
    out.push('export interface Flags {');
    for (const f of model.flags) {
      const notes = [doc(f.description), f.owner && `owner: ${doc(f.owner)}`, f.expiresAt && `expires ${f.expiresAt}`].filter(Boolean).join(' — ');
      if (notes) out.push(`  /** ${notes} */`);
      out.push(`  readonly ${JSON.stringify(f.key)}: ${typeOf(f.shape, '  ')};`);
    }
    out.push('}');
    out.push('');
    out.push('export type FlagKey = keyof Flags;');
    out.push('');
    out.push('/** Every flag key, sorted. */');
    out.push(`export const FLAG_KEYS = [${model.flags.map((f) => JSON.stringify(f.key)).join(', ')}] as const satisfies readonly FlagKey[];`);
    out.push('');
    out.push("/** The declared type of each flag (boolean, string, number or json). */");
    out.push("export const FLAG_TYPES: { readonly [K in FlagKey]: 'boolean' | 'string' | 'number' | 'json' } = {");
    for (const f of model.flags) out.push(`  ${JSON.stringify(f.key)}: ${JSON.stringify(f.type)},`);
    out.push('};');
    out.push('');
    out.push('/** Each flag\'s defaultValue, served when the evaluator cannot give a value of the right type. */');
    out.push('export const FLAG_DEFAULTS: { readonly [K in FlagKey]: Flags[K] } = {');
    for (const f of model.flags) out.push(`  ${JSON.stringify(f.key)}: ${JSON.stringify(f.defaultValue)},`);
    out.push('};');
    out.push('');
    out.push('/** Any evaluator with this method: flagyard\'s createEvaluator / createBundleEvaluator, or your own. */');
    out.push('export interface EvaluatorLike {');
    out.push('  evaluate(key: string, context?: any, defaultValue?: any): { value: unknown };');
    out.push('}');
    out.push('');
    out.push('/**');
    out.push(' * A typed view of an evaluator: `get` takes only known keys and returns the');
    out.push(" * flag's type; a value of another type (an unknown or invalid flag) gives the default.");
    out.push(' */');
    out.push('export function typedFlags(evaluator: EvaluatorLike) {');
    out.push('  return {');
    out.push('    get<K extends FlagKey>(key: K, context?: object): Flags[K] {');
    out.push('      const fallback = FLAG_DEFAULTS[key];');
    out.push('      const { value } = evaluator.evaluate(key, context, fallback);');
    out.push("      const ok = FLAG_TYPES[key] === 'json' ? value !== undefined : typeof value === FLAG_TYPES[key];");
    out.push('      return (ok ? value : fallback) as Flags[K];');
    out.push('    },');
    out.push('    isEnabled(key: { [K in FlagKey]: Flags[K] extends boolean ? K : never }[FlagKey], context?: object): boolean {');
    out.push('      return evaluator.evaluate(key, context, false).value === true;');
    out.push('    },');
    out.push('  };');
    out.push('}');
    out.push('');
    return out.join('\n');
  },
};
