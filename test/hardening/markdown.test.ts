/**
 * Issue 13, item 5: values from flag files are inert in the pull-request
 * comment (`flags diff --format markdown`). A rule id, attribute or value
 * holding a blank line and `# heading`, `<img src=x>`, `@mention`, `<!--`, a
 * URL or a backtick used to go into the comment raw: `<!--` hid the rest of
 * the report (other flags' changes, the warning about invalid files) from
 * reviewers. The oracle is a real CommonMark + GFM-tables renderer
 * (markdown-it, with HTML and linkify on, as GitHub allows both).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, describe, expect, it } from 'vitest';
import { mdCode, mdHtml, mdText } from '../../src/cli/render/markdown.js';
import { flagYaml, removeDir, runMain, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const md = new MarkdownIt({ html: true, linkify: true });

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

const HOSTILE = [
  'x\n\n# heading',
  '<img src=x onerror=alert(1)>',
  '@octocat please merge',
  '<!-- hide the rest',
  'see https://evil.example/x and www.evil.example',
  'a`b``c` | cell | end',
  'line\r\nbreak\u2028sep\u0085nel',
  '#1234 fixes',
  '**bold** _em_ [link](http://x) ![i](http://y)',
];

function ruleWith(id: string, attribute: string, value: string): string {
  return `rules:\n  - id: ${JSON.stringify(id)}\n    conditions: [{attribute: ${JSON.stringify(attribute)}, operator: equals, value: ${JSON.stringify(value)}}]\n    value: true`;
}

/** Everything a reader sees as text outside code: where mentions, references and links would come alive. */
function proseOf(html: string): string {
  return html.replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<[^>]+>/g, ' ');
}

describe('flags diff --format markdown: values from files are inert', () => {
  it('hostile rule ids, attributes and values change nothing but their own cells', async () => {
    const dir = tempDir('flags-md-');
    dirs.push(dir);
    git(dir, 'init', '-q');
    const put = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    };
    put('flags/aaa.yaml', flagYaml('aaa'));
    put('flags/zzz.yaml', flagYaml('zzz'));
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'base');
    // The working tree: aaa gets one hostile rule per string, zzz changes after it, one file is invalid.
    put('flags/aaa.yaml', flagYaml('aaa').replace('rules: []', ruleWith(HOSTILE[0], 'user.id', HOSTILE[0]) + HOSTILE.slice(1).map((h, i) => '\n' + ruleWith(h, `attr${i}`, h).replace('rules:\n', '')).join('')));
    put('flags/zzz.yaml', flagYaml('zzz').replace('defaultValue: false', 'defaultValue: true'));
    put('flags/broken.yaml', flagYaml('broken', 'enabeld: true\n'));

    const r = await runMain(['diff', '--format', 'markdown'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const html = md.render(r.stdout);
    // Nothing hidden: the one comment is the marker; zzz's row and the invalid-file warning are there.
    expect(html.match(/<!--/g)).toHaveLength(1);
    expect(html).toContain('<code>zzz</code>');
    expect(html).toMatch(/1 flag file has errors/);
    expect(html).toContain('UNKNOWN_FIELD');
    // No markup from the files: no heading but the report's own, no image, no link, no emphasis.
    expect(html.match(/<h\d/g)).toEqual(['<h3']);
    expect(html).not.toMatch(/<img|<a |<strong>bold|<em>em/);
    // No mention, reference or autolink in the prose.
    const prose = proseOf(html);
    expect(prose).not.toMatch(/@[A-Za-z0-9]|#\d|https?:\/\/|www\./);
    // The summary table has its header and one row per flag, each with four cells.
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    const rows = table.split('<tr>').slice(1);
    expect(rows.map((row) => (row.match(/<t[dh]>/g) ?? []).length)).toEqual([4, 4, 4]);
    // No line of the comment starts with markup from a file.
    expect(r.stdout).not.toMatch(/^(# heading|<img|<!-- hide)/m);
  });
});

describe('the helpers', () => {
  it.each(HOSTILE)('%j is one inert line in text, code and HTML', (h) => {
    const html = md.render(`<details>\n<summary><b>${mdHtml(h)}</b> <code>${mdHtml(h)}</code></summary>\n\nafter\n\n</details>`);
    expect(html).toContain('<p>after</p>');
    expect(html).not.toMatch(/<img|<a |<h\d|<!--|<strong>|<em>/);
    expect(proseOf(html)).not.toMatch(/@[A-Za-z0-9]/);
    for (const out of [mdText(h), mdCode(h)]) {
      expect(out).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
      const html = md.render(`| a | b |\n|---|---|\n| ${out} | end |\n\nafter`);
      expect(html, out).toMatch(/<td>[\s\S]*<\/td>\s*<td>end<\/td>/);
      expect(html).toContain('<p>after</p>');
      expect(html).not.toMatch(/<img|<a |<h\d|<!--|<strong>|<em>/);
      expect(proseOf(html)).not.toMatch(/@[A-Za-z0-9]|#\d|https?:\/\/|www\./);
    }
  });

  it('code spans keep the text readable', () => {
    expect(md.renderInline(mdCode('a`b``c'))).toBe('<code>a`b``c</code>');
    expect(md.renderInline(mdCode('x\ny'))).toBe('<code>x\\ny</code>');
  });
});
