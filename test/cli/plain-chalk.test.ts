/**
 * The colourless chalk the CLI bundle uses at level 0 (src/cli/plain-chalk.ts,
 * issue 21.1) prints exactly what chalk prints at level 0, for every style,
 * chain and argument shape.
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { plainChalk } from '../../src/cli/plain-chalk.js';

type Style = (...args: unknown[]) => string;
const at = (root: unknown, chain: string[]) => chain.reduce((c, k) => (c as Record<string, unknown>)[k], root) as Style;

describe('plainChalk', () => {
  const real = new Chalk({ level: 0 });
  const plain = plainChalk();
  const names = ['bold', 'dim', 'italic', 'underline', 'inverse', 'hidden', 'strikethrough', 'visible', 'red', 'green', 'yellow', 'cyan', 'gray', 'bgRed', 'blackBright', 'reset'];
  const argSets: unknown[][] = [[], ['text'], [''], [42], [null], [undefined], ['a', 'b', 3], [{ toString: () => 'obj' }], ['line\nbreak \u001b[31m']];

  it('returns what chalk level 0 returns', () => {
    const chains = [...names.map((n) => [n]), ...names.flatMap((a) => names.map((b) => [a, b])), ['red', 'bold', 'visible', 'dim']];
    for (const chain of chains) {
      for (const args of argSets) expect(at(plain, chain)(...args), `${chain.join('.')}(${JSON.stringify(args)})`).toBe(at(real, chain)(...args));
    }
    expect(plain('a', 'b')).toBe(real('a', 'b'));
    expect(plain.level).toBe(real.level);
  });

  it('takes a colour model first', () => {
    for (const [model, arg] of [['hex', '#ff0000'], ['rgb', 1], ['ansi256', 3], ['bgHex', '#000'], ['bgRgb', 1], ['bgAnsi256', 9]] as const) {
      const p = (plain as unknown as Record<string, (...a: unknown[]) => Style>)[model]!(arg, 2, 3);
      const r = (real as unknown as Record<string, (...a: unknown[]) => Style>)[model]!(arg, 2, 3);
      expect(p('x')).toBe(r('x'));
      expect(at(p, ['bold'])('y', 1)).toBe(at(r, ['bold'])('y', 1));
      expect(at(p, ['visible'])('z')).toBe(at(r, ['visible'])('z'));
    }
  });
});
