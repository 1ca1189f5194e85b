/**
 * The one place that maps errors to exit codes and messages (SPEC 3):
 * 0 success, 1 the command ran and found a problem, 2 usage error.
 * User errors are one line on stderr; FLAGS_DEBUG=1 adds the stack.
 */
import { CommanderError } from 'commander';
import { FlagsError } from '../errors.js';
import { CommandContext } from './context.js';
import { processIo, type CliIo } from './io.js';
import { buildProgram } from './program.js';
import { neutralizeControls } from './render/terminal.js';

/** Every error is one line: a message quoting input (a JSON parser's excerpt) must not spill over several. */
export function oneLine(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, ' ').trim();
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const ctx = new CommandContext(io);
  const program = buildProgram(ctx, argv);
  const debug = Boolean(io.env.FLAGS_DEBUG) && io.env.FLAGS_DEBUG !== '0';
  // Before parsing succeeds the globals are not set yet: --json is looked for in argv (before a `--`).
  const wantsJson = () => ctx.json || argv.slice(0, argv.indexOf('--') >= 0 ? argv.indexOf('--') : undefined).includes('--json');
  const jsonError = (code: string, message: string) => {
    if (wantsJson()) io.stdout.write(JSON.stringify({ error: { code, message } }, null, 2) + '\n');
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message (help, version or the usage error), as one line.
      if (e.exitCode === 0) return 0;
      jsonError('USAGE', oneLine(e.message.replace(/^error: /, '')));
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    let code = 'INTERNAL';
    let message: string;
    if (e instanceof FlagsError) {
      code = e.code;
      message = oneLine(e.message);
      io.stderr.write(`${ctx.chalk.red('error:')} ${neutralizeControls(message, { color: false })}\n`);
    } else if (typeof err?.code === 'string' && typeof err.syscall === 'string') {
      // An operating-system failure the user can act on (permissions, full disk, missing file).
      code = err.code;
      message = oneLine(err.message);
      io.stderr.write(`${ctx.chalk.red('error:')} ${neutralizeControls(message, { color: false })}\n`);
    } else {
      message = oneLine(err?.message ?? String(e));
      io.stderr.write(`${ctx.chalk.red('internal error:')} ${neutralizeControls(message, { color: false })} (set FLAGS_DEBUG=1 for the stack trace)\n`);
    }
    jsonError(code, message);
    if (debug && err?.stack) io.stderr.write(err.stack + '\n');
    // The exit status comes with the code (ERROR_CODES in errors.ts): 2 for what the user typed wrong, 1 otherwise.
    if (e instanceof FlagsError) return e.exitCode;
    return 1;
  }
}

/** Entry point of the installed binary. */
export function run(): void {
  // (processIo handles `flags list | head` closing the pipe early: not an error.)
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`internal error: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
