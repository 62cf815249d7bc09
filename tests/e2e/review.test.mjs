// The review workflow from the applicant's side (issue #17): a convenience store whose food
// permit needs the market-regulation bureau's review is received and waits; the bureau asks
// for corrections on two fields; the app, once it syncs, shows both requests on their fields;
// the applicant corrects them offline and the outbox sends the revision once the network is
// back; the bureau approves and the license appears. And a refusal: the applicant drops the
// refused permit and receives a license for the rest. Departments decide through the admin
// machine route (the office app is tested on its own). Real server, real Chromium; by labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { goOffline, goOnline, waitFor } from './harness.mjs';
import * as H from './applicant-helpers.mjs';
import { decide, grantAll, tracking as trackingOf } from './review-helpers.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** The texts of the workflow the tests look for (frontend/src/i18n.rs). */
const W = {
  zh: {
    askReview: '改为申请部门审核', reviewWithin: '将在 ', receivedBy: '已收到 — 正在审核的部门：',
    requests: '审核部门要求补正以下内容', asks: '要求：', outbox: '申请已放入发件箱',
    drop: '放弃此许可，领取其余许可的许可证', due: '办理期限', afterReview: '部门审核',
    onCommitment: '告知承诺', approved: '已批准', timeline: '办理进程',
    correctionEvent: '要求补正', revisionEvent: '收到补正后的申请', refused: '不予许可',
  },
  en: {
    askReview: "Ask for the department's review instead", reviewWithin: ' will review it within ',
    receivedBy: 'Received — under review by: ', requests: 'The departments ask you to correct these answers',
    asks: ' asks: ', outbox: 'Your application is in the outbox',
    drop: 'Drop this permit and get a license for the rest', due: 'Decision due',
    afterReview: 'After review', onCommitment: 'On commitment', approved: 'Approved',
    timeline: 'Timeline', correctionEvent: 'Corrections requested',
    revisionEvent: 'Corrected application received', refused: 'Rejected',
  },
};

/** Food (reviewed, with an on-site inspection) and liquor (on commitment). */
const SCOPE = {
  sells_food: true, sells_liquor: true, sells_tobacco: false, sells_drugs: false,
  sells_medical_devices_class2: false, has_outdoor_sign: false, floor_area_m2: 80,
};

const CORRECTIONS = {
  contact_phone: { zh: '请填写能接通的手机号码', en: 'Give a mobile number we can reach' },
  employee_count: { zh: '请包括兼职人员', en: 'Count part-time staff too' },
};

let server;
let browser;
let catalog;

before(async () => {
  ({ server, browser, catalog } = await H.startApp());
});

after(() => H.stopApp({ server, browser }));

const tracking = (id) => trackingOf(server, id);

/** The app syncs when the network comes back: a short drop makes it ask now. */
async function syncNow(page) {
  await goOffline(page.context());
  await goOnline(page.context());
}

/** A convenience store filled in and sent, with a review asked for instead of the commitment
 *  for the permits in `review`; resolves to its id, on the "received" page. */
async function sendStore(page, lang, { scope = SCOPE, review = [] } = {}) {
  const t = H.T[lang];
  const w = W[lang];
  await H.chooseIndustry(page, catalog, 'convenience_store', lang);
  await H.answerScope(page, catalog, scope, lang);
  await page.getByRole('button', { name: t.continue, exact: true }).click();
  await H.completeForm(page, catalog, { lang });
  const id = H.openApplication(page);

  // The declaration step says how each permit is granted: liquor on the applicant's
  // commitment (with the choice of review), food after the bureau's review and inspection.
  await H.openInApp(page, `/apply/${id}/form/declaration`);
  const liquor = catalog.permits.get('liquor_retail');
  const group = page.getByRole('group', { name: liquor.name[lang] });
  await group.getByText(liquor.grant.commitment[lang]).waitFor();
  const choice = group.getByRole('checkbox', { name: w.askReview });
  assert.equal(await choice.isChecked(), false);
  const food = catalog.permits.get('food_business');
  await page.getByText(`${food.department[lang]}${w.reviewWithin}${food.grant.time_limit_days}`).waitFor();
  for (const permitId of review) {
    const permit = catalog.permits.get(permitId);
    await page.getByRole('group', { name: permit.name[lang] }).getByRole('checkbox', { name: w.askReview }).check();
    await page.getByText(`${permit.department[lang]}${w.reviewWithin}${permit.grant.time_limit_days}`).waitFor();
  }
  await H.openInApp(page, `/apply/${id}/check`);

  await page.getByRole('button', { name: t.send }).click();
  await page.getByText(w.receivedBy).waitFor({ timeout: 20_000 });
  await page.getByRole('status').getByText(food.department[lang]).waitFor();
  await page.getByRole('link', { name: new RegExp(`/track/${id}$`) }).waitFor();
  assert.equal((await tracking(id)).status, 'under_review');
  return id;
}

