// The back office with a real server and Chromium, driven by visible labels and roles: a food
// department reviewer signs in (after a wrong password), finds a convenience store's food
// permit under "New", opens it, asks for corrections on two fields — which the applicant's
// tracking answer then carries — and signs out; a supervisor reads it in the audit log.
// On a desktop in Chinese and on a 390 px phone in English; too many failed sign-ins are
// answered with the wait in seconds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, addStaff, launchBrowser, startServer } from './harness.mjs';
import { loadCatalog, validValue } from './applicant-helpers.mjs';

const PASSWORD = 'correct horse battery staple';
const REVIEWER = { username: 'amr-li', role: 'reviewer', department: 'amr', name: '李审核' };
const SUPERVISOR = { username: 'chief-zhao', role: 'supervisor', name: '赵科长' };
const CLERK = { username: 'clerk-wu', role: 'clerk', name: '吴窗口' };

/** Interface texts the test looks for (office/src/i18n.rs). */
const T = {
  zh: {
    signInHeading: '工作人员登录', username: '用户名', password: '密码', signIn: '登录',
    wrong: '用户名或密码不正确。', tooMany: /尝试次数过多，请在 \d+ 秒后再试。/,
    overdue: '已超期', dueSoon: '2个工作日内到期', new: '新收件', tasks: '待办事项',
    correct: '要求补正', ask: '要求补正：', messageZh: '补正说明（中文）：', messageEn: '补正说明（英文）：',
    record: '记录决定', recorded: /已记录：要求补正/, signOut: '退出登录', signedOut: '您已退出登录。',
    status: '需补正', audit: '操作日志', auditAction: '要求补正', registry: '✓ 经登记系统确认',
  },
  en: {
    signInHeading: 'Staff sign in', username: 'Username', password: 'Password', signIn: 'Sign in',
    wrong: 'The username or password is not correct.', tooMany: /Too many attempts\. Try again in \d+ seconds\./,
    overdue: 'Overdue', dueSoon: 'Due within 2 working days', new: 'New', tasks: 'Tasks',
    correct: 'Request correction', ask: 'Ask to correct: ', messageZh: 'Message in Chinese: ',
    messageEn: 'Message in English: ', record: 'Record the decision', recorded: /Recorded: correction requested/,
    signOut: 'Sign out', signedOut: 'You have signed out.', status: 'Corrections requested',
    audit: 'Audit log', auditAction: 'Request correction', registry: '✓ Confirmed by the registry',
  },
};

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server;
let browser;
let catalog;

before(async () => {
  server = await startServer({
    prepare: (data) => {
      for (const member of [REVIEWER, SUPERVISOR, CLERK]) addStaff(data, { ...member, password: PASSWORD });
    },
  });
  browser = await launchBrowser();
  catalog = await loadCatalog(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A convenience store selling food, liquor and tobacco but no drugs: its food permit needs
 *  the amr's review, the rest are granted on commitment (drugs would add a second department
 *  under review). Fills what the server's 422s ask for; 202 expected. */
async function submitForReview(id, businessName) {
  const industry = catalog.industries.get('convenience_store');
  const scope = Object.fromEntries(industry.questions.map((q) => {
    const question = catalog.questions.get(q);
    return [q, question.kind === 'yes_no' ? q !== 'sells_drugs' : Math.max(question.min ?? 1, 1)];
  }));
  const values = {
    business_name: businessName, credit_code: '91310115L12TH3BJ31', address_division: '310115',
    address_detail: '世纪大道100号', legal_rep_name: '王建国',
  };
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const response = await fetch(`${server.url}/api/applications`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, industry: industry.id, scope, values }),
    });
    const body = await response.json();
    if (response.status === 202) return body;
    if (response.status !== 422) throw new Error(`application: ${response.status} ${JSON.stringify(body)}`);
    for (const field of Object.keys(body.fields ?? {})) {
      const def = catalog.fields.get(field);
      const option = def.options?.[0];
      values[field] = def.kind === 'yes_no' ? 'yes' : (option?.v ?? option?.value ?? validValue(def));
    }
  }
  throw new Error('the server kept refusing the application');
}

