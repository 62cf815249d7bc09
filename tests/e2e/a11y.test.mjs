// Accessibility of the applicant app: an axe-core scan (WCAG 2.2 A/AA) of every page in both
// languages at a 360 px phone width with no horizontal scrolling, and one whole application
// completed with the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, goOffline, goOnline } from './harness.mjs';
import { grantAll } from './review-helpers.mjs';
import * as H from './applicant-helpers.mjs';

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server;
let browser;
let catalog;

before(async () => ({ server, browser, catalog } = await H.startApp()));
after(() => H.stopApp({ server, browser }));

/** Runs axe on the page as it is; returns readable violations. */
async function scan(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  assert.ok(results.passes.length > 10, `axe ran its WCAG rules on ${what}`);
  return results.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '').replace(/\s+/g, ' ')).join('\n    ')}`);
}

/** Horizontal overflow of the page at the current width (0 = none). */
function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const lang of ['zh', 'en']) {
  test(`axe finds no WCAG 2.2 A/AA violation on any page, and nothing scrolls sideways at 360 px (${lang})`, async () => {
    // The CSP forbids injected scripts; axe is a test tool, so this context bypasses it.
    const page = await H.openApp(browser, server.url, { lang, viewport: { width: 360, height: 800 }, bypassCSP: true });
    const t = H.T[lang];
    const problems = [];
    const check = async (what) => {
      // Each page as it opens, at its top: whatever is scrolled under the sticky header is
      // covered at that moment, which axe counts against its size (error links and "Change"
      // scroll their field clear of the header, sections.test.mjs).
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(50);
      problems.push(...await scan(page, what));
      const wide = await overflow(page);
      if (wide > 0) problems.push(`${what}: scrolls sideways by ${wide}px at 360 px`);
    };
    await check('start page');
    await page.getByRole('button', { name: new RegExp(`^${t.continueSaved}`) }).click();
    await page.getByRole('heading', { name: t.drafts }).waitFor();
    await check('saved applications (none)');
    await page.getByRole('button', { name: lang === 'zh' ? /返回/ : /Back/ }).click();
    await H.chooseIndustry(page, catalog, 'convenience_store', lang);
    await check('scope');
    await page.getByRole('button', { name: lang === 'zh' ? /返回/ : /Back/ }).click();
    await page.getByRole('heading', { name: t.industry }).waitFor();
    await page.getByRole('searchbox', { name: t.search }).fill('zzzz');
    await check('industry (no match)');
    await page.getByRole('searchbox', { name: t.search }).fill('');
    await check('industry');
    await page.getByRole('button', { name: new RegExp(`^${catalog.industries.get('convenience_store').name[lang]}`) }).click();
    await H.answerScope(page, catalog, { sells_food: true, sells_liquor: true, sells_tobacco: true,
      sells_drugs: false, sells_medical_devices_class2: false, has_outdoor_sign: true, floor_area_m2: 320 }, lang);
    await check('scope, answered');
    await page.getByRole('button', { name: t.continue, exact: true }).click();
    await page.getByRole('heading', { name: t.form, level: 1 }).waitFor();
    await check('form');
    await page.getByRole('textbox', { name: t.creditCode }).fill('91350100M0001TGQXM');
    await page.getByRole('button', { name: t.continue, exact: true }).click();
    await H.errorSummary(page, lang).waitFor();
    await check('form with errors and a warning');
    await page.getByRole('textbox', { name: t.creditCode }).fill('');
    await page.getByRole('textbox', { name: t.creditCode }).fill('91310115L12TH3BJ31');
    await page.getByRole('status').filter({ hasText: lang === 'zh' ? '已从企业登记信息预填' : 'Filled in from the enterprise registry' }).waitFor();
    await check('form pre-filled from the registry');
    await H.completeForm(page, catalog, { lang });
    await check('check your answers');
    await H.sendApplication(page, lang, { server, catalog });
    await page.getByRole('status').filter({ hasText: t.issued }).waitFor();
    await check('license');
    await page.emulateMedia({ media: 'print' });
    await check('license, print layout');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('link', { name: /\/track\// }).click();
    await page.getByRole('heading', { name: t.track }).waitFor();
    await page.getByRole('status').filter({ hasText: t.issued }).waitFor();
    await H.switchLanguage(page, lang);
    await check('tracking');
    await page.getByRole('button', { name: lang === 'zh' ? /返回/ : /Back/ }).click();
    await page.getByRole('button', { name: new RegExp(`^${t.continueSaved}`) }).click();
    await page.getByRole('heading', { name: t.drafts }).waitFor();
    await check('saved applications');
    // Large-text mode must not break the layout either.
    await page.getByRole('button', { name: lang === 'zh' ? '大字模式' : 'Large text' }).click();
    await check('saved applications, large text');
    // My licenses (#18): the license's card with its history once the authority said it.
    await page.getByRole('button', { name: lang === 'zh' ? /返回/ : /Back/ }).click();
    await page.getByRole('button', { name: new RegExp(`^${lang === 'zh' ? '我的许可证' : 'My licenses'}`) }).click();
    await page.getByRole('heading', { name: lang === 'zh' ? '版本记录' : 'History' }).waitFor();
    await check('my licenses, large text');
    assert.deepEqual(problems, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

/** What has the keyboard focus: its accessible-ish name, role and state. */
function focus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const group = el.closest('fieldset');
    return {
      tag: el.tagName.toLowerCase(), type: el.type ?? null, id: el.id,
      name: (el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
      invalid: el.getAttribute('aria-invalid') === 'true' || group?.getAttribute('aria-invalid') === 'true',
      empty: el.type === 'checkbox' || el.type === 'radio'
        ? !group?.querySelector('input:checked') : !el.value,
    };
  });
}

/** Presses Tab (or Shift+Tab) until the focus is on an element whose name matches. */
async function tabTo(page, name, { back = false, max = 150 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focus(page);
    if (typeof name === 'string' ? f.name === name : name.test(f.name)) return f;
  }
  throw new Error(`${name} not reached with the keyboard`);
}

test('one whole application with the keyboard alone (Tab, Space, Enter, arrows, typing)', async () => {
  const page = await H.openApp(browser, server.url, { lang: 'en' });
  const key = (k) => page.keyboard.press(k);
  await tabTo(page, /^Skip to main content/);
  await tabTo(page, /^Apply for a combined license/);
  await key('Enter');
  await page.getByRole('heading', { name: 'Choose your industry' }).waitFor();
  await tabTo(page, 'Search industries');
  await page.keyboard.type('book');
  await tabTo(page, /^Bookstore/);
  await key('Enter');
  await page.getByRole('heading', { name: 'Your business scope' }).waitFor();
  // Radios: Tab into a group, arrows move and select, Space selects.
  await tabTo(page, 'Yes'); // sells food: yes
  await key('Space');
  await tabTo(page, 'Yes'); // outdoor sign
  await key('ArrowRight'); // → No
  await tabTo(page, /^Floor area/);
  await page.keyboard.type('150');
  await tabTo(page, 'Continue');
  await key('Enter');
  await page.getByRole('heading', { name: 'Fill in the merged application' }).waitFor();
  // The form, step by step: Continue, then walk the step with Tab and fix each invalid field.
  for (let round = 0; round < 40; round++) {
    const before = await H.currentStep(page);
    await tabTo(page, 'Continue');
    await key('Enter');
    const outcome = await H.continued(page, before, 'en');
    if (outcome === 'check') break;
    if (outcome === 'step') continue;
    // The first summary link takes the keyboard to the first field to fix.
    await key('Tab');
    await key('Enter');
    for (let i = 0; i < 400; i++) {
      const f = await focus(page);
      if (f.tag === 'button' && f.name === 'Continue') break;
      if (f.invalid && f.empty) {
        const field = H.fieldOf(catalog, f.id.replace(/-\d+$/, ''));
        await typeValue(page, f, field);
      }
      await key('Tab');
    }
  }
  await page.getByRole('heading', { name: H.T.en.check }).waitFor();
  await tabTo(page, 'Send application');
  await key('Enter');
  // Selling food, the bookstore's food permit waits for its department's review; once it is
  // approved, the license comes at the app's next sync (when the network comes back).
  await page.getByRole('heading', { name: H.T.en.received, level: 1 }).waitFor({ timeout: 20_000 });
  await grantAll(server, catalog, H.openApplication(page));
  await goOffline(page.context());
  await goOnline(page.context());
  await page.getByRole('heading', { name: H.T.en.license, level: 1 }).waitFor({ timeout: 20_000 });
  await tabTo(page, 'Print the license');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** Gives the focused control a valid value with the keys a person would press. */
async function typeValue(page, f, field) {
  const key = (k) => page.keyboard.press(k);
  if (f.tag === 'select') {
    await key('ArrowDown');
  } else if (f.type === 'radio') {
    // yes/no: Space picks "Yes"; other radio groups: the first option.
    await key('Space');
  } else if (f.type === 'checkbox') {
    await key('Space');
  } else if (f.type === 'date') {
    // en-GB order: day, month, year.
    const [y, m, d] = H.validValue(field).split('-');
    await page.keyboard.type(`${d}${m}${y}`);
  } else {
    await page.keyboard.type(H.validValue(field));
  }
}
