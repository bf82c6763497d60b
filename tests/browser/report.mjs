// The HTML report in real headless Chromium: every figure on the page
// (each <data data-figure>) against the JSON reports, axe-core's
// accessibility rules, the layout at A4 and at phone width, and
// screenshots. Prints one line per check, "ok|WHAT" or "not ok|WHAT",
// for the TAP wrapper report.sh.
// After "--", a second page with its own JSON reports: the models report
// (tests/data/models), whose figures, charts and accessibility are
// checked the same way, with a full-page screenshot report-models.png.
// Usage: node report.mjs REPORT.html SHOT_DIR PROFILE_DIR JSON...
//          [-- MODELS.html JSON...]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const require = createRequire(`${process.env.MEJORA_NODE_MODULES}/`);
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const args = process.argv.slice(2);
const cut = args.indexOf('--');
const [html, shots, profile, ...jsons] = cut < 0 ? args : args.slice(0, cut);
const [models, ...modelJsons] = cut < 0 ? [] : args.slice(cut + 1);
const check = (cond, what) =>
  console.log(`${cond ? 'ok' : 'not ok'}|${what}`);

// Each JSON figure under the name the page gives it.
const fields = ['cycle', 'scorer', 'metric', 'questionnaire', 'question',
                'requirement', 'segment', 'subject', 'label'];
const wanted = (files) => {
  const m = new Map();
  for (const file of files) {
    for (const f of JSON.parse(readFileSync(file, 'utf8')).figures)
      m.set(fields.map((k) => (f[k] ?? '')).join('|'), f.value);
  }
  return m;
};
const want = wanted(jsons);

// The figures on the page, and those that differ from the JSON's.
const compare = async (page, want) => {
  const figs = await page.$$eval('data[data-figure]', (els) =>
    els.map((e) => [e.dataset.figure, e.value]));
  const bad = [];
  for (const [key, value] of figs) {
    if (!want.has(key)) { bad.push(`${key}: not in the JSON`); continue; }
    const w = want.get(key);
    if (value === '' ? w !== null
        : w === null || Math.abs(Number(value) - w) > 1e-6 * Math.max(1, Math.abs(w)))
      bad.push(`${key}: page ${value}, JSON ${w}`);
  }
  return { figs, bad };
};

// Each chart: an image with a title, a description and a data table.
const chartsOf = (page) => page.$$eval('svg', (els) => els.map((s) => ({
  img: s.getAttribute('role') === 'img',
  title: (s.querySelector('title')?.textContent || '').length > 0,
  desc: (s.querySelector('desc')?.textContent || '').length > 0,
  table: !!s.parentElement.querySelector('details table'),
})));

// axe-core's serious and critical violations on the page.
const seriousOf = async (page) => {
  await page.addScriptTag({ path: axePath });
  const axe = await page.evaluate(() => window.axe.run(document,
    { resultTypes: ['violations'] }));
  return axe.violations.filter((v) =>
    v.impact === 'serious' || v.impact === 'critical');
};

const flags = ['--headless', '--no-sandbox', '--disable-gpu',
               '--disable-background-networking', '--disable-component-update',
               '--disable-sync', '--no-first-run'];
let ctx = null;
try {
  // A4 at 96 dpi: 794 x 1123 pixels. Generous waits, as serve.mjs has
  // them: a loaded machine is slow, and a test never fails on timing.
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM, args: flags, headless: true,
    timeout: 300000, viewport: { width: 794, height: 1123 } });
  ctx.setDefaultTimeout(300000);
  ctx.setDefaultNavigationTimeout(300000);
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  const res = await page.goto(pathToFileURL(html).href);
  check(res && res.ok() && (await page.title()).length > 0,
        'the report opens in Chromium, with a title');

  const { figs, bad } = await compare(page, want);
  check(figs.length >= 60 && bad.length === 0,
        `every figure on the page (${figs.length}) is the JSON report's` +
        (bad.length ? `: ${bad.slice(0, 3).join('; ')}` : ''));

  const charts = await chartsOf(page);
  check(charts.length >= 6 && charts.every((c) => c.img && c.title && c.desc && c.table),
        `every chart (${charts.length}) is an image with a title, a description and a table`);

  const serious = await seriousOf(page);
  check(serious.length === 0,
        `axe-core: no serious or critical violation` +
        (serious.length ? ` (${serious.map((v) => `${v.id}: ${v.nodes.length}`).join(', ')})` : ''));

  await page.screenshot({ path: `${shots}/report-first.png` });
  const chart = page.locator('section:has(svg)').nth(1);
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/report-chart.png` });
  check(true, 'screenshots of the first page and of a chart page');

  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => ({
    summary: getComputedStyle(document.querySelector('details > summary')).display,
    breaks: [...document.querySelectorAll('section')].every((s) =>
      getComputedStyle(s).breakBefore === 'page'),
  }));
  check(printed.summary === 'none' && printed.breaks,
        'print: a page per section, no toggles');
  await page.emulateMedia({ media: 'screen' });

  await page.setViewportSize({ width: 390, height: 844 });
  const wide = await page.evaluate(() =>
    document.documentElement.scrollWidth);
  check(wide <= 390, `phone width: nothing wider than the screen (${wide}px)`);
  await page.screenshot({ path: `${shots}/report-phone.png` });
  check(requests.length === 0, `nothing fetched (${requests.join(' ')})`);
  check(errors.length === 0, `no script or console errors (${errors.join('; ')})`);

  if (models) {
    // The models report: every kind of chart, at A4 width.
    await page.setViewportSize({ width: 794, height: 1123 });
    const res2 = await page.goto(pathToFileURL(models).href);
    const m = await compare(page, wanted(modelJsons));
    check(res2 && res2.ok() && m.figs.length >= 100 && m.bad.length === 0,
          `models page: every figure (${m.figs.length}) is the JSON report's` +
          (m.bad.length ? `: ${m.bad.slice(0, 3).join('; ')}` : ''));
    const mc = await chartsOf(page);
    check(mc.length >= 9 && mc.every((c) => c.img && c.title && c.desc && c.table),
          `models page: every chart (${mc.length}) is an image with a ` +
          'title, a description and a table');
    const ms = await seriousOf(page);
    check(ms.length === 0,
          'models page: axe-core, no serious or critical violation' +
          (ms.length ? ` (${ms.map((v) => `${v.id}: ${v.nodes.length}`).join(', ')})` : ''));
    await page.screenshot({ path: `${shots}/report-models.png`, fullPage: true });
    check(true, 'models page: full-page screenshot report-models.png');
  }
  await ctx.close();
  ctx = null;
} catch (e) {
  check(false, `browser run: ${String(e).split('\n')[0]}`);
} finally {
  if (ctx) await ctx.close();
}