/** A moment (Unix seconds) as the office writes it: the authority's date (UTC+8) and time. */
function authorityMoment(unix, lang) {
  const at = new Date((unix + 8 * 3600) * 1000);
  const [year, month, day] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const date = lang === 'zh' ? `${year}年${month}月${day}日` : `${day} ${months[month - 1]} ${year}`;
  const pad = (n) => String(n).padStart(2, '0');
  return `${date} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

async function openOffice(lang, viewport) {
  // The CSP forbids injected scripts; axe is a test tool, so this context bypasses it.
  // A device far from the authority (UTC−8/−7 against UTC+8): times must still be the authority's.
  const context = await browser.newContext({
    viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB', bypassCSP: true, timezoneId: 'America/Los_Angeles',
  });
  // The language the office shows first is the device's remembered choice (bilingual crate).
  await context.addInitScript((l) => localStorage.setItem('yiye.lang', JSON.stringify(l)), lang === 'zh' ? 'Zh' : 'En');
  const page = await context.newPage();
  await page.goto(`${server.url}/office/`);
  return { context, page };
}

/** Fills and sends the sign-in form; resolves to the status of the server's answer. */
async function signIn(page, t, username, password) {
  await page.getByLabel(t.username, { exact: true }).fill(username);
  await page.getByLabel(t.password, { exact: true }).fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/office/login'));
  await page.getByRole('button', { name: t.signIn, exact: true }).click();
  return (await answer).status();
}

/** axe-core's WCAG 2.2 A/AA violations on the page as it is, in words (as a11y.test.mjs). */
async function axe(page, what) {
  await page.evaluate(() => window.scrollTo(0, 0));
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  assert.ok(results.passes.length > 10, `axe ran its WCAG rules on ${what}`);
  return results.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
}

/** The page is no wider than the window: nothing to scroll sideways on a phone. */
async function fitsTheWindow(page) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client + 1, `page is ${scroll} px wide in a ${client} px window`);
}

async function reviewerRequestsCorrections({ lang, viewport, id, businessName }) {
  const t = T[lang];
  await submitForReview(id, businessName);
  const { context, page } = await openOffice(lang, viewport);
  const problems = [];
  try {
    await page.getByRole('heading', { level: 1, name: t.signInHeading }).waitFor();
    // A wrong password is said in words, and the form stays.
    assert.equal(await signIn(page, t, REVIEWER.username, 'not the password at all'), 401);
    await page.getByRole('alert').getByText(t.wrong).waitFor();
    problems.push(...await axe(page, 'sign-in with an error'));
    assert.equal(await signIn(page, t, REVIEWER.username, PASSWORD), 200);

    // The three queues; the store waits under "New".
    await page.getByRole('heading', { level: 1, name: t.tasks }).waitFor();
    for (const heading of [t.overdue, t.dueSoon, t.new]) {
      await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
    }
    const queue = page.getByRole('region', { name: t.new, exact: true });
    const food = catalog.permits.get('food_business').name[lang];
    const task = queue.getByRole('listitem').filter({ hasText: businessName });
    await task.getByText(food).waitFor();
    await task.getByText(catalog.industries.get('convenience_store').name[lang]).waitFor();
    await fitsTheWindow(page);
    problems.push(...await axe(page, 'queues'));
    await task.getByRole('link', { name: businessName }).click();

    // The application: heading, permits, values (what the registry confirmed marked).
    await page.getByRole('heading', { level: 1, name: businessName }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/office/applications/${id}`);
    await page.getByRole('cell', { name: t.registry }).first().waitFor();
    const view = await page.evaluate(async (appId) => (await fetch(`/api/office/applications/${appId}`)).json(), id);
    assert.ok((await page.locator('main').innerText()).includes(authorityMoment(view.received_at, lang)),
      `received at ${authorityMoment(view.received_at, lang)}, the authority's time`);
    const fields = view.fields.filter((f) => f.value !== '').slice(0, 2);
    assert.equal(fields.length, 2, 'two fields to correct');

    // Request correction on two fields, a message in both languages each.
    await page.getByRole('radio', { name: t.correct, exact: true }).check();
    for (const field of fields) {
      const label = field.label[lang];
      await page.getByRole('checkbox', { name: `${t.ask}${label}`, exact: true }).check();
      await page.getByLabel(`${t.messageZh}${label}`, { exact: true }).fill(`请核对${field.label.zh}`);
      await page.getByLabel(`${t.messageEn}${label}`, { exact: true }).fill(`Please check the ${field.label.en}`);
    }
    await fitsTheWindow(page);
    problems.push(...await axe(page, 'application with the correction form'));
    await page.getByRole('button', { name: t.record, exact: true }).click();
    const confirmation = page.getByRole('status').filter({ hasText: t.recorded });
    await confirmation.waitFor();
    assert.equal(await confirmation.evaluate((el) => el === document.activeElement), true, 'the confirmation takes the focus');
    // The updated view: the permit waits for the applicant; no decision form is left.
    await page.getByText(t.status, { exact: true }).first().waitFor();
    assert.equal(await page.getByRole('button', { name: t.record, exact: true }).count(), 0);

    // The applicant's tracking answer carries both messages, on those fields.
    const tracked = await (await fetch(`${server.url}/api/applications/${id}`)).json();
    assert.equal(tracked.status, 'correction_requested');
    const messages = tracked.permits.find((p) => p.id === 'food_business').messages;
    assert.deepEqual(Object.keys(messages).sort(), fields.map((f) => f.id).sort());
    for (const field of fields) assert.equal(messages[field.id].en, `Please check the ${field.label.en}`);

    // Signing out: the sign-in form again, and the API refuses the old page's calls.
    await page.getByRole('button', { name: t.signOut, exact: true }).click();
    await page.getByText(t.signedOut).waitFor();
    await page.getByRole('heading', { level: 1, name: t.signInHeading }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/office/tasks')).status);
    assert.equal(after, 401);
    assert.deepEqual(problems, [], problems.join('\n'));
    return fields;
  } finally {
    await context.close();
  }
}

