// The form in steps a phone can carry, and the app's own addresses (issue 15, findings 3 and
// 4): a registered convenience store on a 390 px phone never sees more than two screens of
// questions or more than one step's errors at once; Back, Forward and a reload move between
// the steps with nothing lost; error links and "Change" show the field's label; switching the
// language keeps the reader where they were; the tracking page opens in the app and its Back
// puts the address back. By labels and roles (applicant-helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './harness.mjs';
import * as H from './applicant-helpers.mjs';

let app;
before(async () => { app = await H.startApp(); });
after(() => H.stopApp(app ?? {}));

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const REGISTERED = '91310115L12TH3BJ31';
/** Every permit of a convenience store switched on. */
const FULL_SCOPE = { sells_food: true, sells_liquor: true, sells_tobacco: true, sells_drugs: true,
  sells_medical_devices_class2: true, has_outdoor_sign: true, floor_area_m2: 320 };

/** A registered convenience store's application, on the form's first step, pre-filled. */
async function startStore(lang, viewport) {
  const page = await H.openApp(app.browser, app.server.url, { lang, viewport });
  const t = H.T[lang];
  await H.chooseIndustry(page, app.catalog, 'convenience_store', lang);
  await H.answerScope(page, app.catalog, FULL_SCOPE, lang);
  await page.getByRole('button', { name: t.continue, exact: true }).click();
  await page.getByRole('heading', { name: t.form, level: 1 }).waitFor();
  await page.getByRole('textbox', { name: t.creditCode }).fill(REGISTERED);
  await page.getByRole('status').filter({ hasText: lang === 'zh' ? '已从企业登记信息预填' : 'Filled in from the enterprise registry' }).waitFor();
  return page;
}

/** The step shown: its region (named by its heading). */
function stepRegion(page) {
  return page.getByRole('main').getByRole('region').first();
}

/** Every control's value on the step shown (text, choice, ticks), to compare after moving. */
function stepValues(page) {
  return stepRegion(page).evaluate((region) => [...region.querySelectorAll('input, select')]
    .map((el) => `${el.id}=${['checkbox', 'radio'].includes(el.type) ? el.checked : el.value}`));
}

/** The catalog fields of the controls marked invalid on the whole page. */
function invalidFields(page) {
  return page.getByRole('main').evaluate((main) => [...main.querySelectorAll('[aria-invalid="true"]')].map((el) => el.id));
}

/** Follows the step's error links, giving each field a valid value (as `completeForm`). */
async function fixStep(page, lang) {
  const links = H.errorSummary(page, lang).getByRole('link');
  while (await links.count() > 0) {
    await links.first().click();
    const target = await H.focused(page);
    const field = H.fieldOf(app.catalog, target.id);
    assert.ok(field, `the link focuses a field (${JSON.stringify(target)})`);
    await H.fillField(page, field, target, H.validValue(field), lang);
  }
}

