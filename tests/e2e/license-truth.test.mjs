// Issue 15, findings 6 and 7: the license says what is true (the premises typed, each permit's
// own term or none, the authority's name) and tracking is worth opening (business, industry,
// permits with departments, dates, the way back to the license). Against the real server in
// headless Chromium, on a 390 px phone and on a desktop, in Chinese and in English; elements
// found by role, label and text only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as H from './applicant-helpers.mjs';

let server;
let browser;
let catalog;

before(async () => {
  ({ server, browser, catalog } = await H.startApp());
});

after(async () => {
  await H.stopApp({ server, browser });
});

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** The server's development defaults (server/src/main.rs), which the harness does not change. */
const AUTHORITY = {
  zh: '浦东新区行政审批局（开发）',
  en: 'Pudong New Area Administrative Approval Bureau (development)',
};

const W = {
  zh: {
    premises: '经营场所', issuedBy: '发证机关', noTerm: '长期有效', received: '受理日期',
    issued: '发证日期', industry: '行业', viewLicense: '查看许可证',
    paste: /或粘贴二维码内容/, check: '核验',
  },
  en: {
    premises: 'Business premises', issuedBy: 'Issued by', noTerm: 'No fixed term', received: 'Received',
    issued: 'Issued', industry: 'Industry', viewLicense: 'View the license',
    paste: /Or paste the QR text/, check: 'Check',
  },
};

// A date as the interface language writes it (catalog::Date::words): 2031年12月7日, 7 Dec 2031.
const DATE = '(?:\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{1,2} [A-Z][a-z]{2} \\d{4})';

// A restaurant with an outdoor sign (no fixed term) and a food permit (5 years), whose shop is
// elsewhere than its registered office.
const CASES = [
  { lang: 'zh', viewport: PHONE, name: '真实场所餐饮有限公司', creditCode: '91370000728611939A',
    premises: '科苑路88号1层102室', registered: '世纪大道100号' },
  { lang: 'en', viewport: DESKTOP, name: 'Truthful Premises Restaurant Co', creditCode: '91110108551385082Q',
    premises: '陆家嘴环路1000号B1层B108室', registered: '张江路665号' },
];
const SCOPE = { sells_liquor: false, sells_tobacco: false, has_outdoor_sign: true, floor_area_m2: 180 };

