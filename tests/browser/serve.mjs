// mejora serve in real headless Chromium at phone width: an invitation
// answered with a conditional question and a validation error, with
// JavaScript and without; the used link refused. Prints one line per
// check, "ok|WHAT" or "not ok|WHAT", for the TAP wrapper serve.sh.
// Usage: node serve.mjs BASE_URL TOKEN_JS TOKEN_NOJS SHOT_DIR PROFILE_DIR
import { createRequire } from 'node:module';

// playwright-core from the folder serve.sh names, so that a copy of the
// tests (make distcheck) runs against the modules npm ci installed.
const require = createRequire(`${process.env.MEJORA_NODE_MODULES}/`);
const { chromium } = require('playwright-core');

const [base, tokJs, tokNoJs, shots, profile] = process.argv.slice(2);
const check = (cond, what) =>
  console.log(`${cond ? 'ok' : 'not ok'}|${what}`);

// A fresh profile per run, given as Chromium's --user-data-dir (which
// playwright takes as the persistent context's folder); one per context,
// since JavaScript is on or off for a whole context.
const flags = ['--headless', '--no-sandbox', '--disable-gpu',
               '--disable-background-networking', '--disable-component-update',
               '--disable-sync', '--no-first-run'];
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
                isMobile: true, hasTouch: true };
// Generous waits: on a loaded two-core machine (a CI run beside builds)
// Chromium's first page has taken over 30 s, playwright's default; a test
// never fails on timing.
const open = async (dir, js) => {
  const c = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM, args: flags, headless: true,
    javaScriptEnabled: js, timeout: 300000, ...phone });
  c.setDefaultTimeout(300000);
  c.setDefaultNavigationTimeout(300000);
  return c;
};
const visible = (page, sel) => page.locator(sel).isVisible();

let ctx = null;
try {
  // ---- with JavaScript ------------------------------------------------
  ctx = await open(`${profile}/js`, true);
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  let res = await page.goto(`${base}/a/${tokJs}`);
  check(res.status() === 200, 'js: the invitation link opens the form');
  check((await page.title()).includes('Ana'), 'js: the title names the customer');
  // Selectors rather than page functions: the page's CSP forbids eval.
  await page.waitForSelector('#q-why[hidden]', { state: 'attached' });
  check(!(await visible(page, '#q-why')), 'js: the conditional question starts hidden');
  await page.getByLabel('9', { exact: true }).check();
  await page.waitForTimeout(600);
  check(!(await visible(page, '#q-why')), 'js: nps 9 leaves it hidden');
  await page.getByLabel('3', { exact: true }).first().check();
  await page.waitForSelector('#q-why', { state: 'visible' });
  check(true, 'js: nps 3 shows it (live ask_if)');
  await page.fill('#i-n', '99');
  await page.locator('#e-n', { hasText: '99' }).waitFor();
  check((await page.getAttribute('#i-n', 'aria-invalid')) === 'true',
        'js: an invalid number is flagged as typed, beside the question');
  await page.screenshot({ path: `${shots}/serve-js-error.png`, fullPage: true });
  await page.fill('#i-n', '4');
  await page.waitForSelector('#e-n:empty', { state: 'attached' });
  check(true, 'js: the error goes when the answer is fixed');
  await page.fill('#i-why', 'Too slow');
  await page.screenshot({ path: `${shots}/serve-js-form.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(),
                     page.getByRole('button').click()]);
  check((await page.textContent('body')).includes('Gracias'),
        'js: submitted and thanked in Spanish');
  await page.screenshot({ path: `${shots}/serve-js-thanks.png`, fullPage: true });
  // Before the refusal below, which the console reports as a failed load.
  check(errors.length === 0, `js: no script or CSP errors (${errors.join('; ')})`);
  res = await page.goto(`${base}/a/${tokJs}`);
  check(res.status() === 410 &&
        (await page.textContent('body')).includes('ya se usó'),
        'js: the used link is refused');
  await ctx.close();
  ctx = null;

  // ---- without JavaScript ---------------------------------------------
  ctx = await open(`${profile}/nojs`, false);
  const p2 = ctx.pages()[0] || await ctx.newPage();
  res = await p2.goto(`${base}/a/${tokNoJs}`);
  check(res.status() === 200 && (await visible(p2, '#q-why')),
        'nojs: the form shows every question');
  await p2.getByLabel('3', { exact: true }).first().check();
  await p2.getByLabel('phone').check();
  await Promise.all([p2.waitForNavigation(), p2.getByRole('button').click()]);
  check((await p2.textContent('#e-why')).length > 0 &&
        (await p2.isVisible('#summary')),
        'nojs: a blank conditional answer is refused beside its question');
  check(await p2.isChecked('input[name="q-nps"][value="3"]'),
        'nojs: the answers given are kept');
  await p2.screenshot({ path: `${shots}/serve-nojs-error.png`, fullPage: true });
  await p2.fill('#i-why', 'Nobody answered the phone');
  await Promise.all([p2.waitForNavigation(), p2.getByRole('button').click()]);
  check((await p2.textContent('body')).includes('Thank you'),
        'nojs: submitted and thanked in English');
  await p2.screenshot({ path: `${shots}/serve-nojs-thanks.png`, fullPage: true });
  res = await p2.goto(`${base}/a/${tokNoJs}`);
  check(res.status() === 410, 'nojs: the used link is refused');
  await ctx.close();
  ctx = null;
} catch (e) {
  check(false, `browser run: ${String(e).split('\n')[0]}`);
} finally {
  if (ctx) await ctx.close();
}
