/**
 * The settings in force (SPEC 5) and where each comes from: command-line
 * option > environment variable > flags.config.yaml > default. A tiny module
 * with no parser in it: a command in a project without a config file never
 * loads YAML for its settings.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProjectConfig } from '../schema/project-config.js';
import { DEFAULT_EVENT_LOG } from './paths.js';

export const CONFIG_FILE = 'flags.config.yaml';

export interface Setting<T> {
  value: T;
  /** Where the value comes from: `--dir`, `FLAGS_DIR`, `flags.config.yaml:2:6` or `default`. */
  from: string;
}

export interface ProjectSettings {
  /** The config file found, absolute; undefined when there is none. */
  configFile?: string;
  dir: Setting<string>;
  eventLog: Setting<string>;
  environments: Setting<readonly string[] | undefined>;
  timestamps: Setting<boolean>;
}

/** A config file read and checked, with where each setting is written. */
export interface LoadedConfig {
  file: string;
  config: ProjectConfig;
  positions: Partial<Record<keyof ProjectConfig, { line: number; column: number }>>;
}

/**
 * The config file that applies to `cwd`: the nearest `flags.config.yaml` in
 * `cwd` or a folder above it, looking no further up than the repository root
 * (the first folder with a `.git`), so a file in an enclosing project never
 * applies by accident.
 */
export function findConfigFile(cwd: string): string | undefined {
  let found: string | undefined;
  walkUp(cwd, (dir) => {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) found = candidate;
    return found !== undefined;
  });
  return found;
}

/** The nearest folder at or above `cwd` that has a `.git` (directory, or file in a worktree); undefined outside a repository. */
export function findRepositoryRoot(cwd: string): string | undefined {
  let root: string | undefined;
  walkUp(cwd, (dir) => {
    if (existsSync(path.join(dir, '.git'))) root = dir;
    return root !== undefined;
  });
  return root;
}

/** Calls `visit` from `start` upwards until it returns true, the repository root was visited, or the file-system root. */
function walkUp(start: string, visit: (dir: string) => boolean): void {
  let dir = path.resolve(start);
  for (;;) {
    if (visit(dir) || existsSync(path.join(dir, '.git'))) return;
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

export interface SettingsInput {
  /** `--dir`, when given. */
  dirOption?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  config?: LoadedConfig;
}

/** `--dir` > FLAGS_DIR > the config's `dir` (relative to the config file) > ./flags. */
export function resolveSettings({ dirOption, env, cwd, config }: SettingsInput): ProjectSettings {
  const base = config ? path.dirname(config.file) : cwd;
  const at = (field: keyof ProjectConfig) => {
    const p = config?.positions[field];
    const shown = config ? path.relative(cwd, config.file) || CONFIG_FILE : CONFIG_FILE;
    return p ? `${shown}:${p.line}:${p.column}` : shown;
  };
  const c = config?.config ?? {};

  let dir: Setting<string>;
  if (dirOption !== undefined) dir = { value: path.resolve(cwd, dirOption), from: '--dir' };
  else if (env.FLAGS_DIR) dir = { value: path.resolve(cwd, env.FLAGS_DIR), from: 'FLAGS_DIR' };
  else if (c.dir !== undefined) dir = { value: path.resolve(base, c.dir), from: at('dir') };
  else dir = { value: path.resolve(cwd, 'flags'), from: 'default' };

  let eventLog: Setting<string>;
  if (env.FLAGS_EVENT_LOG) eventLog = { value: path.resolve(cwd, env.FLAGS_EVENT_LOG), from: 'FLAGS_EVENT_LOG' };
  else if (c.eventLog !== undefined) eventLog = { value: path.resolve(base, c.eventLog), from: at('eventLog') };
  else eventLog = { value: path.join(dir.value, DEFAULT_EVENT_LOG), from: 'default' };

  return {
    configFile: config?.file,
    dir,
    eventLog,
    environments: c.environments !== undefined ? { value: c.environments, from: at('environments') } : { value: undefined, from: 'default' },
    timestamps: c.timestamps !== undefined ? { value: c.timestamps, from: at('timestamps') } : { value: true, from: 'default' },
  };
}
