/**
 * `flags config` (SPEC 5): the settings in force and where each comes from
 * (an option, an environment variable, flags.config.yaml:LINE:COL, or the
 * default), so "which flags directory is this using?" has one answer.
 */
import type { CommandContext } from '../context.js';
import { renderTable } from '../render/table.js';

export async function runConfig(ctx: CommandContext): Promise<void> {
  const s = ctx.settings;
  const shown = (p: string) => ctx.relative(p);
  const rows: [string, string, string][] = [
    ['dir', shown(s.dir.value), s.dir.from],
    ['eventLog', shown(s.eventLog.value), s.eventLog.from],
    ['environments', s.environments.value === undefined ? '(any)' : s.environments.value.join(', ') || '(none)', s.environments.from],
    ['timestamps', String(s.timestamps.value), s.timestamps.from],
  ];
  if (ctx.json) {
    ctx.printJson({
      configFile: s.configFile === undefined ? null : shown(s.configFile),
      settings: Object.fromEntries(
        (['dir', 'eventLog', 'environments', 'timestamps'] as const).map((k) => {
          const v = s[k].value;
          return [k, { value: typeof v === 'string' ? shown(v) : (v ?? null), from: s[k].from }];
        }),
      ),
    });
    return;
  }
  ctx.out(s.configFile === undefined ? 'config file: none (flags init writes one; looked in this folder and up to the repository root)' : `config file: ${shown(s.configFile)}`);
  ctx.out(renderTable(['setting', 'value', 'from'], rows, { color: ctx.color }));
}
