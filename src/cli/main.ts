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

export async function main(argv: string[], io: CliIo): Promise<number> {
  const ctx = new CommandContext(io);
  const program = buildProgram(ctx);
  const debug = Boolean(io.env.FLAGS_DEBUG) && io.env.FLAGS_DEBUG !== '0';
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message (help, version or the usage error).
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (e instanceof FlagsError) {
      io.stderr.write(`${ctx.chalk.red('error:')} ${neutralizeControls(e.message, { color: false })}\n`);
    } else if (typeof err?.code === 'string' && typeof err.syscall === 'string') {
      // An operating-system failure the user can act on (permissions, full disk, missing file).
      io.stderr.write(`${ctx.chalk.red('error:')} ${neutralizeControls(err.message, { color: false })}\n`);
    } else {
      io.stderr.write(`${ctx.chalk.red('internal error:')} ${neutralizeControls(err?.message ?? String(e), { color: false })} (set FLAGS_DEBUG=1 for the stack trace)\n`);
    }
    if (debug && err?.stack) io.stderr.write(err.stack + '\n');
    return e instanceof FlagsError ? e.exitCode : 1;
  }
}

/** Entry point of the installed binary. */
export function run(): void {
  // `flags list | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
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
