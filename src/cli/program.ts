/**
 * The whole command surface on one screen. Each action loads its command
 * module on first use (esbuild splits them into chunks), so start-up only
 * pays for commander and the command that runs.
 */
import { Command, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type { CommandContext } from './context.js';

export function buildProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command('flags')
    .description('Feature flags as YAML files in git: validate, evaluate, edit, experiment, review.')
    .version(pkg.version, '-V, --version', 'print the version')
    .option('--dir <path>', 'flags directory (default: $FLAGS_DIR or ./flags)')
    .option('--json', 'machine-readable output on stdout (one JSON document)')
    .option('--no-color', 'no colour (also off when stdout is not a TTY or NO_COLOR is set)')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(ctx.chalk.red(s)),
    })
    .hook('preAction', (_program, action) => ctx.setGlobals(action.optsWithGlobals()));
  program.addHelpText('after', '\nExit codes: 0 success, 1 a problem was found, 2 usage error. Docs: README.md');

  // ---- reading ----
  program
    .command('list')
    .description('list the flags as a table (key, enabled, type, tags, kill switch, owner)')
    .option('--tag <tag>', 'only flags with this tag')
    .action(async (opts) => (await import('./commands/list.js')).runList(ctx, opts));

  program
    .command('show')
    .description('show one flag in full: rules, rollouts, variants, environments')
    .argument('<key>', 'flag key')
    .action(async (key, opts) => (await import('./commands/show.js')).runShow(ctx, key, opts));

  // ---- commands added by later work go below, each block self-contained ----

  return program;
}

export { Option };
