/**
 * What every command gets: the injected io, the global options, colour, and
 * the flag set loaded once with the SPEC 1.1 warning about broken files.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { FlagSet } from '../store/flag-repo.js';
import { resolveFlagsDir } from '../store/paths.js';
import type { CliIo } from './io.js';
import { neutralizeControls } from './render/terminal.js';

export interface GlobalOptions {
  dir?: string;
  json?: boolean;
  color?: boolean;
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

  get flagsDir(): string {
    return resolveFlagsDir(this.globals.dir, this.io.env, this.io.cwd);
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
