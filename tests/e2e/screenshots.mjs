#!/usr/bin/env node
// Screenshots of the applicant app's main pages, on demand (not part of the test suite):
//   node tests/e2e/screenshots.mjs        → docs/screenshots/<page>-<phone|desktop>-<lang>.jpg
// (JPEG at quality 50: about half the bytes of PNG in the repository; the text stays readable).
// Phone: 360×800 in Chinese; desktop: 1280×900 in English; the license in both languages on
// both. Needs dist/ and the server binary (target/debug/server or YIYE_SERVER_BIN); Chinese
// text needs a CJK font (Debian: fonts-noto-cjk).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, ROOT } from './harness.mjs';
import * as H from './applicant-helpers.mjs';

const OUT = join(ROOT, 'docs', 'screenshots');
const SIZES = { phone: { width: 360, height: 800 }, desktop: { width: 1280, height: 900 } };
const RUNS = [['phone', 'zh'], ['desktop', 'en'], ['phone', 'en'], ['desktop', 'zh']];
// Everything for the first two runs; the license (the product) for all four.
const ALL_PAGES = new Set(['phone-zh', 'desktop-en']);

mkdirSync(OUT, { recursive: true });
const server = await startServer();
const browser = await launchBrowser(['--hide-scrollbars']);
const written = [];
try {
  const catalog = await H.loadCatalog(server.url);
  for (const [size, lang] of RUNS) {
    const all = ALL_PAGES.has(`${size}-${lang}`);
    const page = await H.openApp(browser, server.url, { lang, viewport: SIZES[size], deviceScaleFactor: 1 });
    const t = H.T[lang];
    const shot = async (name, { top } = {}) => {
      if (!all && name !== 'license') return;
      if (top) await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(150);
      const path = join(OUT, `${name}-${size}-${lang}.jpg`);
      await page.screenshot({ path, type: 'jpeg', quality: 50 });
      written.push(path);
    };
    await shot('start');
    await H.chooseIndustry(page, catalog, 'convenience_store', lang);
    await page.getByRole('searchbox', { name: t.search }).waitFor().catch(() => {});
    await H.answerScope(page, catalog, { sells_food: true, sells_liquor: true, sells_tobacco: true,
      sells_drugs: false, sells_medical_devices_class2: false, has_outdoor_sign: false, floor_area_m2: 120 }, lang);
    await shot('scope');
    await page.getByRole('button', { name: t.continue, exact: true }).click();
    await page.getByRole('textbox', { name: t.creditCode }).fill('91310115L12TH3BJ31');
    await page.getByRole('status').filter({ hasText: lang === 'zh' ? '已从企业登记信息预填' : 'Filled in from the enterprise registry' }).waitFor();
    // The first step, pre-filled: each field marked "from the enterprise registry".
    await shot('form-prefilled', { top: true });
    // "Continue" through the steps to the first one with questions left: its errors only.
    while (await H.continueStep(page, lang) === 'step');
    await shot('form-errors', { top: true });
    await H.completeForm(page, catalog, { lang });
    await shot('check', { top: true });
    await H.sendApplication(page, lang, { server, catalog });
    await page.getByRole('status').filter({ hasText: t.issued }).waitFor();
    await shot('license', { top: true });
    await page.context().close();
  }
  // The industry chooser, searched.
  for (const [size, lang] of [['phone', 'zh'], ['desktop', 'en']]) {
    const page = await H.openApp(browser, server.url, { lang, viewport: SIZES[size] });
    await page.getByRole('button', { name: new RegExp(`^${H.T[lang].apply}`) }).click();
    await page.getByRole('searchbox', { name: H.T[lang].search }).fill(lang === 'zh' ? '店' : 'shop');
    const path = join(OUT, `industry-${size}-${lang}.jpg`);
    await page.screenshot({ path, type: 'jpeg', quality: 50 });
    written.push(path);
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.stop();
}
for (const path of written) console.log(`${path.slice(ROOT.length + 1)}  ${(statSync(path).size / 1024).toFixed(0)} KB`);