for (const [lang, viewport] of [['zh', PHONE], ['en', DESKTOP]]) {
  test(`corrections asked on two fields are made offline and sent once, then the license (${lang}, ${viewport.width} px)`, async () => {
    const t = H.T[lang];
    const w = W[lang];
    const page = await H.openApp(browser, server.url, { lang, viewport });
    const id = await sendStore(page, lang);
    const food = catalog.permits.get('food_business');
    const department = food.department[lang];

    // The tracking page: each permit, how it is granted, its state and deadline.
    await H.openInApp(page, `/track/${id}`);
    const foodPanel = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: food.name[lang] }) });
    await foodPanel.getByText(w.afterReview, { exact: true }).waitFor();
    await foodPanel.getByText(w.due, { exact: true }).waitFor();
    const liquorPanel = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: catalog.permits.get('liquor_retail').name[lang] }) });
    await liquorPanel.getByText(w.onCommitment, { exact: true }).waitFor();
    await H.openInApp(page, `/apply/${id}/sent`);

    // The bureau asks for corrections on two fields; the app learns it when it syncs.
    await decide(server, id, 'food_business', { decision: 'request_correction', messages: CORRECTIONS });
    await syncNow(page);
    await page.getByRole('heading', { name: w.requests }).waitFor({ timeout: 20_000 });
    const request = (field) => `${department}${w.asks}${CORRECTIONS[field][lang]}`;
    for (const field of Object.keys(CORRECTIONS)) {
      await page.getByRole('region', { name: w.requests }).getByText(request(field)).waitFor();
    }
    // Each request on its field, as the field's own message, on the step that asks it.
    for (const field of Object.keys(CORRECTIONS)) {
      await H.openStepOf(page, catalog, field, lang);
      const control = H.fieldControl(page, catalog.fields.get(field), lang);
      assert.match(await H.description(control), new RegExp(H.escape(request(field))));
      assert.equal(await control.getAttribute('aria-invalid'), 'true');
    }

    // Corrected offline, and sent: it waits in the outbox.
    const accepted = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/applications')) accepted.push(r.status());
    });
    await goOffline(page.context());
    await H.openStepOf(page, catalog, 'contact_phone', lang);
    await H.fieldControl(page, catalog.fields.get('contact_phone'), lang).fill('13987654321');
    await H.openStepOf(page, catalog, 'employee_count', lang);
    const staff = H.fieldControl(page, catalog.fields.get('employee_count'), lang);
    await staff.fill('7');
    assert.equal(await staff.getAttribute('aria-invalid'), null, 'a corrected field is no longer marked');
    await H.openInApp(page, `/apply/${id}/check`);
    await page.getByRole('button', { name: t.send }).click();
    await page.getByRole('heading', { name: w.outbox }).waitFor();
    assert.equal((await tracking(id)).revision, 1, 'nothing reached the server offline');

    // Back online, the outbox sends the revision, once.
    await goOnline(page.context());
    await page.getByText(w.receivedBy).waitFor({ timeout: 20_000 });
    await waitFor(async () => accepted.length > 0);
    const revised = await tracking(id);
    assert.equal(revised.revision, 2);
    assert.equal(revised.timeline.filter((e) => e.event === 'revision_received').length, 1);
    assert.deepEqual(accepted, [202]);

    // Approved (after the on-site inspection): the license appears at the next sync.
    await grantAll(server, catalog, id);
    await syncNow(page);
    await page.getByRole('heading', { name: t.license, level: 1 }).waitFor({ timeout: 20_000 });
    const permits = await page.getByRole('table').getByRole('rowheader').allInnerTexts();
    assert.ok(permits.includes(food.name[lang]), permits.join(', '));

    // The tracking page tells the whole story.
    await H.openInApp(page, `/track/${id}`);
    await page.getByRole('heading', { name: w.timeline }).waitFor();
    for (const event of [w.correctionEvent, w.revisionEvent, w.approved]) {
      await page.getByRole('listitem').filter({ hasText: event }).first().waitFor();
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a review asked for instead of a commitment; a refused permit is dropped and the license covers the rest (en, 390 px)', async () => {
  const lang = 'en';
  const w = W[lang];
  const page = await H.openApp(browser, server.url, { lang, viewport: PHONE });
  // Tobacco is granted on commitment unless the applicant asks for its department's review.
  const id = await sendStore(page, lang, { scope: { ...SCOPE, sells_tobacco: true }, review: ['tobacco_retail'] });
  const [food, tobacco] = ['food_business', 'tobacco_retail'].map((p) => catalog.permits.get(p));
  const reviewing = page.getByRole('status').filter({ hasText: w.receivedBy });
  await reviewing.getByText(`${food.department.en}, ${tobacco.department.en}`).waitFor();
  const reason = { zh: '经营场所不符合食品安全要求', en: 'The premises do not meet the food safety requirements' };
  await decide(server, id, 'food_business', { decision: 'reject', reason });
  await syncNow(page);
  // Refused, but the tobacco bureau is still reviewing: the application waits for it.
  await waitFor(async () => !(await reviewing.innerText()).includes(food.department.en));
  await reviewing.getByText(tobacco.department.en, { exact: true }).waitFor();
  await grantAll(server, catalog, id);
  await syncNow(page);
  // The reason and the appeal route, and the two ways on.
  await page.getByText(reason.en).waitFor({ timeout: 20_000 });
  await page.getByText(catalog.permits.get('food_business').grant.appeal.en).waitFor();
  await page.getByRole('button', { name: 'Withdraw the application' }).waitFor();
  // Asked to confirm: declining sends nothing.
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('button', { name: new RegExp(`^${H.escape(w.drop)}`) }).click();
  assert.equal((await tracking(id)).status, 'rejected');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: new RegExp(`^${H.escape(w.drop)}`) }).click();
  await page.getByRole('heading', { name: H.T.en.license, level: 1 }).waitFor({ timeout: 20_000 });
  const permits = await page.getByRole('table').getByRole('rowheader').allInnerTexts();
  assert.deepEqual(permits.sort(), [catalog.permits.get('liquor_retail').name.en, tobacco.name.en].sort());
  const after = await tracking(id);
  assert.equal(after.status, 'issued');
  assert.equal(after.permits.find((p) => p.id === 'food_business').status, 'dropped');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
