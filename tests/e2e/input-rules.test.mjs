// The catalog's input rules as the applicant meets them (issue 15): a credit code failing its
// check character passes only when the registry knows it; what people type (lower case,
// spaces, full-width digits) is accepted and shown normalised; units and printed dates follow
// the interface language. Each journey runs on a 390 px phone and on a desktop, zh and en.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as H from './applicant-helpers.mjs';

let server;
let browser;
let catalog;

before(async () => ({ server, browser, catalog } = await H.startApp()));
after(() => H.stopApp({ server, browser }));

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const INDUSTRY = 'convenience_store';
const SCOPE = { sells_food: true, sells_liquor: false, sells_tobacco: false, sells_drugs: false,
  sells_medical_devices_class2: false, has_outdoor_sign: false, floor_area_m2: 120 };

/** The registry look-up's status line under the credit code (frontend/src/i18n.rs). */
const LOOKUP = {
  zh: { found: '已从企业登记信息预填', notFound: '登记信息中没有这个代码' },
  en: { found: 'Filled in from the enterprise registry', notFound: 'The registry does not know this code' },
};

/** Opens the app and walks to the convenience store's form. */
async function toForm(lang, viewport) {
  const page = await H.openApp(browser, server.url, { lang, viewport });
  const t = H.T[lang];
  await H.chooseIndustry(page, catalog, INDUSTRY, lang);
  await H.answerScope(page, catalog, SCOPE, lang);
  await page.getByRole('button', { name: t.continue, exact: true }).click();
  await page.getByRole('heading', { name: t.form, level: 1 }).waitFor();
  return page;
}

function textbox(page, fieldId, lang) {
  const label = catalog.fields.get(fieldId).label[lang];
  return page.getByRole('textbox', { name: new RegExp(`^${H.escape(label)}`) }).first();
}

/** Types `typed` into the credit code and leaves the field; waits for the look-up's answer. */
async function typeCreditCode(page, lang, typed, outcome) {
  const input = page.getByRole('textbox', { name: H.T[lang].creditCode });
  await input.fill(typed);
  await input.press('Tab');
  await page.getByRole('status').filter({ hasText: LOOKUP[lang][outcome] }).waitFor();
  return input;
}

/** Sends from the check page; the server's answer. */
async function send(page, lang) {
  const issued = await H.sendApplication(page, lang, { server, catalog });
  assert.ok(issued?.license, 'the server answered with the license');
  return issued;
}

