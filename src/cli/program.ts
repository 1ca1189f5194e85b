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
      // One line per error (issue 12): commander's "(Did you mean …?)" joins the message line.
      outputError: (s, write) => write(ctx.chalk.red(s.trimEnd().replace(/\s*\n\s*/g, ' ') + '\n')),
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

  program
    .command('eval')
    .description('evaluate a flag for a context: the value and why (rule, variant, override, kill switch)')
    .argument('[key]', 'flag key (omit with --all)')
    .option('--env <name>', 'sets context.environment')
    .option('--context <file>', 'context as a JSON file, or - for stdin')
    .option('--set <path=value>', 'sets one context attribute; VALUE is parsed as JSON when it can be (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--all', 'evaluate every flag for the context')
    .option('--contexts <file>', 'batch: JSON Lines of contexts (or - for stdin) → one result per line')
    .option('--summary', 'with --contexts: the share of contexts per value and reason instead of every result')
    .addHelpText('after', '\nExamples:\n  flags eval new-orchestrator-v2 --set tenant.id=tenant-beta-1\n  flags eval parallel-agents-limit --set tenant.type=enterprise --json\n  flags eval --all --context ctx.json\n  flags eval new-orchestrator-v2 --contexts users.jsonl --summary')
    .action(async (key, opts) => (await import('./commands/eval.js')).runEval(ctx, key, opts));

  // ---- commands added by later work go below, each block self-contained ----

  // ---- experiments (SPEC 4) ----
  {
    const load = () => import('./commands/experiment.js');
    const list = (v: string, prev: string[] = []) => [...prev, v];
    const logOption = ['--log <path>', 'event log (default: $FLAGS_EVENT_LOG or <flags dir>/experiments/events.jsonl)'] as const;
    const experiment = program
      .command('experiment')
      .description('A/B experiments: define, run through their lifecycle, record exposures and conversions, analyse')
      .addHelpText('after', '\nA lifecycle action run again repairs a half-done one (flag and status disagreeing).\nWalk-through: docs/experiments.md');
    experiment
      .command('create')
      .description('write flags/experiments/ID.yaml (draft) and its flag: type string, a variant per arm, disabled')
      .argument('<id>', 'experiment id: letters, digits, ".", "_", "-"')
      .requiredOption('--flag <key>', 'key of the flag to create for the split')
      .requiredOption('--name <name>', 'display name')
      .option('--description <text>', 'description')
      .requiredOption('--control <key[:name]>', 'the control arm')
      .option('--treatment <key[:name][:weight]>', 'a treatment arm (repeatable); without a weight, arms share the rest evenly', list)
      .requiredOption('--metric <name>', 'primary metric')
      .option('--secondary-metric <name>', 'secondary metric (repeatable)', list)
      .option('--owner <owner>', 'owner of the new flag')
      .addHelpText('after', '\nExample:\n  flags experiment create checkout-button --flag checkout-button-color --name "Checkout button colour" \\\n    --control blue:Blue --treatment green:Green --metric purchase')
      .action(async (id, opts) => (await load()).runExperimentCreate(ctx, id, opts));
    const actions = [
      ['start', 'draft → running; turns the flag on and sets startDate'],
      ['pause', 'running → paused; turns the flag off'],
      ['resume', 'paused → running; turns the flag on'],
      ['complete', 'running or paused → completed; turns the flag off and sets endDate'],
      ['cancel', 'draft, running or paused → cancelled; turns the flag off and sets endDate'],
    ] as const;
    for (const [action, description] of actions) {
      experiment
        .command(action)
        .description(description)
        .argument('<id>', 'experiment id')
        .action(async (id) => (await load()).runExperimentAction(ctx, action, id));
    }
    experiment
      .command('list')
      .description('list the experiments: id, status, flag, arms, start date')
      .action(async () => (await load()).runExperimentList(ctx));
    experiment
      .command('show')
      .description('show one experiment: status, flag, metrics, arms, allowed next actions')
      .argument('<id>', 'experiment id')
      .action(async (id) => (await load()).runExperimentShow(ctx, id));
    experiment
      .command('expose')
      .description("record that a user saw the experiment, with the arm its flag gives them (only when the split decided it)")
      .argument('<id>', 'experiment id (running)')
      .requiredOption('--user <id>', 'user id (context user.id)')
      .option('--set <path=value>', 'another context attribute, parsed as JSON when it can be (repeatable)', list)
      .option('--variant <arm>', 'record this arm instead of evaluating the flag (assignment done elsewhere)')
      .option(...logOption)
      .action(async (id, opts) => (await import('./commands/experiment-events.js')).runExperimentExpose(ctx, id, opts));
    experiment
      .command('convert')
      .description('record a conversion of a user')
      .argument('<id>', 'experiment id (running)')
      .requiredOption('--user <id>', 'user id')
      .option('--metric <name>', 'the primary (default) or a secondary metric')
      .option('--value <number>', 'a value for the conversion (e.g. revenue)')
      .option(...logOption)
      .action(async (id, opts) => (await import('./commands/experiment-events.js')).runExperimentConvert(ctx, id, opts));
    experiment
      .command('results')
      .description('analyse the event log: per-arm rates, lifts with intervals, adjusted p-values, sample-ratio check, verdict')
      .argument('<id>', 'experiment id')
      .option('--alpha <alpha>', 'significance level', '0.05')
      .addOption(new Option('--correction <method>', 'multiple-comparison adjustment').choices(['holm', 'bh', 'none']).default('holm'))
      .option(...logOption)
      .action(async (id, opts) => (await import('./commands/experiment-results.js')).runExperimentResults(ctx, id, opts));
  }

  // ---- safe edits (SPEC 3 "Every command that changes a file") ----
  program
    .command('toggle')
    .description('turn a flag on or off (globally, or in one environment with --env); without --on/--off it flips')
    .argument('<key>', 'flag key')
    .option('--on', 'turn it on')
    .option('--off', 'turn it off')
    .option('--env <name>', 'only in this environment (environments.<name>.enabled)')
    .addHelpText('after', '\nExamples:\n  flags toggle model-provider --off\n  flags toggle model-provider --on --env staging')
    .action(async (key, opts) => (await import('./commands/toggle.js')).runToggle(ctx, key, opts));

  program
    .command('kill')
    .description('activate the kill switch: killSwitch true and enabled false (works even when the flag has other errors)')
    .argument('<key>', 'flag key')
    .action(async (key, opts) => (await import('./commands/kill.js')).runKill(ctx, key, opts));

  program
    .command('revive')
    .description('deactivate the kill switch; the flag stays disabled until toggled on')
    .argument('<key>', 'flag key')
    .action(async (key, opts) => (await import('./commands/revive.js')).runRevive(ctx, key, opts));

  program
    .command('set')
    .description('set one scalar field, VALUE parsed by the field\'s type and checked before writing')
    .argument('<key>', 'flag key')
    .argument('<path>', 'field: enabled, defaultValue, name, description, owner, fallthrough.percentage, rules.<ruleId>.value, variants.<key>.weight, environments.<env>.value, …')
    .argument('<value>', 'new value (true/false, a number, text; JSON for json flags)')
    .addHelpText('after', '\nExamples:\n  flags set new-orchestrator-v2 fallthrough.percentage 25\n  flags set model-provider defaultValue openai\n  flags set new-orchestrator-v2 rules.beta-testers.percentage 50')
    .action(async (key, fieldPath, value, opts) => (await import('./commands/set.js')).runSet(ctx, key, fieldPath, value, opts));

  program
    .command('rollout')
    .description('set a gradual rollout percentage: the fallthrough\'s, or a rule\'s with --rule')
    .argument('<key>', 'flag key')
    .argument('<percent>', '0–100, up to two decimals (25, 12.5 or 25%)')
    .option('--rule <id>', 'the rule to roll out instead of the fallthrough')
    .action(async (key, percent, opts) => (await import('./commands/rollout.js')).runRollout(ctx, key, percent, opts));

  program
    .command('create')
    .description('write a new disabled flag to <flags dir>/KEY.yaml')
    .argument('<key>', 'flag key: letters, digits, ".", "_", "-"')
    .requiredOption('--type <type>', 'boolean, string, number or json')
    .requiredOption('--default <value>', 'default value, parsed by the type (JSON for json flags)')
    .option('--name <name>', 'display name (default: the key)')
    .option('--description <text>', 'description (default: empty)')
    .option('--owner <owner>', 'owning team')
    .option('--tag <tag>', 'tag (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--on-value <value>', 'what the flag serves once on: writes fallthrough.value (boolean flags: the opposite of --default)')
    .option('--rollout <percent>', 'serve the on-value to this share of contexts (fallthrough.percentage)')
    .addHelpText('after', '\nExamples:\n  flags create checkout-redesign --type boolean --default false --owner web-team --tag checkout --on-value true\n  flags create dark-mode --type boolean --default false --rollout 10')
    .action(async (key, opts) => (await import('./commands/create.js')).runCreate(ctx, key, opts));

  // ---- validation (SPEC 1.3) ----
  program
    .command('validate')
    .description('check every flag and experiment file; findings at file:line:col (exit 1 on errors)')
    .addOption(new Option('--format <format>', 'output format (default: text; json with --json)').choices(['text', 'json', 'github']))
    .option('--strict', 'warnings fail too (exit 1)')
    .action(async (opts) => (await import('./commands/validate.js')).runValidate(ctx, opts));

  program
    .command('schema')
    .description('print the JSON Schema of flag files, for editors (VS Code YAML extension)')
    .option('--experiment', 'the schema of experiment definitions (flags/experiments/*.yaml) instead')
    .action(async (opts) => (await import('./commands/schema.js')).runSchema(ctx, opts));

  // ---- review (SPEC 3 `flags diff`) ----
  program
    .command('diff')
    .description('semantic diff of the flags between a git revision and the working tree, with risk and blast radius (exit 0 with or without changes)')
    .argument('[base]', 'git revision to compare with (default: HEAD; in CI e.g. origin/main)')
    .argument('[head]', 'a second revision to compare instead of the working tree (flags diff main feature-branch)')
    .addOption(new Option('--format <format>', 'output format (default: text; json with --json)').choices(['text', 'markdown', 'json']))
    .option('--contexts <file>', 'JSON Lines of real contexts (or - for stdin) to measure the blast radius over, instead of segments')
    .addHelpText('after', '\nExamples:\n  flags diff\n  flags diff origin/main --format markdown > flags-diff.md\n  flags diff main feature-branch\n  flags diff main --contexts users.jsonl --json')
    .action(async (base, head, opts) => (await import('./commands/diff.js')).runDiff(ctx, base, opts, head));

  return program;
}

export { Option };
