/**
 * Project settings, `flags.config.yaml` (SPEC 5): pure parsing and checking.
 * zod is the single source of truth, for the type, the validation and the
 * JSON Schema that `flags schema --config` prints. Finding the file and
 * resolving the settings in force is store/project-config.ts's job.
 */
import * as z from 'zod/mini';
import type { Diagnostic } from '../errors.js';
import type { Finding } from './checks.js';
import { lazyObject, once } from './lazy.js';
import { positionOf } from './locate.js';
import { parseYamlFile } from './parse-file.js';
import { didYouMean } from './suggest.js';
import { diagnosticsOf, findingsOfIssues } from './validate.js';

export const CONFIG_FILE_NAME = 'flags.config.yaml';

/** Environment names as flag files use them under `environments:` (the same rule as keys). */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

// Built on first use (lazy.ts): a project without flags.config.yaml never needs it.
const projectConfigSchema = once(() =>
  z.strictObject({
    dir: z.optional(z.string().check(z.minLength(1))),
    eventLog: z.optional(z.string().check(z.minLength(1))),
    environments: z.optional(z.array(z.string().check(z.regex(ENVIRONMENT_NAME, 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$')))),
    timestamps: z.optional(z.boolean()),
  }),
);
export const ProjectConfigSchema: ReturnType<typeof projectConfigSchema> = lazyObject(projectConfigSchema);

export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;
export type ProjectConfigField = keyof ProjectConfig;

/** One sentence per setting: hover texts in editors, and `flags config`'s vocabulary. */
export const CONFIG_FIELD_DOCS: Record<ProjectConfigField, string> = {
  dir: 'The flags directory, relative to this file (default: flags). --dir and FLAGS_DIR override it.',
  eventLog: 'The experiment event log, relative to this file (default: <dir>/experiments/events.jsonl). --log and FLAGS_EVENT_LOG override it.',
  environments:
    'The environment names the project uses: flags validate warns UNKNOWN_ENVIRONMENT for any other name in a flag file, and --env refuses unknown names.',
  timestamps: 'false: edits leave updatedAt and createdAt alone, so branches that change different fields of one flag merge without conflict (default: true).',
};

export interface ParsedProjectConfig {
  /** The settings, when the file has no error. */
  config?: ProjectConfig;
  /** Where each setting is written (its value), for `flags config`. */
  positions: Partial<Record<ProjectConfigField, { line: number; column: number }>>;
  diagnostics: Diagnostic[];
}

/** Parses and checks the text of a config file. An empty file (or only comments) is a valid, empty config. */
export function parseProjectConfig(file: string, text: string): ParsedProjectConfig {
  const parsed = parseYamlFile(file, text);
  const positions: ParsedProjectConfig['positions'] = {};
  if (!parsed.syntaxOk || parsed.diagnostics.length > 0) return { positions, diagnostics: parsed.diagnostics };
  const raw = parsed.js ?? {};
  const result = projectConfigSchema().safeParse(raw);
  const findings: Finding[] = result.success
    ? duplicateEnvironments(result.data)
    : findingsOfIssues(result.error.issues, raw, (p) => (p.length === 0 ? { fields: Object.keys(CONFIG_FIELD_DOCS), what: 'setting' } : { fields: [], what: 'mapping' }));
  if (findings.length > 0) {
    return { positions, diagnostics: diagnosticsOf(parsed, [], findings) };
  }
  const root = parsed.doc.contents as { get?: (k: string, keepNode: true) => unknown } | null;
  for (const field of Object.keys(CONFIG_FIELD_DOCS) as ProjectConfigField[]) {
    const node = root?.get?.(field, true);
    if (node) positions[field] = positionOf(node as never, parsed.lineCounter);
  }
  return { config: result.success ? result.data : undefined, positions, diagnostics: [] };
}

function duplicateEnvironments(config: ProjectConfig): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  config.environments?.forEach((name, i) => {
    if (seen.has(name)) out.push({ code: 'INVALID_VALUE', severity: 'error', message: `environment "${name}" is listed twice`, path: ['environments', i] });
    seen.add(name);
  });
  return out;
}

/**
 * `UNKNOWN_ENVIRONMENT`: a name under a flag's `environments:` that the
 * project's list does not have: most often a typo (`prod` for `production`)
 * that silently never applies. Works on the raw entry, so an invalid flag gets
 * the warning too.
 */
export function unknownEnvironmentFindings(raw: unknown, known: readonly string[]): Finding[] {
  if (raw === null || typeof raw !== 'object' || !Object.hasOwn(raw, 'environments')) return [];
  const envs = (raw as Record<string, unknown>).environments;
  if (envs === null || typeof envs !== 'object' || Array.isArray(envs)) return [];
  return Object.keys(envs)
    .filter((name) => !known.includes(name))
    .map((name) => ({
      code: 'UNKNOWN_ENVIRONMENT' as const,
      severity: 'warning' as const,
      message: `environment "${name}" is not one of the project's environments (${known.join(', ')}) in ${CONFIG_FILE_NAME}${didYouMean(name, known)}`,
      path: ['environments', name],
      anchor: 'key' as const,
    }));
}