for (const c of CASES) {
  const size = c.viewport === PHONE ? '390 px phone' : 'desktop';
  test(`${c.lang}, ${size}: the license shows the premises typed, each permit's term or none, and the authority; tracking shows the application and leads back`, async () => {
    const { lang } = c;
    const t = H.T[lang];
    const w = W[lang];
    const page = await H.openApp(browser, server.url, { lang, viewport: c.viewport });
    await H.chooseIndustry(page, catalog, 'restaurant', lang);
    await H.answerScope(page, catalog, SCOPE, lang);
    await page.getByRole('button', { name: t.continue, exact: true }).click();
    await page.getByRole('heading', { name: t.form, level: 1 }).waitFor();
    await H.completeForm(page, catalog, {
      lang,
      overrides: {
        business_name: c.name, credit_code: c.creditCode, premises_address: c.premises,
        address_detail: c.registered,
      },
    });
    const issued = await H.sendApplication(page, lang, { server, catalog });

    // 经营场所: where the business operates, as typed; the registered office is not printed.
    const rows = await H.licenseRows(page);
    assert.match(rows[w.premises], new RegExp(`${H.escape(c.premises)}$`), JSON.stringify(rows));
    assert.ok(!JSON.stringify(rows).includes(c.registered), 'the registered address is not on the license');
    // 发证机关: the configured authority, never an issuer or key id.
    assert.equal(rows[w.issuedBy], AUTHORITY[lang]);
    assert.ok(!JSON.stringify(rows).includes(issued.license.kid));
    assert.ok(!JSON.stringify(rows).includes('yiye-dev'));
    // The footer's signing key names the authority too, not its short id.
    const footerKey = page.locator('footer').getByRole('listitem').first();
    await footerKey.waitFor();
    assert.doesNotMatch(await footerKey.innerText(), /yiye-dev/);
    // Each permit's own term: the sign permit has none, the food permit runs to its own date.
    const table = page.getByRole('table', { name: t.permits });
    const row = (id) => table.getByRole('row', { name: new RegExp(`^${H.escape(catalog.permits.get(id).name[lang])}`) });
    await row('outdoor_sign').getByRole('cell', { name: w.noTerm, exact: true }).waitFor();
    await row('food_business').getByRole('cell', { name: new RegExp(`^${DATE} – ${DATE}$`) }).waitFor();

    // Tracking: opened by its link, it tells the application in the interface language.
    await page.goto(`${server.url}/track/${issued.application_id}`);
    await page.getByRole('heading', { name: t.track, level: 1 }).waitFor({ timeout: 20_000 });
    const status = page.getByRole('status').filter({ hasText: c.name });
    await status.waitFor();
    const dd = (label) => status.getByRole('term').filter({ hasText: new RegExp(`^${H.escape(label)}$`) })
      .locator('xpath=following-sibling::dd[1]');
    assert.equal((await dd(w.industry).innerText()).trim(), catalog.industries.get('restaurant').name[lang]);
    assert.match(await dd(w.received).innerText(), new RegExp(`^${DATE}$`));
    assert.match(await dd(w.issued).innerText(), new RegExp(`^${DATE}$`));
    await status.getByText(issued.license.number, { exact: true }).waitFor();
    // Each permit: its name, the department that grants it, its state — approved after the
    // department's review, or granted on the applicant's commitment.
    const granted = { zh: { review: '已批准', commitment: '已准予（告知承诺）' },
      en: { review: 'Approved', commitment: 'Granted on commitment' } }[lang];
    for (const p of issued.license.permits) {
      const heading = page.getByRole('heading', { name: p.name[lang], level: 3, exact: true });
      await status.getByRole('listitem').filter({ has: heading })
        .filter({ hasText: p.department[lang] })
        .filter({ hasText: granted[catalog.permits.get(p.id).grant.mode] }).waitFor();
    }
    assert.equal(await status.getByRole('heading', { level: 3 }).count(), issued.license.permits.length);
    // In the other language too, without leaving the page.
    const other = lang === 'zh' ? 'en' : 'zh';
    await H.switchLanguage(page, other);
    await page.getByRole('heading', { name: H.T[other].track, level: 1 }).waitFor();
    await dd(W[other].industry).filter({ hasText: catalog.industries.get('restaurant').name[other] }).waitFor();
    await H.switchLanguage(page, lang);
    // Nothing about people: not the legal representative the license names.
    const rep = issued.license.claims.legal_representative;
    assert.ok(rep && !(await status.innerText()).includes(rep), 'tracking shows no person');
    // This device holds the license: one button leads back to it.
    await page.getByRole('button', { name: w.viewLicense }).click();
    await page.getByRole('heading', { name: t.license, level: 1 }).waitFor();
    await page.getByText(`${lang === 'zh' ? '许可证编号' : 'License number'} ${issued.license.number}`).waitFor();

    // The inspector reads the same from the QR: premises, the authority, the term or none.
    await page.goto(`${server.url}/inspect/`);
    // A first visit checks only once the trust list and status lists have arrived.
    await page.locator('#status-lists-as-of').filter({ hasNotText: /never|从未/ }).waitFor({ timeout: 20_000 });
    await page.getByLabel(w.paste).fill(issued.license.qr_text);
    await page.getByRole('button', { name: w.check, exact: true }).click();
    const verdict = page.locator('[data-verdict]');
    assert.equal(await verdict.getAttribute('data-verdict'), 'valid');
    const facts = page.getByRole('definition');
    await facts.filter({ hasText: c.premises }).first().waitFor();
    await facts.filter({ hasText: AUTHORITY[lang] }).first().waitFor();
    const sign = page.getByRole('listitem').filter({ hasText: catalog.permits.get('outdoor_sign').name[lang] });
    await sign.getByText(w.noTerm).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}