test('a reviewer requests corrections on two fields and signs out (desktop, Chinese); the supervisor sees it in the audit log', async () => {
  const id = 'office-e2e-desktop-zh';
  await reviewerRequestsCorrections({ lang: 'zh', viewport: { width: 1280, height: 900 }, id, businessName: '浦东便利一号店' });

  const t = T.zh;
  const { context, page } = await openOffice('zh', { width: 1280, height: 900 });
  try {
    assert.equal(await signIn(page, t, SUPERVISOR.username, PASSWORD), 200);
    // A supervisor chooses the department: the food department's queue holds nothing new now.
    await page.getByLabel('部门', { exact: true }).selectOption('amr');
    await page.getByRole('heading', { level: 2, name: t.new, exact: true }).waitFor();
    await page.getByRole('link', { name: t.audit }).click();
    await page.getByRole('heading', { level: 1, name: t.audit }).waitFor();
    const row = page.getByRole('row').filter({ hasText: REVIEWER.username }).filter({ hasText: t.auditAction });
    await row.first().waitFor();
    await row.first().getByRole('link', { name: id }).waitFor();
  } finally {
    await context.close();
  }
});

test('a reviewer requests corrections on two fields and signs out (390 px phone, English)', async () => {
  await reviewerRequestsCorrections({ lang: 'en', viewport: { width: 390, height: 844 }, id: 'office-e2e-phone-en', businessName: 'Lujiazui Corner Shop' });
});

test('a reviewer records a passed inspection, then approves with conditions: the license is issued (390 px, Chinese)', async () => {
  const t = T.zh;
  const id = 'office-e2e-approve';
  const businessName = '张江便利店';
  await submitForReview(id, businessName);
  const { context, page } = await openOffice('zh', { width: 390, height: 844 });
  try {
    assert.equal(await signIn(page, t, REVIEWER.username, PASSWORD), 200);
    await page.getByRole('region', { name: t.new, exact: true }).getByRole('link', { name: businessName }).click();
    await page.getByRole('heading', { level: 1, name: businessName }).waitFor();
    // Approving first: the food permit needs a passed on-site inspection (catalog), said in words.
    await page.getByRole('radio', { name: '准予许可', exact: true }).check();
    await page.getByRole('button', { name: t.record, exact: true }).click();
    await page.getByRole('alert').getByText('此许可需先记录合格的现场核查，才能准予许可。').waitFor();
    // The inspection: today's date and the reviewer's name are filled in.
    assert.equal(await page.getByLabel('核查人员', { exact: true }).inputValue(), REVIEWER.name);
    await page.getByRole('radio', { name: '合格', exact: true }).check();
    await page.getByLabel('说明（可不填）', { exact: true }).fill('后厨布局与承诺一致');
    await page.getByRole('button', { name: '记录核查', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '已记录现场核查' }).waitFor();
    await page.getByText('后厨布局与承诺一致').waitFor();
    // Now the approval, with conditions in both languages.
    await page.getByRole('radio', { name: '准予许可', exact: true }).check();
    await page.getByLabel('附加条件（中文，可不填）', { exact: true }).fill('每季度自查一次');
    await page.getByLabel('附加条件（英文，可不填）', { exact: true }).fill('Inspect yourself every quarter');
    await page.getByRole('button', { name: t.record, exact: true }).click();
    await page.getByRole('status').filter({ hasText: '已记录：准予许可' }).waitFor();
    await page.getByText('每季度自查一次').waitFor();
    await fitsTheWindow(page);
    const tracked = await (await fetch(`${server.url}/api/applications/${id}`)).json();
    assert.equal(tracked.status, 'issued');
    assert.equal(tracked.permits.find((p) => p.id === 'food_business').conditions.en, 'Inspect yourself every quarter');
  } finally {
    await context.close();
  }
});

test('too many failed sign-ins are answered with the wait in seconds', async () => {
  const t = T.en;
  const { context, page } = await openOffice('en', { width: 390, height: 844 });
  try {
    // From the third failure the account is locked for a few seconds (services/staff.rs).
    for (let i = 0; i < 3; i += 1) {
      assert.equal(await signIn(page, t, CLERK.username, `wrong ${i}`), 401);
      await page.getByRole('alert').getByText(t.wrong).waitFor();
    }
    assert.equal(await signIn(page, t, CLERK.username, PASSWORD), 429);
    await page.getByRole('alert').getByText(t.tooMany).waitFor();
    // The password field is emptied and named in the page's language (no raw server text).
    assert.equal(await page.getByLabel(t.password, { exact: true }).inputValue(), '');
  } finally {
    await context.close();
  }
});
