// The holder's side of a license's life (#18) with a real server and Chromium, driven by
// visible labels and roles: a convenience store whose permits are all granted on commitment
// is licensed at once; under "My licenses" the holder changes it, typing only the new legal
// representative (the check page says what changes, old → new), and version 2 is issued at
// once under the same number; then the holder cancels it with a reason, and the card says
// cancelled. Once in Chinese on a 390 px phone, once in English on a desktop. A change filled
// offline waits in the outbox and is issued exactly once when the network is back. The
// tracking page says each permit's check after its commitment and what it found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { goOffline, goOnline, waitFor, DEFAULT_ADMIN_TOKEN } from './harness.mjs';
import { issueLicense } from './inspector-helpers.mjs';
import {
  startApp, stopApp, openApp, chooseIndustry, answerScope, completeForm, continueStep, fieldControl,
  sendApplication, openApplication, escape, T,
} from './applicant-helpers.mjs';

let server;
let browser;
let catalog;

before(async () => ({ server, browser, catalog } = await startApp()));
after(() => stopApp({ server, browser }));

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** The texts of frontend/src/i18n.rs these tests look for. */
const H = {
  zh: {
    brand: '一业一证', licenses: '我的许可证', version: '版本', status: '状态', valid: '有效', firstIssue: '首次发证',
    changeOf: '变更：', change: '变更', cancel: '注销', cancelled: '已注销', whatChanges: '变更内容',
    outbox: '申请已放入发件箱',
  },
  en: {
    brand: 'Yiye — one industry, one license', licenses: 'My licenses', version: 'Version', status: 'Status', valid: 'Valid',
    firstIssue: 'First issue', changeOf: 'Change of ', change: 'Change', cancel: 'Cancel',
    cancelled: 'Cancelled by the holder', whatChanges: 'What changes', outbox: 'Your application is in the outbox',
  },
};

/** Permits a department reviews first (food, drugs): answered "no", so every permit of the
 *  convenience store is granted on commitment and the license is issued at once. */
const REVIEWED = new Set(['sells_food', 'sells_drugs']);

function scope() {
  const industry = catalog.industries.get('convenience_store');
  return Object.fromEntries(industry.questions.map((q) => {
    const question = catalog.questions.get(q);
    return [q, question.kind === 'yes_no' ? !REVIEWED.has(q) : Math.max(question.min ?? 1, 1)];
  }));
}

/** A license issued in the app: the page on it, its number, its legal representative and the
 *  application's id. */
async function licensed(lang, viewport) {
  const page = await openApp(browser, server.url, { lang, viewport });
  await chooseIndustry(page, catalog, 'convenience_store', lang);
  await answerScope(page, catalog, scope(), lang);
  await page.getByRole('button', { name: T[lang].continue, exact: true }).click();
  await completeForm(page, catalog, { lang });
  const answer = await sendApplication(page, lang);
  assert.equal(answer.license.claims.version ?? 1, 1);
  const { number, claims, valid_until: until } = answer.license;
  return { page, number, until, representative: claims.legal_representative, first: openApplication(page) };
}

/** Start page → My licenses; the card of license `number`. */
async function myLicenses(page, lang, number) {
  const h = H[lang];
  await page.getByRole('button', { name: h.brand }).click();
  await page.getByRole('button', { name: new RegExp(`^${h.licenses}`) }).click();
  await page.getByRole('heading', { name: h.licenses, level: 1 }).waitFor();
  return page.getByRole('listitem').filter({ hasText: number }).first();
}

/** A data row of a card (term → definition). */
function row(card, term) {
  return card.locator('.summary-row').filter({ has: card.page().getByRole('term').filter({ hasText: new RegExp(`^${escape(term)}$`) }) })
    .getByRole('definition');
}

/** "Change" on the card, the new representative typed on the step asking it and nothing else
 *  but the declaration, up to the check page. */