for (const lang of ['zh', 'en']) {
  test(`a registered convenience store on a 390 px phone, step by step; Back, Forward and reload lose nothing (${lang})`, async () => {
    const page = await startStore(lang, PHONE);
    const t = H.T[lang];
    const seen = [];
    for (let turn = 0; turn < 20; turn++) {
      const step = await H.currentStep(page);
      assert.ok(step, 'a step of the form is shown');
      assert.equal(step.step, seen.length + 1, `steps in order (${step.text})`);
      // Its questions fit in two screens.
      const box = await stepRegion(page).boundingBox();
      assert.ok(box.height <= 2 * PHONE.height, `${step.text}: ${Math.round(box.height)} px high, more than two screens`);
      // The progress indicator has an accessible name.
      await page.getByRole('progressbar', { name: step.text }).waitFor();
      const outcome = await H.continueStep(page, lang);
      if (outcome === 'errors') {
        // Only this step's errors: every link points into it, nothing invalid elsewhere.
        assert.equal(await page.getByRole('alert').filter({ has: page.getByRole('heading', { name: t.problem }) }).count(), 1);
        const region = stepRegion(page);
        for (const href of await H.errorSummary(page, lang).getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
          assert.equal(await region.locator(href).count(), 1, `${step.text}: ${href} is a field of this step`);
        }
        const inRegion = await region.evaluate((r) => [...r.querySelectorAll('[aria-invalid="true"]')].map((el) => el.id));
        assert.deepEqual(await invalidFields(page), inRegion, `${step.text}: no other step's errors`);
        await fixStep(page, lang);
        seen.push({ ...step, values: await stepValues(page) });
        const next = await H.continueStep(page, lang);
        assert.notEqual(next, 'errors', `${step.text}: accepted once fixed`);
        if (next === 'check') break;
      } else {
        seen.push({ ...step, values: await stepValues(page) });
        if (outcome === 'check') break;
      }
    }
    assert.ok(seen.length >= 7, `a convenience store with every permit has at least seven steps (got ${seen.length})`);
    assert.equal(seen[0].of, seen.length, 'the indicator counts the steps there are');
    await page.getByRole('heading', { name: t.check }).waitFor();
    const checkUrl = page.url();
    // Back through every step to the first: each as it was left.
    for (let i = seen.length - 1; i >= 0; i--) {
      await page.goBack();
      await page.getByRole('progressbar', { name: seen[i].text }).waitFor();
      assert.deepEqual(await stepValues(page), seen[i].values, `${seen[i].text} after Back`);
    }
    assert.match(new URL(page.url()).pathname, /^\/apply\/[^/]+\/form\/basic$/);
    // A reload on a step reopens that step, values kept.
    await page.goForward();
    await page.getByRole('progressbar', { name: seen[1].text }).waitFor();
    await page.reload();
    await page.getByRole('progressbar', { name: seen[1].text }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await stepValues(page), seen[1].values, `${seen[1].text} after a reload`);
    // Forward again to the check page.
    for (let i = 2; i < seen.length; i++) {
      await page.goForward();
      await page.getByRole('progressbar', { name: seen[i].text }).waitFor();
      assert.deepEqual(await stepValues(page), seen[i].values, `${seen[i].text} after Forward`);
    }
    await page.goForward();
    await page.getByRole('heading', { name: t.check }).waitFor();
    assert.equal(page.url(), checkUrl);
    // "Change" opens the step that asks the field, its label in view, the focus on it.
    const phone = app.catalog.fields.get('contact_phone').label[lang];
    await page.getByRole('button', { name: `${t.change} ${phone}` }).click();
    await page.getByRole('textbox', { name: phone, exact: true }).waitFor();
    const target = await H.focused(page);
    assert.equal(target.id, 'field-contact_phone');
    const header = await page.getByRole('banner').boundingBox();
    const label = await page.locator('label[for="field-contact_phone"]').boundingBox();
    assert.ok(label.y >= header.y + header.height - 1 && label.y < PHONE.height, `the label is in view (at ${label.y})`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

/** "Continue" (fixing what the summary lists) until the step `id` is shown. */
async function advanceTo(page, id, lang) {
  for (let i = 0; i < 20; i++) {
    if (new URL(page.url()).pathname.endsWith(`/form/${id}`)) return;
    if (await H.continueStep(page, lang) === 'errors') await fixStep(page, lang);
  }
  throw new Error(`step ${id} not reached`);
}

test('format errors show on leaving a field, "required" only after Continue; a conditional field appears as required', async () => {
  const page = await startStore('en', DESKTOP);
  // An empty required field left behind says nothing until "Continue".
  const postal = H.fieldControl(page, app.catalog.fields.get('postal_code'), 'en');
  await postal.fill('');
  await postal.press('Tab');
  await page.waitForTimeout(400); // longer than a format error takes to show
  assert.equal(await postal.getAttribute('aria-invalid'), null);
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await H.errorSummary(page, 'en').waitFor();
  assert.equal(await postal.getAttribute('aria-invalid'), 'true', 'and after Continue it does');
  await advanceTo(page, 'contact', 'en');
  // A malformed value: no message while typing, the message once the field is left.
  const email = H.fieldControl(page, app.catalog.fields.get('contact_email'), 'en');
  await email.fill('not-an-email');
  assert.equal(await email.getAttribute('aria-invalid'), null, 'no message while typing');
  await email.press('Tab');
  await waitFor(async () => await email.getAttribute('aria-invalid') === 'true', 2_000);
  assert.match(await H.description(email), /e-mail/i);
  await email.fill('shop@example.com');
  await advanceTo(page, 'premises', 'en');
  // Premises: the lease end date is asked once the premises are leased, and then as required.
  const lease = app.catalog.fields.get('lease_end_date');
  assert.equal(await H.fieldControl(page, lease, 'en').count(), 0, 'not asked before the answer');
  await H.fieldControl(page, app.catalog.fields.get('premises_ownership'), 'en').selectOption('leased');
  await page.getByLabel(lease.label.en, { exact: true }).waitFor();
  assert.equal(await page.getByText(`${lease.label.en} (optional)`).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

for (const [lang, viewport] of [['zh', PHONE], ['en', DESKTOP]]) {
  test(`an error link shows the label and message; language and text size keep the place (${lang}, ${viewport.width} px)`, async () => {
    const page = await startStore(lang, viewport);
    // The registry fills most of the first step: on to the first step with errors.
    let outcome = 'step';
    for (let i = 0; i < 6 && outcome !== 'errors'; i++) outcome = await H.continueStep(page, lang);
    assert.equal(outcome, 'errors');
    // A text field's link (a group's legend is at its top anyway).
    const links = H.errorSummary(page, lang).getByRole('link');
    const toInputs = await links.evaluateAll((as) => as.map((a) => document.querySelector(a.getAttribute('href'))?.tagName === 'INPUT'));
    assert.ok(toInputs.includes(true), 'an error on a text field');
    await links.nth(toInputs.indexOf(true)).click();
    const target = await H.focused(page);
    assert.ok(target.label, 'the link focuses a labelled field');
    const label = page.locator(`label[for="${target.id}"], #${target.id} > legend`).first();
    const header = await page.getByRole('banner').boundingBox();
    const top = Math.max(0, header.y + header.height);
    const labelBox = await label.boundingBox();
    assert.ok(labelBox.y >= top - 1, `the label (at ${labelBox.y}) is in view below the header (${top})`);
    const messageBox = await page.locator(`#${target.id}-error`).boundingBox();
    assert.ok(messageBox.y + messageBox.height <= viewport.height, 'the message is in view');
    // Switching the language, then the text size, keeps this field where it was.
    const field = page.locator(`#${target.id}`);
    const at = (await field.boundingBox()).y;
    await page.getByRole('button', { name: H.T[lang].switchLang }).click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang === 'zh' ? 'en' : 'zh-CN');
    const afterLang = (await field.boundingBox()).y;
    assert.ok(Math.abs(afterLang - at) < 4, `the field stays at ${at} after the language switch (now ${afterLang})`);
    const other = lang === 'zh' ? 'en' : 'zh';
    await page.getByRole('button', { name: other === 'zh' ? '大字模式' : 'Large text' }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('large-text'));
    const afterSize = (await field.boundingBox()).y;
    assert.ok(Math.abs(afterSize - at) < 4, `the field stays at ${at} in large text (now ${afterSize})`);
    assert.ok(await page.evaluate(() => window.scrollY) > 0, 'not back at the top');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the tracking page opens in the app, and its Back puts the address back', async () => {
  const page = await H.openApp(app.browser, app.server.url, { lang: 'en', viewport: PHONE });
  await H.chooseIndustry(page, app.catalog, 'bookstore', 'en');
  await H.answerScope(page, app.catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 80 }, 'en');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await H.completeForm(page, app.catalog, { lang: 'en' });
  await H.sendApplication(page, 'en');
  const licenseUrl = page.url();
  assert.match(new URL(licenseUrl).pathname, /^\/apply\/[^/]+\/license$/);
  // A mark on the window survives only if the page is not loaded again.
  await page.evaluate(() => { window.stillHere = true; });
  await page.getByRole('link', { name: /\/track\// }).click();
  await page.getByRole('heading', { name: H.T.en.track }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/track\/[^/]+$/);
  assert.equal(await page.evaluate(() => window.stillHere), true, 'opened without a reload');
  await page.getByRole('button', { name: /Back/ }).click();
  await page.getByRole('heading', { name: H.T.en.start }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/', 'the address follows the page');
  // Browser Back: the tracking page, then the license, from their addresses.
  await page.goBack();
  await page.getByRole('heading', { name: H.T.en.track }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: H.T.en.license, level: 1 }).waitFor();
  assert.equal(page.url(), licenseUrl);
  assert.equal(await page.evaluate(() => window.stillHere), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
