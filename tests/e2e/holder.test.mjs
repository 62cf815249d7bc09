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
import { startApp, stopApp, openApp, sendApplication, openApplication, T } from './applicant-helpers.mjs';
import { H, licensed, myLicenses, row, changeRepresentative, cancelLicense } from './holder-helpers.mjs';

let server;
let browser;
let catalog;
/** What the holder helpers need, once started. */
const app = {};

before(async () => {
  ({ server, browser, catalog } = await startApp());
  Object.assign(app, { server, browser, catalog });
});
after(() => stopApp({ server, browser }));

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function holdersLife(lang, viewport) {
  const h = H[lang];
  const after = lang === 'zh' ? '李文华' : 'Li Wenhua';
  const { page, number, representative: before } = await licensed(app, lang, viewport);
  let card = await myLicenses(page, lang, number);
  await row(card, h.version).filter({ hasText: /^1$/ }).waitFor();
  // The sync on opening the page brings the authority's word: valid, first issue.
  await row(card, h.status).filter({ hasText: h.valid }).waitFor();
  await card.getByRole('listitem').filter({ hasText: h.firstIssue }).waitFor();

  await changeRepresentative(app, page, lang, card, number, after);
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
  await cancelLicense(page, lang, card, number, lang === 'zh' ? '歇业' : 'closing down');
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
  const { page, number, first } = await licensed(app, lang, DESKTOP);
  const card = await myLicenses(page, lang, number);
  await row(card, H.en.version).filter({ hasText: /^1$/ }).waitFor();
  await changeRepresentative(app, page, lang, card, number, 'Zhao Min');
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
  const { page, number, until } = await licensed(app, 'en', DESKTOP);
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