async function changeRepresentative(page, lang, card, number, representative) {
  await card.getByRole('button', { name: `${H[lang].change} ${number}` }).click();
  const field = catalog.fields.get('legal_rep_name');
  for (let step = 0; step < 20 && await fieldControl(page, field, lang).count() === 0; step++) {
    assert.equal(await continueStep(page, lang), 'step', 'the pre-filled steps before it are complete');
  }
  await fieldControl(page, field, lang).fill(representative);
  const filled = await completeForm(page, catalog, { lang });
  assert.deepEqual(filled, ['declaration'], 'only the declaration is asked again');
}

async function holdersLife(lang, viewport) {
  const h = H[lang];
  const after = lang === 'zh' ? '李文华' : 'Li Wenhua';
  const { page, number, representative: before } = await licensed(lang, viewport);
  let card = await myLicenses(page, lang, number);
  await row(card, h.version).filter({ hasText: /^1$/ }).waitFor();
  // The sync on opening the page brings the authority's word: valid, first issue.
  await row(card, h.status).filter({ hasText: h.valid }).waitFor();
  await card.getByRole('listitem').filter({ hasText: h.firstIssue }).waitFor();

  await changeRepresentative(page, lang, card, number, after);
  const changes = page.getByRole('region', { name: h.whatChanges });
  const label = catalog.fields.get('legal_rep_name').label[lang];
  assert.equal((await changes.getByRole('definition').allInnerTexts()).join('|'), `${before} → ${after}`);
  assert.equal(await changes.getByRole('term').innerText(), label);
  const answer = await sendApplication(page, lang);
  assert.equal(answer.license.number, number, 'the number stays');
  assert.equal(answer.license.claims.version, 2);
  assert.equal(answer.license.claims.legal_representative, after);

  card = await myLicenses(page, lang, number);
  await row(card, h.version).filter({ hasText: /^2$/ }).waitFor();
  await card.getByRole('listitem').filter({ hasText: `${h.changeOf}${label}` }).waitFor();

  // Cancel, with a reason in the confirmation.
  page.once('dialog', (dialog) => dialog.accept(lang === 'zh' ? '歇业' : 'closing down'));
  await card.getByRole('button', { name: `${h.cancel} ${number}` }).click();
  await page.getByRole('heading', { name: T[lang].received, level: 1 }).waitFor();
  await page.getByText(h.cancelled, { exact: true }).waitFor();
  const cancellation = openApplication(page);
  const tracked = await (await fetch(`${server.url}/api/applications/${cancellation}`)).json();
  assert.equal(tracked.status, 'cancelled');
  card = await myLicenses(page, lang, number);
  await row(card, h.status).filter({ hasText: h.cancelled }).waitFor();
  // The history follows once the authority has said it (the sync as the page opens).
  await card.getByRole('listitem').filter({ hasText: `${h.version} 2` }).filter({ hasText: h.cancelled }).waitFor();
  assert.equal(await card.getByRole('button', { name: `${h.change} ${number}` }).count(), 0, 'no change once cancelled');
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client + 1, `My licenses is ${scroll} px wide in a ${client} px window`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
}

test('the holder changes the legal representative, then cancels (390 px phone, Chinese)', () => holdersLife('zh', PHONE));

test('the holder changes the legal representative, then cancels (desktop, English)', () => holdersLife('en', DESKTOP));

