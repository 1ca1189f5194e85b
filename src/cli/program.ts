/**
 * The whole command surface on one screen. Each action loads its command
 * module on first use (esbuild splits them into chunks), so start-up only
 * pays for commander and the command that runs.
 */
import { Command, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type { CommandContext } from './context.js';

export function buildProgram(ctx: CommandContext, argv?: string[]): Command {
  // ---- start-up (issue 21.1): define only the command that runs ----
  // Defining all ~40 commands and their ~150 options costs several ms at every
  // start, so when argv names a command only that one is defined (every other
  // `program.command(…)` below goes to a sink that ignores it). The command's
  // options, help and errors are what the full program gives it; anything else
  // (no command, an unknown one, `help`, an option before the command that is
  // not a global one) gets the full program, so --help, suggestions and usage
  // errors never change.
  const running = runningCommand(argv);
  if (running !== undefined) {
    const one = defineProgram(ctx, running);
    if (one.commands.length > 0) return one;
  }
  return defineProgram(ctx, undefined);
}

/**
 * The command argv runs, if it can be told without commander: the first
 * operand after the global options. scripts/load-cli.cjs picks the bundle by
 * the same rule (test/cli/startup.test.ts holds them to the same answers).
 */
export function runningCommand(argv: string[] | undefined): string | undefined {
  for (let i = 0; argv && i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dir') i++;
    else if (arg !== '--json' && arg !== '--no-color' && !arg.startsWith('--dir=')) return arg.startsWith('-') ? undefined : arg;
  }
  return undefined;
}

/** A stand-in for a command that is not defined: every call returns it again. */
const SKIPPED: Command = new Proxy(function skipped() {}, { get: () => () => SKIPPED }) as unknown as Command;

/** `root`, except that `.command(name …)` of a command other than `only` defines nothing. */
function definingOnly(root: Command, only: string | undefined): Command {
  if (only === undefined) return root;
  return new Proxy(root, {
    get(target, key) {
      if (key === 'command') return (nameAndArgs: string, ...rest: unknown[]) => (nameAndArgs.split(' ')[0] === only ? target.command(nameAndArgs, ...(rest as [])) : SKIPPED);
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
// ---- end start-up ----

function defineProgram(ctx: CommandContext, only: string | undefined): Command {
  const { io } = ctx;
  const root = new Command('flags')
    .description('Feature flags as YAML files in git: validate, evaluate, edit, experiment, review.')
    .version(pkg.version, '-V, --version', 'print the version')
    .option('--dir <path>', 'flags directory (default: $FLAGS_DIR, else dir in flags.config.yaml, else ./flags)')
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
    .hook('preAction', async (_program, action) => {
      ctx.setGlobals(action.optsWithGlobals());
      await ctx.loadSettings();
    });
  const program = definingOnly(root, only);
  program.addHelpText('after', '\nExit codes: 0 success, 1 a problem was found, 2 usage error.\nDocs: node_modules/flagyard/README.md and docs/*.md beside it (in the project that installed flagyard)');

  // ---- reading ----
  program
    .command('list')
    .description('list the flags as a table (key, enabled, type, tags, kill switch, owner)')
    .option('--tag <tag>', 'only flags with this tag')
    .option('--segments', 'list the segments (flags/segments/*.yaml) instead: key, conditions, flags using each')
    .action(async (opts) => (await import('./commands/list.js')).runList(ctx, opts));

  program
    .command('show')
    .description('show one flag in full: rules, rollouts, variants, environments (or a segment with --segment)')
    .argument('[key]', 'flag key')
    .option('--segment <key>', 'show a segment: its conditions and the flags that use it')
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
    .option('--explain', 'why: every step, each rule with each condition\'s verdict, the bucket key and bucket numbers')
    .addHelpText('after', '\nExamples:\n  flags eval new-orchestrator-v2 --set tenant.id=tenant-beta-1\n  flags eval parallel-agents-limit --set tenant.type=enterprise --json\n  flags eval --all --context ctx.json\n  flags eval new-orchestrator-v2 --contexts users.jsonl --summary')
    .action(async (key, opts) => (await import('./commands/eval.js')).runEval(ctx, key, opts));

  // ---- commands added by later work go below, each block self-contained ----

  // ---- experiments (SPEC 4) ----
  {
    const load = () => import('./commands/experiment.js');
    const list = (v: string, prev: string[] = []) => [...prev, v];
    const logOption = ['--log <path>', 'event log (default: $FLAGS_EVENT_LOG, else eventLog in flags.config.yaml, else <flags dir>/experiments/events.jsonl)'] as const;
    const experiment = program
      .command('experiment')
      .description('A/B experiments: define, run through their lifecycle, record exposures and conversions, analyse')
      .addHelpText('after', '\nA lifecycle action run again repairs a half-done one (flag and status disagreeing).\nWalk-through: node_modules/flagyard/docs/experiments.md');
    experiment
      .command('create')
      .description('write flags/experiments/ID.yaml (draft) and its flag (type string, a variant per arm, disabled), or use an existing flag whose variants are the arms')
      .argument('<id>', 'experiment id: letters, digits, ".", "_", "-"')
      .requiredOption('--flag <key>', 'key of the flag to create for the split, or of an existing flag with variants (any type)')
      .requiredOption('--name <name>', 'display name')
      .option('--description <text>', 'description')
      .option('--control <key[:name]>', 'the control arm (required for a new flag; for an existing flag, default: its first variant)')
      .option('--treatment <key[:name][:weight]>', 'a treatment arm (repeatable); without a weight, arms share the rest evenly', list)
      .requiredOption('--metric <name>', 'primary metric')
      .option('--secondary-metric <name>', 'secondary metric (repeatable)', list)
      .option('--owner <owner>', 'owner of the new flag')
      .addHelpText('after', '\nExample:\n  flags experiment create checkout-button --flag checkout-button-color --name "Checkout button colour" \\\n    --control blue:Blue --treatment green:Green --metric purchase\n  flags experiment create pricing-test --flag pricing-page --name "Pricing page" --metric purchase   # arms: the flag\'s variants')
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
      // ---- several logs, DuckDB, warehouse counts (SPEC 8, issue 18) ----
      .option('--log <path|glob>', 'event log: a file or a glob such as \'events/**/*.jsonl.gz\' (repeatable; gzip is read as such; default: $FLAGS_EVENT_LOG or <flags dir>/experiments/events.jsonl)', list)
      .addOption(new Option('--engine <engine>', 'who counts the events: the streaming reader, or the embedded DuckDB (optional package @duckdb/node-api; also reads Parquet)').choices(['streaming', 'duckdb']))
      .option('--counts <file>', 'the result of `flags experiment sql` exported from a warehouse (CSV, JSON lines or a JSON array; - for stdin) instead of the logs')
      .addHelpText('after', '\nExamples:\n  flags experiment results checkout --log \'events/**/*.jsonl.gz\'\n  flags experiment results checkout --log \'events/*.parquet\' --engine duckdb\n  flags experiment results checkout --counts result.csv\nWarehouses: docs/warehouse.md')
      // ---- results, second round (SPEC 8) ----
      .option('--since <time>', 'only events at or after this date or ISO time (narrows the experiment\'s startDate)')
      .option('--until <time>', 'only events at or before this date (the whole day) or ISO time (narrows its endDate)')
      .option('--sequential', 'always-valid intervals and p-values, safe to look at every day (default: the definition\'s `analysis`, else fixed-horizon)')
      .addOption(new Option('--format <format>', 'output format (default: text; json with --json)').choices(['text', 'json', 'markdown', 'html']))
      .addHelpText('after', '\nExamples:\n  flags experiment results checkout-button --sequential\n  flags experiment results checkout-button --format html > report.html')
      .action(async (id, opts) => (await import('./commands/experiment-results.js')).runExperimentResults(ctx, id, opts));
    // ---- plan (SPEC 8) ----
    experiment
      .command('plan')
      .description('users per arm (and days) a conversion experiment needs to detect a given lift')
      .requiredOption('--baseline <rate>', "the control's conversion rate, e.g. 0.1 or 10%")
      .requiredOption('--mde <points>', 'the smallest absolute lift worth detecting, in percentage points (e.g. 2 for 10% → 12%)')
      .option('--arms <k>', 'arms including the control (p-values are Holm-adjusted across k − 1 treatments)', '2')
      .option('--alpha <alpha>', 'significance level', '0.05')
      .option('--power <power>', 'probability of detecting the lift when it is real', '0.8')
      .option('--daily-users <n>', 'users entering the experiment per day (all arms together), to print the days')
      .action(async (opts) => (await import('./commands/experiment-plan.js')).runExperimentPlan(ctx, opts));
    // ---- warehouse query (SPEC 8, issue 18) ----
    experiment
      .command('sql')
      .description("print the query that returns the experiment's sufficient statistics from an events table in a warehouse")
      .argument('<id>', 'experiment id')
      .addOption(new Option('--dialect <dialect>', 'SQL dialect').choices(['duckdb', 'postgres', 'bigquery', 'snowflake', 'clickhouse']).makeOptionMandatory())
      .option('--table <name>', 'events table, optionally qualified (schema.table, project.dataset.table); default events')
      .option('--columns <field=column,…>', 'column names that differ from the event fields type, experimentId, userId, variant, metric, value, timestamp (repeatable)', list)
      .addHelpText('after', '\nExample:\n  flags experiment sql checkout --dialect bigquery --table analytics.events --columns userId=user_id,timestamp=event_time\nRun it in the warehouse, export the result as CSV, then: flags experiment results checkout --counts result.csv\nDetails: docs/warehouse.md')
      .action(async (id, opts) => (await import('./commands/experiment-sql.js')).runExperimentSql(ctx, id, opts));
    // ---- end warehouse query ----
  }

  // ---- serving (SPEC 7) ----
  program
    .command('build')
    .description('write JSON bundles for the runtime, the OpenFeature provider and `flags serve --bundle`: one per environment and one without (exit 1, writing nothing, when a flag is invalid)')
    .option('--env <name>', 'build this environment (repeatable; default: every environment the flags name)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--out <dir>', 'output folder', 'bundles')
    .addHelpText('after', '\nExamples:\n  flags build\n  flags build --env production --env staging --out dist/flags\nFormat: docs/serving.md')
    .action(async (opts) => (await import('./commands/build.js')).runBuild(ctx, opts));

  program
    .command('serve')
    .description('serve the flags over OFREP (OpenFeature Remote Evaluation Protocol) to services in any language; hot reload; SIGTERM drains')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', '8016')
    .option('--bundle <file|url>', 'serve a bundle from `flags build` (file or http(s) URL, polled) instead of the flags directory')
    .option('--env <name>', 'default context.environment')
    .option('--token-file <file>', 'require `Authorization: Bearer <token>` with the token in this file')
    .option('--log-requests', 'one access-log line per request on stdout')
    .option('--poll-ms <ms>', 'how often to check the bundle or the directory for changes', '1000')
    .option('--request-timeout <ms>', 'a request (headers and body) must arrive within this time', '10000')
    .option('--shutdown-delay <ms>', 'on SIGTERM, answer /readyz 503 for this long before closing the listener (behind a load balancer)', '0')
    .addHelpText('after', '\nExamples:\n  flags serve --env production --token-file /run/secrets/flags-token\n  flags serve --bundle https://cdn.example.com/flags/flags.production.json --env production\nClients: any OpenFeature OFREP provider pointed at http://HOST:PORT. Docs: docs/serving.md')
    .action(async (opts) => (await import('./commands/serve.js')).runServe(ctx, opts));

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
    .option('--env <name>', "in this environment only: its own fallthrough (created from the flag's value) or, with --rule, its own rule")
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
    .option('--expires <date>', 'expiresAt: validate warns EXPIRED from this date on (YYYY-MM-DD)')
    .addHelpText('after', '\nExamples:\n  flags create checkout-redesign --type boolean --default false --owner web-team --tag checkout --on-value true --expires 2027-03-01\n  flags create dark-mode --type boolean --default false --rollout 10')
    .action(async (key, opts) => (await import('./commands/create.js')).runCreate(ctx, key, opts));

  // ---- authoring (SPEC 6) ----
  {
    const load = () => import('./commands/authoring.js');
    const list = (v: string, prev: string[] = []) => [...prev, v];
    const rule = program.command('rule').description('add, remove or reorder targeting rules (of the flag, or of one environment with --env)');
    rule
      .command('add')
      .description('add a rule; each --when is one condition, all must hold')
      .argument('<key>', 'flag key')
      .requiredOption('--id <id>', 'rule id (unique within the flag)')
      .option('--when <condition>', "ATTR OP VALUE, VALUE as YAML flow: 'tenant.type in [pro, enterprise]', 'device.id exists', 'in_segment [beta-testers]' (repeatable)", list)
      .requiredOption('--value <value>', 'the value the rule serves, parsed by the flag type')
      .option('--percentage <p>', 'only this percentage of matching contexts (0–100, two decimals)')
      .option('--description <text>', 'what the rule is for')
      .option('--before <id>', 'insert before this rule')
      .option('--position <n>', 'insert at this position (1 = first)')
      .option('--env <name>', "the environment's own rules (created when it has none: they then replace the flag's there)")
      .addHelpText('after', "\nExample:\n  flags rule add new-checkout --id pro-tenants --when 'tenant.type in [pro, enterprise]' --when 'app.version semver_gte 2.3.0' --value true --percentage 25")
      .action(async (key, opts) => (await load()).runRuleAdd(ctx, key, opts));
    rule
      .command('remove')
      .description('remove a rule')
      .argument('<key>', 'flag key')
      .argument('<id>', 'rule id')
      .option('--env <name>', "an environment's own rule")
      .action(async (key, id, opts) => (await load()).runRuleRemove(ctx, key, id, opts));
    rule
      .command('move')
      .description('move a rule (rules are evaluated in order; the first match wins)')
      .argument('<key>', 'flag key')
      .argument('<id>', 'rule id')
      .option('--before <id>', 'put it right before this rule')
      .option('--position <n>', 'put it at this position (1 = first)')
      .option('--env <name>', "an environment's own rules")
      .action(async (key, id, opts) => (await load()).runRuleMove(ctx, key, id, opts));
    program
      .command('weights')
      .description('set variant weights in one write; the weights must sum to 100')
      .argument('<key>', 'flag key')
      .argument('<weights...>', 'VARIANT=WEIGHT, e.g. blue=50 green=50')
      .action(async (key, weights) => (await load()).runWeights(ctx, key, weights));
    program
      .command('tag')
      .description('add or remove tags')
      .argument('<key>', 'flag key')
      .option('--add <tag>', 'add a tag (repeatable)', list)
      .option('--remove <tag>', 'remove a tag (repeatable)', list)
      .action(async (key, opts) => (await load()).runTag(ctx, key, opts));
    program
      .command('delete')
      .description('delete a flag (its file, or its entry of a list file); refused while a running, paused or draft experiment uses it')
      .argument('<key>', 'flag key')
      .action(async (key) => (await load()).runDelete(ctx, key));
  }

  // ---- validation (SPEC 1.3) ----
  program
    .command('validate')
    .description('check every flag and experiment file; findings at file:line:col (exit 1 on errors)')
    .addOption(new Option('--format <format>', 'output format (default: text; json with --json)').choices(['text', 'json', 'github']))
    .option('--strict', 'warnings fail too (exit 1)')
    .option('--tests', 'also run the flag test specs (flags test): one CI step for both')
    .action(async (opts) => (await import('./commands/validate.js')).runValidate(ctx, opts));

  program
    .command('schema')
    .description('print the JSON Schema of flag files, for editors (VS Code YAML extension)')
    .option('--experiment', 'the schema of experiment definitions (flags/experiments/*.yaml) instead')
    .option('--config', 'the schema of flags.config.yaml instead')
    .option('--segment', 'the schema of segments (flags/segments/*.yaml) instead')
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

  // ---- project set-up and settings (SPEC 5) ----
  program
    .command('init')
    .description('set up this repository: flags.config.yaml, the flags directory with an example flag, the event log in .gitignore')
    .addHelpText('after', '\nWrites nothing when flags.config.yaml or the flags directory already exists.')
    .action(async () => (await import('./commands/init.js')).runInit(ctx));

  program
    .command('config')
    .description('print the settings in force (flags directory, event log, environments, timestamps) and where each comes from')
    .action(async () => (await import('./commands/config.js')).runConfig(ctx));
  // ---- hygiene and flag tests (issue 20) ----
  {
    const list = (v: string, prev: string[] = []) => [...prev, v];
    program
      .command('stale')
      .description('which flags are done: state, last change per flag from git history, code references; what to do first (exit 0)')
      .option('--since <days>', 'how long a flag stays killed, disabled or at one value before it is due (30d, 6w)', '30d')
      .option('--code <path>', 'where to look for references (repeatable; default: the whole repository, .gitignore respected)', list)
      .option('--pattern <regex>', "how code names a flag, {key} standing for the key (repeatable; default: the key in quotes), e.g. \"isEnabled\\('{key}'\"", list)
      .addOption(new Option('--format <format>', 'output format (default: text; json with --json)').choices(['text', 'json', 'markdown']))
      .addHelpText('after', "\nExamples:\n  flags stale\n  flags stale --since 90d --code src --code web/src\n  flags stale --pattern \"isEnabled\\('{key}'\" --pattern 'Flag\\.{key}\\b' --format markdown\n\nDocs: docs/hygiene.md")
      .action(async (opts) => (await import('./commands/stale.js')).runStale(ctx, opts));
    program
      .command('test')
      .description('run the flag test specs: what given contexts must get, what share a rollout must reach (exit 1 on any failure)')
      .argument('[paths...]', 'spec files or folders (default: <flags dir>/tests)')
      .addOption(new Option('--format <format>', 'output format (default: text; json with --json)').choices(['text', 'json', 'github']))
      .addHelpText('after', '\nExamples:\n  flags test\n  flags test flags/tests/checkout.yaml --format github\n  flags validate --tests        (validation and tests in one CI step)\n\nSpec format: docs/hygiene.md')
      .action(async (paths, opts) => (await import('./commands/test.js')).runTest(ctx, paths, opts));
    program
      .command('generate')
      .description('generate a typed module of flag keys and value types, so a typo in a key or a wrong type fails to compile')
      .requiredOption('--lang <lang>', 'target language: ts')
      .option('--out <file>', 'write the module to FILE (default: print it)')
      .option('--check', 'with --out: write nothing, exit 1 when FILE is missing or out of date (for CI)')
      .addHelpText('after', '\nExamples:\n  flags generate --lang ts --out src/flags.generated.ts\n  flags generate --lang ts --out src/flags.generated.ts --check')
      .action(async (opts) => (await import('./commands/generate.js')).runGenerate(ctx, opts));
  }

  return root;
}

export { Option };
