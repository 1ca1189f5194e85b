/**
 * What every command gets: the injected io, the global options, colour, and
 * the flag set loaded once with the SPEC 1.1 warning about broken files.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import path from 'node:path';
import { UsageError, type Diagnostic } from '../errors.js';
import type { FlagSet } from '../store/flag-repo.js';
import { findConfigFile, resolveSettings, type ProjectSettings } from '../store/settings.js';
import type { CliIo } from './io.js';
import { neutralizeControls } from './render/terminal.js';

export interface GlobalOptions {
  dir?: string;
  json?: boolean;
  color?: boolean;
  /** A command's `--env NAME`, checked against the project's environments. */
  env?: string;
}

export class CommandContext {
  readonly io: CliIo;
  private globals: GlobalOptions = {};
  private chalkInstance?: ChalkInstance;
  /** Set by a command that ran but found a problem (exit 1 without an error message of its own). */
  exitCode = 0;

  constructor(io: CliIo) {
    this.io = io;
  }

  setGlobals(globals: GlobalOptions): void {
    this.globals = globals;
    this.chalkInstance = undefined;
  }

  get options(): GlobalOptions {
    return this.globals;
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** Colour only on a TTY, never with NO_COLOR or --no-color. */
  get color(): boolean {
    const env = this.io.env;
    return this.globals.color !== false && this.io.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  }

  get chalk(): ChalkInstance {
    this.chalkInstance ??= new Chalk({ level: this.color ? 1 : 0 });
    return this.chalkInstance;
  }

  // ---- project settings (SPEC 5) ----
  private settingsValue?: ProjectSettings;
  private settingsError?: unknown;

  /**
   * Finds and reads flags.config.yaml (before every command). A broken config
   * fails the commands that use a setting, not those that don't (`flags
   * schema --config` helps fix it). The YAML parser loads only when a config
   * file exists.
   */
  async loadSettings(): Promise<void> {
    const { cwd, env } = this.io;
    try {
      const file = findConfigFile(cwd);
      const config = file ? (await import('../store/project-config.js')).readProjectConfig(file, { cwd }) : undefined;
      this.settingsValue = resolveSettings({ dirOption: this.globals.dir, env, cwd, config });
    } catch (e) {
      this.settingsError = e;
      return;
    }
    if (this.globals.env !== undefined) this.checkEnvironment(this.globals.env);
  }

  /** The settings in force and where each comes from. */
  get settings(): ProjectSettings {
    if (this.settingsError) throw this.settingsError;
    this.settingsValue ??= resolveSettings({ dirOption: this.globals.dir, env: this.io.env, cwd: this.io.cwd });
    return this.settingsValue;
  }

  /** `--env NAME` with a name the project does not list is a usage error naming the ones it does. */
  checkEnvironment(name: string): void {
    const known = this.settings.environments;
    if (known.value === undefined || known.value.includes(name)) return;
    throw new UsageError(`unknown environment "${name}": the project's environments are ${known.value.join(', ')} (${known.from})`);
  }

  get flagsDir(): string {
    return this.settings.dir.value;
  }

  /** The current moment, through the injected io so tests pin it. */
  now(): Date {
    return this.io.now?.() ?? new Date();
  }

  /** Paths as users typed them: relative to the current directory. */
  relative(file: string): string {
    return path.relative(this.io.cwd, file) || '.';
  }

  // Every line may hold text from flag files or logs: control characters are shown, never obeyed (render/terminal.ts).
  out(line = ''): void {
    this.io.stdout.write(neutralizeControls(line, { color: this.color }) + '\n');
  }

  err(line: string): void {
    this.io.stderr.write(neutralizeControls(line, { color: this.color }) + '\n');
  }

  printJson(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /**
   * Loads the flag set. Commands other than `validate` keep working with the
   * valid flags and print one warning line when some files have errors.
   */
  async loadFlags(opts: { warn?: boolean } = {}): Promise<FlagSet> {
    // Loaded on first use: `--help` and `--version` never parse YAML or zod.
    const { readFlagSet } = await import('../store/flag-repo.js');
    const set = await readFlagSet(this.flagsDir);
    if (opts.warn !== false) this.warnAboutErrors(set.diagnostics);
    return set;
  }

  warnAboutErrors(diagnostics: Diagnostic[]): void {
    const broken = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
    if (broken.size === 0) return;
    const n = broken.size;
    this.err(this.chalk.yellow(`warning: ${n} flag file${n === 1 ? ' has' : 's have'} errors; run \`flags validate\``));
  }
}
