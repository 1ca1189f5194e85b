/**
 * `flags init` (SPEC 5): sets a repository up in one step — flags.config.yaml
 * at the repository root, the flags directory with one example flag that
 * `validate --strict` accepts, the event log in .gitignore — and prints the
 * next steps. It writes nothing when any of it already exists, and says what
 * does: a second run, or a run in a project set up by hand, changes nothing.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FlagsError } from '../../errors.js';
import { writeFileAtomic } from '../../store/atomic-write.js';
import { timestamp } from '../../store/flag-edits.js';
import { DEFAULT_EVENT_LOG } from '../../store/paths.js';
import { CONFIG_FILE, findConfigFile, findRepositoryRoot } from '../../store/settings.js';
import type { CommandContext } from '../context.js';

export const EXAMPLE_FLAG_KEY = 'example-flag';

/** Paths in the written files use forward slashes, whatever the platform. */
const posix = (p: string) => p.split(path.sep).join('/');

export async function runInit(ctx: CommandContext): Promise<void> {
  const { cwd } = ctx.io;
  const root = findRepositoryRoot(cwd) ?? cwd;
  const configFile = path.join(root, CONFIG_FILE);
  // --dir names the flags directory to create; by default `flags/` beside the config.
  const flagsDir = ctx.options.dir !== undefined ? path.resolve(cwd, ctx.options.dir) : path.join(root, 'flags');
  const relDir = posix(path.relative(root, flagsDir)) || '.';
  if (relDir.startsWith('..')) throw new FlagsError('INIT_REFUSED', `--dir ${ctx.options.dir} lies outside ${ctx.relative(root) === '.' ? 'this repository' : ctx.relative(root)}; the flags directory belongs inside it`);
  const eventLog = `${relDir}/${DEFAULT_EVENT_LOG}`;
  const gitignore = path.join(root, '.gitignore');

  const existing = [findConfigFile(cwd), existsSync(flagsDir) ? flagsDir : undefined].filter((p): p is string => p !== undefined);
  if (existing.length > 0) {
    const what = existing.map((p) => `${ctx.relative(p)}${p === flagsDir ? '/' : ''}`).join(' and ');
    throw new FlagsError('INIT_REFUSED', `nothing written: ${what} already exist${existing.length === 1 ? 's' : ''} (this project is set up; \`flags config\` shows its settings)`);
  }

  const written: [string, string][] = [];
  await writeFileAtomic(configFile, configText(relDir, eventLog), { exclusive: true, displayName: ctx.relative(configFile) });
  written.push([ctx.relative(configFile), 'project settings (`npx flags config` shows those in force)']);
  mkdirSync(flagsDir, { recursive: true });
  const flagFile = path.join(flagsDir, `${EXAMPLE_FLAG_KEY}.yaml`);
  await writeFileAtomic(flagFile, exampleFlagText(timestamp(undefined)), { exclusive: true, root: flagsDir, displayName: ctx.relative(flagFile) });
  written.push([ctx.relative(flagFile), 'an example flag, disabled: toggle, evaluate, then delete it']);

  // Compared and kept as bytes (one character per byte): git reads .gitignore as bytes, and one
  // that is not UTF-8 (a Latin-1 comment) was written back with U+FFFD in place of its bytes.
  const ignored = existsSync(gitignore) ? readFileSync(gitignore) : Buffer.alloc(0);
  const asBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const wanted = [asBytes(eventLog), asBytes(`/${eventLog}`)];
  if (!ignored.toString('latin1').split(/\r?\n/).some((line) => wanted.includes(line.trim()))) {
    // Appended, never rewritten: the existing lines stay byte for byte.
    const sep = ignored.length === 0 || ignored[ignored.length - 1] === 0x0a ? '' : '\n';
    const added = Buffer.from(`${sep}# flagyard: the experiment event log is data, not configuration\n${eventLog}\n`, 'utf8');
    await writeFileAtomic(gitignore, Buffer.concat([ignored, added]), { displayName: ctx.relative(gitignore) });
    written.push([ctx.relative(gitignore), `+ ${eventLog} (experiment events stay out of git)`]);
  }

  if (ctx.json) {
    ctx.printJson({ created: written.map(([file, what]) => ({ file, what })) });
    return;
  }
  const width = Math.max(...written.map(([f]) => f.length));
  ctx.out('Set up flagyard:');
  for (const [file, what] of written) ctx.out(`  ${file.padEnd(width)}  ${what}`);
  ctx.out('');
  ctx.out('Try it:');
  ctx.out(`  npx flags validate --strict`);
  ctx.out(`  npx flags toggle ${EXAMPLE_FLAG_KEY} --on`);
  ctx.out(`  npx flags eval ${EXAMPLE_FLAG_KEY} --set user.beta=true`);
  ctx.out('');
  ctx.out('Next steps:');
  ctx.out('  1. Validate in CI: copy the GitHub Actions (or GitLab) job from node_modules/flagyard/docs/ci.md;');
  ctx.out('     it runs `npx flags validate --format github` on every pull request.');
  ctx.out('  2. Editor support: `npx flags schema > .vscode/flags.schema.json`, then the VS Code settings');
  ctx.out('     in node_modules/flagyard/docs/validation.md ("Editor set-up").');
  ctx.out('  3. Your first real flag: npx flags create my-feature --type boolean --default false --owner my-team');
}

function configText(dir: string, eventLog: string): string {
  return `# flagyard project settings. Found from any folder of the repository;
# \`npx flags config\` shows the settings in force and where each comes from,
# \`npx flags schema --config\` prints this file's JSON Schema.

# The flags directory, relative to this file (--dir and FLAGS_DIR override it).
dir: ${dir}

# The experiment event log (--log and FLAGS_EVENT_LOG override it); ignored by git.
eventLog: ${eventLog}

# The environment names the project uses: \`flags validate\` then warns about any
# other name in a flag file, and \`--env\` refuses unknown names.
# environments: [development, staging, production]

# false: edits leave updatedAt/createdAt alone, so two branches that change
# different fields of one flag merge without a conflict.
# timestamps: false
`;
}

function exampleFlagText(now: string): string {
  return `key: ${EXAMPLE_FLAG_KEY}
name: Example flag
description: Written by flags init. On for beta users, off for everyone else until rolled out; delete it once you have your own flags.
type: boolean
defaultValue: false
enabled: false
rules:
  - id: beta-users
    conditions:
      - attribute: user.beta
        operator: equals
        value: true
    value: true
fallthrough:
  percentage: 0
  value: true
tags:
  - example
owner: ""
createdAt: ${now}
updatedAt: ${now}
`;
}
