/**
 * `results --format html` rendered in a real browser: Debian's chromium,
 * driven by playwright-core (`which chromium`). The charts are there, their
 * numbers are the JSON's, and the page asks the network for nothing.
 * Set REPORT_SCREENSHOT=path to also save a screenshot (docs/images uses it).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/cli.js';
import { LOG, ok, revenueLog, revenueProject } from './experiment-metrics-fixture.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

let browser: Browser;
beforeAll(async () => {
  const executablePath = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the HTML report in headless Chromium', () => {
  it('is one self-contained page: charts per metric and over time, numbers equal to the JSON, no request', async () => {
    const d = await revenueProject(dirs);
    writeFileSync(path.join(d, LOG), revenueLog({ refundOnepage: 0.035 }).join('\n') + '\n');
    const json = JSON.parse((await ok(d, ['experiment', 'results', 'checkout', '--json'])).stdout);
    const html = (await ok(d, ['experiment', 'results', 'checkout', '--format', 'html'])).stdout;
    expect(html).not.toMatch(/<script(?![^>]*application\/json)|<link|<img|@import|url\(/i);

    const context = await browser.newContext();
    const requests: string[] = [];
    // Any request at all (a font, an image, a beacon) is recorded and refused.
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForTimeout(200);

    expect(await page.locator('svg.interval-chart').count()).toBe(2 * json.metrics.length);
    expect(await page.locator('svg.timeline-chart').count()).toBe(1);
    expect(await page.locator('#verdict').innerText()).toMatch(/^Verdict: onepage beats classic: \+[\d.]+ revenue per user/);

    // Every mark's numbers, read back from the rendered page, are the JSON's.
    const marks = await page.$$eval('section.metric', (sections) =>
      sections.map((s) => ({
        metric: s.getAttribute('data-metric'),
        arms: [...s.querySelectorAll('g.row[data-kind="arm"]')].map((g) => ({ arm: g.getAttribute('data-arm'), mean: g.getAttribute('data-mean'), lo: g.getAttribute('data-lo'), hi: g.getAttribute('data-hi'), users: g.getAttribute('data-users') })),
        lifts: [...s.querySelectorAll('g.row[data-kind="lift"]')].map((g) => ({ treatment: g.getAttribute('data-treatment'), lift: g.getAttribute('data-lift'), lo: g.getAttribute('data-lo'), hi: g.getAttribute('data-hi'), p: g.getAttribute('data-adjusted-p') })),
      })),
    );
    expect(marks).toEqual(
      json.metrics.map((m: { key: string; arms: { key: string; users: number; mean: number; interval: [number, number] }[]; comparisons: { treatment: string; absoluteLift: number; interval: [number, number]; adjustedPValue: number }[] }) => ({
        metric: m.key,
        arms: m.arms.map((a) => ({ arm: a.key, mean: String(a.mean), lo: String(a.interval[0]), hi: String(a.interval[1]), users: String(a.users) })),
        lifts: m.comparisons.map((c) => ({ treatment: c.treatment, lift: String(c.absoluteLift), lo: String(c.interval[0]), hi: String(c.interval[1]), p: String(c.adjustedPValue) })),
      })),
    );
    const series = await page.$$eval('svg.timeline-chart g.series', (gs) => gs.map((g) => [g.getAttribute('data-arm'), Number(g.getAttribute('data-users')), Number(g.getAttribute('data-converters'))]));
    expect(series).toEqual(json.arms.map((a: { key: string; users: number; converters: number }) => [a.key, a.users, a.converters]));
    expect(await page.locator('#srm').getAttribute('data-p')).toBe(String(json.srm.pValue));
    // The embedded results are the JSON output, so tools can read the page.
    expect(JSON.parse(await page.locator('#results-json').textContent() ?? '')).toEqual(json);
    // Each chart drew its marks: circles for the values, lines for the intervals.
    expect(await page.locator('svg.interval-chart circle').count()).toBe(json.metrics.reduce((s: number, m: { arms: unknown[]; comparisons: unknown[] }) => s + m.arms.length + m.comparisons.length, 0));
    expect(await page.locator('svg.timeline-chart path').count()).toBe(4);
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });

    expect(requests).toEqual([]);
    await context.close();
  }, 60_000);

  it('escapes names from the definition and the log', async () => {
    const d = await revenueProject(dirs);
    const file = path.join(d, 'flags/experiments/checkout.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, 'name: "<img src=x onerror=alert(1)>"'));
    const html = (await ok(d, ['experiment', 'results', 'checkout', '--format', 'html'])).stdout;
    expect(html).not.toContain('<img');
    const page = await browser.newPage();
    await page.setContent(html);
    expect(await page.locator('h1').innerText()).toBe('Experiment checkout: <img src=x onerror=alert(1)>');
    await page.close();
  }, 60_000);
});