test('a change filled offline waits in the outbox and is issued once when the network is back', async () => {
  const lang = 'en';
  const { page, number, first } = await licensed(lang, DESKTOP);
  const card = await myLicenses(page, lang, number);
  await row(card, H.en.version).filter({ hasText: /^1$/ }).waitFor();
  await changeRepresentative(page, lang, card, number, 'Zhao Min');
  const context = page.context();
  await goOffline(context);
  await page.getByRole('button', { name: T.en.send }).click();
  await page.getByRole('heading', { name: H.en.outbox }).waitFor();
  await page.getByText('Not sent yet').waitFor({ timeout: 15_000 });
  const standing = async () => (await (await fetch(`${server.url}/api/applications/${first}`)).json()).license;
  assert.equal((await standing()).version, 1, 'nothing reached the server');

  await goOnline(context);
  await page.getByRole('heading', { name: T.en.license, level: 1 }).waitFor({ timeout: 20_000 });
  await waitFor(async () => (await standing()).version === 2);
  const now = await standing();
  assert.deepEqual(now.history.map((v) => [v.version, v.state]), [[1, 'superseded'], [2, 'valid']], 'issued once');
  assert.deepEqual(now.history[1].changed, ['legal_rep_name']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('from 60 days before the end the start page and the card remind the holder to renew (desktop, English)', async () => {
  const { page, number, until } = await licensed('en', DESKTOP);
  const words = /^The license expires on \d{1,2} [A-Z][a-z]{2} \d{4} — renew now\.$/;
  const reminder = page.getByText(words);
  let card = await myLicenses(page, 'en', number);
  await row(card, H.en.status).filter({ hasText: H.en.valid }).waitFor();
  assert.equal(await reminder.count(), 0, 'years before the end: no reminder');
  assert.equal(await card.getByRole('button', { name: `Renew ${number}` }).count(), 0, 'renewal not open yet');
  // 30 days before the end, the device's clock says.
  await page.context().clock.setSystemTime((until - 30 * 86_400) * 1000);
  await page.getByRole('button', { name: H.en.brand }).click();
  await reminder.waitFor();
  card = await myLicenses(page, 'en', number);
  await card.getByText(words).waitFor();
  await card.getByRole('button', { name: `Renew ${number}` }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the tracking page says each check after a commitment and what followed (390 px phone, Chinese)', async () => {
  const id = `supervised-${Date.now()}`;
  await issueLicense(server.url, id, '核查便利店');
  const record = (permit, finding) => fetch(`${server.url}/api/admin/checks/${id}/permits/${permit}/result`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
    body: JSON.stringify(finding),
  });
  assert.equal((await record('liquor_retail', { result: 'honoured' })).status, 201);
  const falseCommitment = {
    result: 'false_commitment',
    findings: { zh: '未设置未成年人禁售标识', en: 'No sign forbidding sales to minors' },
    legal_reason: { zh: '《烟草专卖法》第二十一条', en: 'Tobacco Monopoly Law, art. 21' },
    consequence: { action: 'suspension', until: '2030-01-31' },
  };
  assert.equal((await record('tobacco_retail', falseCommitment)).status, 201);

  const page = await openApp(browser, server.url, { lang: 'zh', viewport: PHONE, path: `/track/${id}` });
  const permit = (id) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: catalog.permits.get(id).name.zh }) });
  const rows = async (id) => {
    const item = permit(id);
    await item.getByRole('term').first().waitFor();
    const terms = await item.getByRole('term').allInnerTexts();
    const defs = await item.getByRole('definition').allInnerTexts();
    return Object.fromEntries(terms.map((t, i) => [t.trim(), defs[i]?.trim()]));
  };
  await page.getByText('承诺不实', { exact: true }).waitFor();
  const tobacco = await rows('tobacco_retail');
  assert.equal(tobacco['事后核查'], '承诺不实');
  assert.equal(tobacco['核查发现'], '未设置未成年人禁售标识');
  assert.equal(tobacco['理由'], '《烟草专卖法》第二十一条');
  assert.equal(tobacco['处理结果'], '暂扣至 2030年1月31日');
  assert.match(tobacco['核查期限'], /^\d{4}年\d{1,2}月\d{1,2}日$/);
  assert.equal((await rows('liquor_retail'))['事后核查'], '核查通过：与承诺相符');
  // Every permit with a check says when it is due; one not yet made, nothing more.
  const tracked = await (await fetch(`${server.url}/api/applications/${id}`)).json();
  const checked = tracked.permits.filter((p) => p.supervision);
  assert.ok(checked.length >= 2);
  for (const p of checked) {
    const shown = await rows(p.id);
    assert.ok(shown['核查期限'], `${p.id}: the check's due date`);
    assert.equal(Boolean(shown['事后核查']), Boolean(p.supervision.finding), `${p.id}: a finding only once recorded`);
  }
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client + 1, `the tracking page is ${scroll} px wide in a ${client} px window`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
