// Acceptance of the applicant web app (issue 6), against the real server in headless Chromium.
// Every element is found by its accessible role, label or text (applicant-helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { findKeyFiles } from './keys.mjs';
import * as H from './applicant-helpers.mjs';

const SIGNER_BIN = process.env.YIYE_SIGNER_BIN ?? join(ROOT, 'target', 'debug', 'signer');

let server;
let browser;
let catalog;
let scratch;

before(async () => {
  ({ server, browser, catalog } = await H.startApp());
  scratch = mkdtempSync(join(tmpdir(), 'yiye-applicant-'));
});

after(async () => {
  await H.stopApp({ server, browser });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Industry choice → scope → merged form → check answers → send; returns the page and the
 * server's answer (the issued license). */
async function applyFor({ industry, scope, lang, name, creditCode, viewport }) {
  const page = await H.openApp(browser, server.url, { lang, viewport });
  const t = H.T[lang];
  await H.chooseIndustry(page, catalog, industry, lang);
  await H.answerScope(page, catalog, scope, lang);
  const listed = await H.listedPermits(page, lang);
  await page.getByRole('button', { name: t.continue, exact: true }).click();
  await page.getByRole('heading', { name: t.form, level: 1 }).waitFor();
  const overrides = { business_name: name, credit_code: creditCode };
  await H.completeForm(page, catalog, { lang, overrides });
  // Check your answers shows what was typed.
  await page.getByText(name, { exact: true }).waitFor();
  const issued = await H.sendApplication(page, lang, { server, catalog });
  assert.ok(issued?.license, 'the server answered with the license');
  return { page, listed, issued };
}

const JOURNEYS = [
  {
    industry: 'convenience_store', lang: 'en', name: '测试便利店有限公司', creditCode: '91110108551385082Q',
    scope: { sells_food: true, sells_liquor: true, sells_tobacco: true, sells_drugs: false,
      sells_medical_devices_class2: false, has_outdoor_sign: false, floor_area_m2: 120 },
    permits: ['food_business', 'liquor_retail', 'tobacco_retail'],
  },
  {
    industry: 'restaurant', lang: 'zh', name: '测试小馆餐饮有限公司', creditCode: '91370000728611939A',
    scope: { sells_liquor: true, sells_tobacco: false, has_outdoor_sign: true, floor_area_m2: 180 },
    permits: ['food_business', 'liquor_retail', 'outdoor_sign'],
  },
  {
    industry: 'bookstore', lang: 'zh', name: '测试书店有限公司', creditCode: '52410000663412719U',
    scope: { sells_food: true, has_outdoor_sign: false, floor_area_m2: 400 },
    permits: ['publication_retail', 'food_business', 'fire_safety_inspection'],
  },
];

for (const journey of JOURNEYS) {
  test(`${journey.industry} (${journey.lang}): from industry choice to the printed license`, async () => {
    const { page, listed, issued } = await applyFor(journey);
    const lang = journey.lang;
    const t = H.T[lang];
    // The scope page announced exactly the permits that were then issued.
    const expected = journey.permits.map((id) => catalog.permits.get(id));
    assert.deepEqual(listed.map((l) => l.split(' — ')[0].trim()), expected.map((p) => p.name[lang]));
    const rows = await H.licenseRows(page);
    const L = lang === 'zh'
      ? { name: '名称', code: '统一社会信用代码', number: '许可证编号' }
      : { name: 'Business name', code: 'Unified social credit code', number: 'License number' };
    assert.equal(rows[L.name], journey.name);
    assert.equal(rows[L.code], journey.creditCode);
    await page.getByText(`${L.number} ${issued.license.number}`).waitFor();
    // Each permit in the table: name, its own number, its department.
    const table = page.getByRole('table', { name: t.permits });
    assert.equal(issued.license.permits.length, expected.length);
    for (const permit of expected) {
      const row = table.getByRole('row', { name: new RegExp(`^${H.escape(permit.name[lang])}`) });
      const number = issued.license.permits.find((p) => p.name.en === permit.name.en)?.number;
      assert.ok(number, `the license has a number for ${permit.id}`);
      await row.getByRole('cell', { name: number, exact: true }).waitFor();
      await row.getByRole('cell', { name: permit.department[lang], exact: true }).waitFor();
    }
    const qr = page.getByRole('img', { name: t.qr });
    // Drawn by the QR encoder's worker, fetched when the license page first shows.
    await qr.waitFor();
    // Printed: the license and its QR, and nothing of the navigation or the screen-only parts.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.getByRole('article').isVisible(), 'the license prints');
    assert.ok(await qr.isVisible(), 'the QR prints');
    assert.ok(await table.isVisible(), 'the permit table prints');
    for (const hidden of [
      page.getByRole('banner'),
      page.getByRole('contentinfo'),
      page.getByRole('button', { name: t.print }),
      page.getByRole('link', { name: t.download }),
      page.getByRole('heading', { name: t.track }),
      page.getByRole('button', { name: lang === 'zh' ? '返回' : 'Back' }),
    ]) {
      assert.equal(await hidden.isVisible(), false, `${hidden} is not printed`);
    }
    // The QR is printed at least 40 mm wide (it scans from paper).
    const box = await qr.boundingBox();
    assert.ok(box.width >= 40 * 96 / 25.4, `printed QR is ${box.width}px wide`);
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the QR on the license page, decoded from a screenshot, verifies (API and signer CLI)', async () => {
  const { page, issued } = await applyFor({ ...JOURNEYS[0], name: '二维码测试便利店', creditCode: '91350100M000100Y43' });
  const png = join(scratch, 'license-qr.png');
  await page.getByRole('img', { name: H.T.en.qr }).screenshot({ path: png });
  const decoded = execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).trim();
  assert.equal(decoded, issued.qr_text ?? issued.license.qr_text, 'the screenshot decodes to the issued QR text');
  const verdict = await (await fetch(`${server.url}/api/verify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr_text: decoded }),
  })).json();
  assert.equal(verdict.valid, true, JSON.stringify(verdict));
  const keyset = join(findKeyFiles(server.data)[0], '..', 'keyset.json');
  const claims = JSON.parse(execFileSync(SIGNER_BIN, ['verify', '--keys', keyset, decoded], { encoding: 'utf8' }));
  assert.equal(JSON.stringify(claims).includes('二维码测试便利店'), true, 'the CLI shows the business name');
  // The SVG download holds the same QR.
  const href = await page.getByRole('link', { name: H.T.en.download }).getAttribute('href');
  assert.match(decodeURIComponent(href).slice(0, 120), /^data:image\/svg\+xml;charset=utf-8,(<\?xml[^>]*>)?<svg/);
  await page.context().close();
});

test('a registered enterprise: the credit code pre-fills the registry data, marked as such', async () => {
  const registry = JSON.parse(await (await fetch(`${server.url}/api/registry/91310115L12TH3BJ31`)).text());
  const page = await H.openApp(browser, server.url, { lang: 'en' });
  await H.chooseIndustry(page, catalog, 'convenience_store', 'en');
  await H.answerScope(page, catalog, JOURNEYS[0].scope, 'en');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  const counter = page.getByText(/^You fill \d+ fields instead of \d+ on separate forms\.$/);
  const before = Number((await counter.innerText()).match(/\d+/)[0]);
  await page.getByRole('textbox', { name: 'Unified social credit code' }).fill('91310115L12TH3BJ31');
  await page.getByRole('status').filter({ hasText: 'Filled in from the enterprise registry' }).waitFor();
  const values = registry.values;
  let checked = 0;
  for (const [id, value] of Object.entries(values)) {
    if (id === 'credit_code') continue;
    const field = catalog.fields.get(id);
    // Each on the step that asks it (the registry fills fields of several steps).
    if (!await H.openStepOf(page, catalog, id, 'en').catch(() => null)) continue; // not asked by this form
    const control = page.getByLabel(new RegExp(`^${H.escape(field.label.en)}( \\(optional\\))?$`));
    assert.equal(await control.inputValue(), value, `${id} holds the registry value`);
    assert.match(await H.description(control), /From the enterprise registry/, `${id} is marked as pre-filled`);
    checked++;
  }
  assert.ok(checked >= 6, `at least six registry fields pre-filled (got ${checked})`);
  await H.openStepOf(page, catalog, 'business_name', 'en');
  const after = Number((await counter.innerText()).match(/\d+/)[0]);
  assert.ok(after < before, `the counter drops (${before} → ${after})`);
  // Pre-filled values stay editable; an edit removes the mark.
  const name = page.getByRole('textbox', { name: 'Business name' });
  await name.fill('上海浦东新区陆家嘴便利店（改名）有限公司');
  assert.doesNotMatch(await H.description(name), /From the enterprise registry/);
  await page.context().close();
});

test('a 422 from the server comes back onto the field', async () => {
  const page = await H.openApp(browser, server.url, { lang: 'en' });
  await H.chooseIndustry(page, catalog, 'bookstore', 'en');
  await H.answerScope(page, catalog, JOURNEYS[2].scope, 'en');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await H.completeForm(page, catalog, { lang: 'en', overrides: { business_name: '被拒绝的名称' } });
  // The client's rules are the server's, so no real request fails them: the server's refusal
  // (its real 422 body shape) is simulated for a name the register would refuse.
  const message = { code: 'name_taken', zh: '该名称已被登记,请使用营业执照上的名称。', en: 'This name is registered to another enterprise: use the name on your business licence.' };
  await page.route('**/api/applications', (route) => route.fulfill({
    status: 422, contentType: 'application/json',
    body: JSON.stringify({ error: 'invalid_fields', message: 'some fields need fixing', fields: { business_name: message } }),
  }));
  await page.getByRole('button', { name: 'Send application' }).click();
  await page.getByRole('heading', { name: 'Fill in the merged application' }).waitFor();
  const link = H.errorSummary(page, 'en').getByRole('link', { name: message.en });
  await link.waitFor();
  const field = page.getByRole('textbox', { name: 'Business name' });
  assert.equal(await field.inputValue(), '被拒绝的名称', 'the input is kept');
  assert.match(await H.description(field), new RegExp(H.escape(message.en)));
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await link.click();
  assert.equal((await H.focused(page)).label.trim(), 'Business name');
  // In Chinese too.
  await H.switchLanguage(page, 'zh');
  await H.errorSummary(page, 'zh').getByRole('link', { name: message.zh }).waitFor();
  // Fixing the field clears the server's message; the real server then issues the license.
  await page.unroute('**/api/applications');
  await page.getByRole('textbox', { name: '单位名称' }).fill('改过的书店名称');
  await H.completeForm(page, catalog, { lang: 'zh' });
  await H.sendApplication(page, 'zh', { server, catalog });
  assert.equal((await H.licenseRows(page))['名称'], '改过的书店名称');
  await page.context().close();
});
