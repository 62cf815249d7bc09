// Issue #17's whole story, both sides through their own apps, driven by visible labels: a
// convenience store applies (food needs the market-regulation bureau's review, liquor is
// granted on commitment); the bureau's reviewer, signed in to the office, asks for corrections
// on two fields; the applicant's app shows both requests on their fields; the applicant
// corrects them offline and the outbox sends the revision when the network is back; the
// reviewer records the on-site inspection and approves; the license is issued. The tracking
// page shows every stage, and the supervisor's audit log lists each action and who took it.
// Applicant on a phone and reviewer on a desktop in Chinese; the other way round in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addStaff, goOffline, goOnline, waitFor } from './harness.mjs';
import * as H from './applicant-helpers.mjs';
import { tracking as trackingOf } from './review-helpers.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = 'a long and honest passphrase';
const REVIEWER = { username: 'amr-chen', role: 'reviewer', department: 'amr', name: '陈审核' };
const SUPERVISOR = { username: 'chief-sun', role: 'supervisor', name: '孙科长' };

/** Food (reviewed, with an on-site inspection) and liquor (on commitment). */
const SCOPE = {
  sells_food: true, sells_liquor: true, sells_tobacco: false, sells_drugs: false,
  sells_medical_devices_class2: false, has_outdoor_sign: false, floor_area_m2: 80,
};
const FIELDS = ['contact_phone', 'employee_count'];
const MESSAGES = {
  contact_phone: { zh: '请填写能接通的手机号码', en: 'Give a mobile number we can reach' },
  employee_count: { zh: '请把兼职人员也算上', en: 'Count part-time staff too' },
};
const CORRECTED = { contact_phone: '13987654321', employee_count: '9' };

/** The applicant app's texts (frontend/src/i18n.rs) and the office's (office/src/i18n.rs). */
const A = {
  zh: {
    receivedBy: '已收到 — 正在审核的部门：', requests: '审核部门要求补正以下内容', asks: '要求：',
    outbox: '申请已放入发件箱', afterReview: '部门审核', onCommitment: '告知承诺',
    underReview: '审核中', correction: '需补正', approved: '已批准', granted: '已准予（告知承诺）',
    timeline: '办理进程',
    events: ['收到申请', '受理申请', '已准予（告知承诺）', '要求补正', '收到补正后的申请', '现场核查', '已批准', '已发证'],
  },
  en: {
    receivedBy: 'Received — under review by: ', requests: 'The departments ask you to correct these answers',
    asks: ' asks: ', outbox: 'Your application is in the outbox', afterReview: 'After review',
    onCommitment: 'On commitment', underReview: 'Under review', correction: 'Corrections requested',
    approved: 'Approved', granted: 'Granted on commitment', timeline: 'Timeline',
    events: ['Application received', 'Application accepted', 'Granted on commitment', 'Corrections requested',
      'Corrected application received', 'On-site inspection', 'Approved', 'Issued'],
  },
};
const O = {
  zh: {
    username: '用户名', password: '密码', signIn: '登录', new: '新收件', correct: '要求补正',
    ask: '要求补正：', messageZh: '补正说明（中文）：', messageEn: '补正说明（英文）：', record: '记录决定',
    recorded: '已记录：要求补正', approve: '准予许可', approved: '已记录：准予许可', passed: '合格',
    recordInspection: '记录核查', inspectionRecorded: '已记录现场核查', signOut: '退出登录', audit: '操作日志',
    filter: '只看此申请编号',
  },
  en: {
    username: 'Username', password: 'Password', signIn: 'Sign in', new: 'New', correct: 'Request correction',
    ask: 'Ask to correct: ', messageZh: 'Message in Chinese: ', messageEn: 'Message in English: ',
    record: 'Record the decision', recorded: 'Recorded: correction requested', approve: 'Approve',
    approved: 'Recorded: approved', passed: 'Passed', recordInspection: 'Record the inspection',
    inspectionRecorded: 'On-site inspection recorded', signOut: 'Sign out', audit: 'Audit log',
    filter: 'Only this application number',
  },
};

let app;

before(async () => {
  app = await H.startApp({
    prepare: (data) => {
      for (const member of [REVIEWER, SUPERVISOR]) addStaff(data, { ...member, password: PASSWORD });
    },
  });
});

