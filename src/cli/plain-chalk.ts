/**
 * Start-up (issue 21.1): chalk at colour level 0 without loading chalk.
 * Loading chalk assembles every ANSI style at load (a few ms of `flags list`,
 * `flags validate`), although without colour each style only returns its text.
 * In the CLI bundle, `new Chalk({ level: 0 })` gives this instead (the chalk
 * stand-in in scripts/build.mjs, CLI block); any other level loads chalk.
 * What chalk 5 does at level 0: a style called with one argument returns it as
 * a string, with several their strings joined by spaces; a chain with
 * `visible` returns ''; rgb/hex/ansi256 (and bg…) take their colour first and
 * return a style. test/cli/plain-chalk.test.ts compares it with chalk.
 */
import type { ChalkInstance } from 'chalk';

const MODELS = new Set(['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256']);

export function plainChalk(empty = false): ChalkInstance {
  const style = (...args: unknown[]) => {
    const text = args.length === 1 ? '' + (args[0] as string) : args.join(' ');
    return empty ? '' : text;
  };
  return new Proxy(style, {
    get(target, key) {
      if (key === 'level') return 0;
      if (typeof key !== 'string') return Reflect.get(target, key);
      if (MODELS.has(key)) return () => plainChalk(empty);
      return plainChalk(empty || key === 'visible');
    },
  }) as unknown as ChalkInstance;
}