for (const [lang, viewport, size] of [['en', PHONE, 'phone'], ['zh', DESKTOP, 'desktop']]) {
  test(`a wrong check character is an error naming the expected one, unless the registry knows the code (${lang}, ${size})`, async () => {
    const page = await toForm(lang, viewport);
    const t = H.T[lang];
    // Well formed; the first 17 characters call for 1 as the last; no enterprise has it.
    const input = await typeCreditCode(page, lang, '91310115L12TH3BJ3X', 'notFound');
    await page.getByRole('button', { name: t.continue, exact: true }).click();
    const summary = H.errorSummary(page, lang);
    await summary.waitFor();
    const words = lang === 'en' ? 'the last character should be 1' : '最后一位应为1';
    const link = summary.getByRole('link', { name: new RegExp(H.escape(words)) });
    assert.equal(await link.count(), 1, 'the summary names the expected check character');
    assert.match(await H.description(input), new RegExp(H.escape(words)), 'and so does the field');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    // No note promises a confirmation the page has no control for.
    const confirm = lang === 'en' ? /confirm and continue/ : /确认后继续/;
    assert.doesNotMatch(await page.locator('main').innerText(), confirm);

    // The registry's early code (its check character would be P): pre-filled, a warning on
    // the field that says why it passes, and a license.
    await typeCreditCode(page, lang, '913101011322095278', 'found');
    const early = lang === 'en' ? 'the enterprise registry knows this early code' : '企业登记信息中有这个早期代码';
    assert.match(await H.description(input), new RegExp(H.escape(early)));
    // Picked up again after a reload, the application asks the registry again: still a
    // warning, not an error.
    await page.reload();
    await page.getByRole('status').filter({ hasText: LOOKUP[lang].found }).waitFor();
    assert.match(await H.description(input), new RegExp(H.escape(early)));
    await H.completeForm(page, catalog, { lang });
    const issued = await send(page, lang);
    assert.equal(issued.license.claims.credit_code, '913101011322095278');
    assert.equal(issued.license.warnings.credit_code?.code, 'credit_code_early');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

for (const [lang, viewport, size] of [['zh', PHONE, 'phone'], ['en', DESKTOP, 'desktop']]) {
  test(`a lower-case code with spaces and full-width digits are accepted and shown normalised (${lang}, ${size})`, async () => {
    const page = await toForm(lang, viewport);
    // Lower case with spaces, as read off a licence: upper-cased, looked up, pre-filled.
    const code = await typeCreditCode(page, lang, ' 9131 0115 l12t h3bj 31 ', 'found');
    assert.equal(await code.inputValue(), '91310115L12TH3BJ31');
    // A phone number typed in a full-width input mode, with spaces, on the step that asks it.
    await H.openStepOf(page, catalog, 'legal_rep_phone', lang);
    const phone = textbox(page, 'legal_rep_phone', lang);
    await phone.fill('１３９ ０１２３ ４５６７');
    await phone.press('Tab');
    await page.waitForFunction((id) => document.getElementById(id)?.value === '13901234567',
      await phone.getAttribute('id'));
    await H.completeForm(page, catalog, { lang });
    // The check page shows what will be sent.
    await page.getByText('91310115L12TH3BJ31', { exact: true }).waitFor();
    await page.getByText('13901234567', { exact: true }).waitFor();
    const issued = await send(page, lang);
    assert.equal(issued.license.claims.credit_code, '91310115L12TH3BJ31');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

for (const [lang, viewport, size] of [['en', PHONE, 'phone'], ['zh', DESKTOP, 'desktop']]) {
  test(`units and printed dates follow the interface language (${lang}, ${size})`, async () => {
    const page = await toForm(lang, viewport);
    // The staff count's unit beside its input, in the interface language.
    await H.openStepOf(page, catalog, 'employee_count', lang);
    const staff = textbox(page, 'employee_count', lang);
    const unit = await staff.evaluate((el) => el.parentElement.innerText.trim());
    assert.equal(unit, lang === 'en' ? 'people' : '人');
    // A leased shop: the lease end date, picked in the browser's own date picker, has no
    // hint of a format the picker may not show.
    await H.openStepOf(page, catalog, 'premises_ownership', lang);
    const ownership = catalog.fields.get('premises_ownership').label[lang];
    await page.getByRole('combobox', { name: new RegExp(`^${H.escape(ownership)}`) }).selectOption('leased');
    const lease = page.getByLabel(new RegExp(`^${H.escape(catalog.fields.get('lease_end_date').label[lang])}`));
    assert.doesNotMatch(await H.description(lease), /YYYY|mm\/dd/i);
    await lease.fill('2035-06-30');
    await H.completeForm(page, catalog, { lang, overrides: { employee_count: '12' } });
    // The check page: the date as the language writes it, the unit in the language.
    const [date, staffCount] = lang === 'en' ? ['30 Jun 2035', '12 people'] : ['2035年6月30日', '12 人'];
    await page.getByText(date, { exact: true }).waitFor();
    await page.getByText(staffCount, { exact: true }).waitFor();
    assert.equal(await page.getByText('2035-06-30').count(), 0);
    // The license's validity, the same way.
    await send(page, lang);
    const validity = (await H.licenseRows(page))[lang === 'en' ? 'Valid' : '有效期'];
    const day = lang === 'en' ? '\\d{1,2} [A-Z][a-z]{2} \\d{4}' : '\\d{4}年\\d{1,2}月\\d{1,2}日';
    assert.match(validity, new RegExp(`^${day} – ${day}$`));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}