after(() => H.stopApp(app ?? {}));

/** The office in its own browser context (a different person's device). */
async function openOffice(lang, viewport) {
  const context = await app.browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
  await context.addInitScript((l) => localStorage.setItem('yiye.lang', JSON.stringify(l)), lang === 'zh' ? 'Zh' : 'En');
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${app.server.url}/office/`);
  return page;
}

async function signIn(page, lang, member) {
  const o = O[lang];
  await page.getByLabel(o.username, { exact: true }).fill(member.username);
  await page.getByLabel(o.password, { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: o.signIn, exact: true }).click();
}

/** The app asks the server as soon as the network comes back. */
async function syncNow(page) {
  await goOffline(page.context());
  await goOnline(page.context());
}

/** The tracking page's panel of one permit shows `words` (mode, state…). */
async function permitShows(page, lang, permitId, words) {
  const name = app.catalog.permits.get(permitId).name[lang];
  const panel = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, level: 3, exact: true }) });
  for (const word of words) await panel.getByText(word, { exact: true }).first().waitFor({ timeout: 20_000 });
}

for (const [lang, applicantView, officeView] of [['zh', PHONE, DESKTOP], ['en', DESKTOP, PHONE]]) {
  test(`review in parallel, corrections all at once, corrected offline, approved, issued (${lang}; applicant ${applicantView.width} px, office ${officeView.width} px)`, async () => {
    const { catalog, server } = app;
    const t = H.T[lang];
    const a = A[lang];
    const o = O[lang];
    const name = lang === 'zh' ? '浦东审核便利店有限公司' : 'Pudong Reviewed Corner Shop Co';
    const food = catalog.permits.get('food_business');

    // The applicant applies.
    const applicant = await H.openApp(app.browser, server.url, { lang, viewport: applicantView });
    await H.chooseIndustry(applicant, catalog, 'convenience_store', lang);
    await H.answerScope(applicant, catalog, SCOPE, lang);
    await applicant.getByRole('button', { name: t.continue, exact: true }).click();
    await H.completeForm(applicant, catalog, { lang, overrides: { business_name: name } });
    const id = H.openApplication(applicant);
    await applicant.getByRole('button', { name: t.send }).click();
    await applicant.getByText(a.receivedBy).waitFor({ timeout: 20_000 });
    // Stage 1 on the tracking page: food waits for its department, liquor is granted.
    await H.openInApp(applicant, `/track/${id}`);
    await permitShows(applicant, lang, 'food_business', [a.afterReview, a.underReview]);
    await permitShows(applicant, lang, 'liquor_retail', [a.onCommitment, a.granted]);

    // The food department's reviewer asks for two corrections.
    const office = await openOffice(lang, officeView);
    await signIn(office, lang, REVIEWER);
    const task = office.getByRole('region', { name: o.new, exact: true }).getByRole('listitem').filter({ hasText: name });
    await task.getByText(food.name[lang]).waitFor();
    await task.getByRole('link', { name }).click();
    await office.getByRole('heading', { level: 1, name }).waitFor();
    await office.getByRole('radio', { name: o.correct, exact: true }).check();
    for (const field of FIELDS) {
      const label = catalog.fields.get(field).label[lang];
      await office.getByRole('checkbox', { name: `${o.ask}${label}`, exact: true }).check();
      await office.getByLabel(`${o.messageZh}${label}`, { exact: true }).fill(MESSAGES[field].zh);
      await office.getByLabel(`${o.messageEn}${label}`, { exact: true }).fill(MESSAGES[field].en);
    }
    await office.getByRole('button', { name: o.record, exact: true }).click();
    await office.getByRole('status').filter({ hasText: o.recorded }).waitFor();

    // The applicant's app learns of it when it syncs: both requests, each on its field.
    await H.openInApp(applicant, `/apply/${id}/sent`);
    await syncNow(applicant);
    await applicant.getByRole('heading', { name: a.requests }).waitFor({ timeout: 20_000 });
    const request = (field) => `${food.department[lang]}${a.asks}${MESSAGES[field][lang]}`;
    for (const field of FIELDS) {
      await applicant.getByRole('region', { name: a.requests }).getByText(request(field)).waitFor();
      await H.openStepOf(applicant, catalog, field, lang);
      const control = H.fieldControl(applicant, catalog.fields.get(field), lang);
      assert.match(await H.description(control), new RegExp(H.escape(request(field))));
    }

    // Corrected with no network: the revision waits in the outbox, then goes once.
    const sent = [];
    applicant.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().endsWith('/api/applications')) sent.push(r.status());
    });
    await goOffline(applicant.context());
    for (const field of FIELDS) {
      await H.openStepOf(applicant, catalog, field, lang);
      await H.fieldControl(applicant, catalog.fields.get(field), lang).fill(CORRECTED[field]);
    }
    await H.openInApp(applicant, `/apply/${id}/check`);
    await applicant.getByRole('button', { name: t.send }).click();
    await applicant.getByRole('heading', { name: a.outbox }).waitFor();
    assert.equal((await trackingOf(server, id)).revision, 1, 'nothing reached the server offline');
    await goOnline(applicant.context());
    await applicant.getByText(a.receivedBy).waitFor({ timeout: 20_000 });
    await waitFor(async () => (await trackingOf(server, id)).revision === 2);
    assert.deepEqual(sent, [202], 'the revision was sent exactly once');
    // Stage 2 on the tracking page: the corrected application is back with the department.
    await H.openInApp(applicant, `/track/${id}`);
    await permitShows(applicant, lang, 'food_business', [a.underReview]);

    // The reviewer sees the corrected values, records the inspection and approves.
    await office.reload();
    await office.getByRole('heading', { level: 1, name }).waitFor();
    for (const field of FIELDS) await office.getByRole('cell', { name: CORRECTED[field], exact: true }).first().waitFor();
    await office.getByRole('radio', { name: o.passed, exact: true }).check();
    await office.getByRole('button', { name: o.recordInspection, exact: true }).click();
    await office.getByRole('status').filter({ hasText: o.inspectionRecorded }).waitFor();
    await office.getByRole('radio', { name: o.approve, exact: true }).check();
    await office.getByRole('button', { name: o.record, exact: true }).click();
    await office.getByRole('status').filter({ hasText: o.approved }).waitFor();
    await office.getByRole('button', { name: o.signOut, exact: true }).click();

    // The license reaches the applicant at the next sync.
    await syncNow(applicant);
    await applicant.getByRole('heading', { name: t.license, level: 1 }).waitFor({ timeout: 20_000 });
    // Stage 3, and the whole story in the timeline.
    await H.openInApp(applicant, `/track/${id}`);
    await permitShows(applicant, lang, 'food_business', [a.approved]);
    await applicant.getByRole('heading', { name: a.timeline }).waitFor();
    const timeline = await applicant.getByRole('list').filter({ hasText: a.events[0] }).last().innerText();
    let at = -1;
    for (const event of a.events) {
      const found = timeline.indexOf(event, at + 1);
      assert.ok(found > at, `the timeline tells "${event}" in its place:\n${timeline}`);
      at = found;
    }

    // The supervisor's audit log: who did what to this application.
    await signIn(office, lang, SUPERVISOR);
    await office.getByRole('link', { name: o.audit }).click();
    await office.getByRole('heading', { level: 1, name: o.audit }).waitFor();
    await office.getByLabel(o.filter).fill(id);
    await office.getByLabel(o.filter).press('Enter');
    const rows = office.getByRole('row').filter({ hasText: REVIEWER.username });
    for (const action of [o.correct, o.approve]) {
      await rows.filter({ hasText: action }).first().waitFor();
    }
    const audit = (await (await office.evaluate(async (appId) => (await fetch(`/api/office/audit?application=${appId}`)).json(), id)));
    const actions = audit.map((e) => `${e.actor} ${e.action}`);
    for (const expected of ['decision.request_correction', 'inspection', 'decision.approve']) {
      assert.ok(actions.some((x) => x.startsWith(REVIEWER.username) && x.includes(expected)),
        `the audit log has ${expected} by ${REVIEWER.username}: ${actions.join(', ')}`);
    }
    assert.deepEqual(applicant.errors, []);
    assert.deepEqual(office.errors, []);
    await office.context().close();
    await applicant.context().close();
  });
}
