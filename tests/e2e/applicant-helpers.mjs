// Helpers for the applicant end-to-end tests. They drive the app the way a person does, and
// find elements by accessible role, label and text only (never by CSS class): if a test cannot
// find a control this way, neither can a screen-reader user.
import assert from 'node:assert/strict';
import { startServer, launchBrowser, goOffline, goOnline } from './harness.mjs';
import { grantAll } from './review-helpers.mjs';

/** Interface texts the tests look for, in both languages (from frontend/src/i18n.rs). */
export const T = {
  zh: {
    start: '您想做什么？', apply: '申请行业综合许可证', continueSaved: '继续已保存的申请',
    industry: '选择您的行业', search: '搜索行业', scope: '您的经营范围', yes: '是', no: '否',
    continue: '继续', form: '填写合并申请表', creditCode: '统一社会信用代码', problem: '请修改以下问题',
    check: '核对您的申请', change: '修改', send: '提交申请', license: '行业综合许可证', received: '申请已收到',
    fromRegistry: '来自企业登记信息', qr: '许可证二维码：扫码核验', track: '跟踪您的申请',
    print: '打印许可证', download: '下载二维码（SVG）', drafts: '已保存的申请', issued: '已发证',
    switchLang: 'Switch to English', permits: '本次申请合并办理的许可',
  },
  en: {
    start: 'What do you want to do?', apply: 'Apply for a combined license',
    continueSaved: 'Continue a saved application', industry: 'Choose your industry',
    search: 'Search industries', scope: 'Your business scope', yes: 'Yes', no: 'No',
    continue: 'Continue', form: 'Fill in the merged application', creditCode: 'Unified social credit code',
    problem: 'There is a problem', check: 'Check your answers before sending', change: 'Change',
    send: 'Send application', license: 'Combined industry license', received: 'Application received',
    fromRegistry: 'From the enterprise registry', qr: 'License QR code: scan to verify',
    track: 'Track your application', print: 'Print the license',
    download: 'Download the QR code (SVG)', drafts: 'Saved applications', issued: 'Issued',
    switchLang: '切换到中文', permits: 'Permits this application combines',
  },
};

/** A test file's usual set-up: a real server (with `serverOptions`, see `startServer`), a
 * headless Chromium and the server's catalog. */
export async function startApp(serverOptions) {
  const server = await startServer(serverOptions);
  const browser = await launchBrowser();
  return { server, browser, catalog: await loadCatalog(server.url) };
}

/** Stops what `startApp` started (also after a half-finished start). */
export async function stopApp({ server, browser }) {
  await browser?.close();
  await server?.stop();
}

/** The versioned catalog the server serves, indexed for the tests. */
export async function loadCatalog(url) {
  const catalog = await (await fetch(`${url}/api/catalog`)).json();
  const fields = new Map();
  for (const f of catalog.dictionary) fields.set(f.id, f);
  for (const p of catalog.permits) {
    for (const f of p.fields) if (typeof f === 'object') fields.set(f.id, f);
  }
  const industries = new Map(catalog.industries.map((i) => [i.id, i]));
  const permits = new Map(catalog.permits.map((p) => [p.id, p]));
  const questions = new Map(catalog.questions.map((q) => [q.id, q]));
  return { raw: catalog, fields, industries, permits, questions };
}

/** A valid value for a field of the catalog, by its kind and rules. */
export function validValue(field) {
  switch (field.kind) {
    case 'credit_code': return '91110108551385082Q';
    case 'id_number': return '11010519491231002X';
    case 'phone': return '13812345678';
    case 'email': return 'shop@example.com';
    case 'postal_code': return '200120';
    case 'time_range': return '09:00-22:00';
    case 'date': return field.date_rule === 'not_in_past' ? '2035-06-30' : '2015-05-01';
    case 'number':
    case 'integer': {
      const lo = field.min ?? 0;
      const hi = field.max ?? 1e9;
      return String(Math.min(Math.max(Math.ceil(lo), 1), hi));
    }
    default: return `测试${field.label.zh.slice(0, 6)}`;
  }
}

/** Opens the start page in a fresh page with the interface in `lang`. */
export async function openApp(browser, url, { lang = 'zh', viewport, path = '/', ...options } = {}) {
  const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-GB', viewport, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(url + path);
  // The app starts in the browser's language; the heading exists only once the wasm ran.
  await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 20_000 });
  await switchLanguage(page, lang);
  return page;
}

export async function switchLanguage(page, lang) {
  const current = await page.evaluate(() => document.documentElement.lang);
  if ((lang === 'en') === (current === 'en')) return;
  await page.getByRole('button', { name: lang === 'en' ? T.zh.switchLang : T.en.switchLang }).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, lang === 'en' ? 'en' : 'zh-CN');
}

/** Start page → industry (found by searching) → scope page. */
export async function chooseIndustry(page, catalog, industryId, lang = 'zh') {
  const t = T[lang];
  const industry = catalog.industries.get(industryId);
  await page.getByRole('button', { name: new RegExp(`^${t.apply}`) }).click();
  await page.getByRole('heading', { name: t.industry }).waitFor();
  const name = industry.name[lang];
  await page.getByRole('searchbox', { name: t.search }).fill(name);
  await page.getByRole('button', { name: new RegExp(`^${escape(name)}`) }).first().click();
  await page.getByRole('heading', { name: t.scope }).waitFor();
}

/** Answers the scope questions: `answers` maps question id → true/false/number. */
export async function answerScope(page, catalog, answers, lang = 'zh') {
  const t = T[lang];
  for (const [qid, answer] of Object.entries(answers)) {
    const question = catalog.questions.get(qid);
    const label = question.label[lang];
    if (question.kind === 'yes_no') {
      await page.getByRole('group', { name: label }).getByRole('radio', { name: answer ? t.yes : t.no }).check();
    } else {
      await page.getByRole('textbox', { name: label }).fill(String(answer));
    }
  }
}

/** The permits the scope page says this application combines (names). */
export async function listedPermits(page, lang = 'zh') {
  const region = page.getByRole('region', { name: new RegExp(`^${escape(T[lang].permits)}`) });
  return region.getByRole('listitem').allInnerTexts();
}

export function errorSummary(page, lang = 'zh') {
  return page.getByRole('alert').filter({ has: page.getByRole('heading', { name: T[lang].problem }) });
}

/** What the focused element is: its label (or legend) and its control type. */
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const label = el.labels?.[0]?.textContent
      ?? el.querySelector?.(':scope > legend')?.textContent ?? null;
    return { tag: el.tagName.toLowerCase(), type: el.type ?? null, id: el.id, label };
  });
}

/** The catalog field id of a form control's DOM id (`field-<id with . as ->`). */
export function fieldOf(catalog, domId) {
  const key = domId.replace(/^field-/, '');
  for (const id of catalog.fields.keys()) if (id.replaceAll('.', '-') === key) return catalog.fields.get(id);
  return null;
}

/** The form's step indicator ("第 3 步，共 7 步" / "Step 3 of 7"): any step, or any but `not`. */
export function stepIndicator(page, not = null) {
  const any = '(第 \\d+ 步，共 \\d+ 步|Step \\d+ of \\d+)';
  const pattern = not ? `^(?!${escape(not)}$)${any}$` : `^${any}$`;
  return page.getByText(new RegExp(pattern));
}

/** Where the form stands: `{ step, of, text }` of the step shown, or null off the form. */
export async function currentStep(page) {
  const indicator = stepIndicator(page);
  if (await indicator.count() === 0) return null;
  const text = (await indicator.innerText()).trim();
  const [step, of] = text.match(/\d+/g).map(Number);
  return { step, of, text };
}

/** "Continue" on the step shown; resolves to what it led to: `'check'` (the check page),
 *  `'errors'` (an error summary) or `'step'` (another step). */
export async function continueStep(page, lang = 'zh') {
  const before = await currentStep(page);
  await page.getByRole('button', { name: T[lang].continue, exact: true }).click();
  return continued(page, before, lang);
}

/** What a "Continue" pressed on step `before` (from `currentStep`) led to, as `continueStep`. */
export function continued(page, before, lang = 'zh') {
  return Promise.race([
    page.getByRole('heading', { name: T[lang].check }).waitFor().then(() => 'check'),
    errorSummary(page, lang).waitFor().then(() => 'errors'),
    ...(before ? [stepIndicator(page, before.text).waitFor().then(() => 'step')] : []),
  ]);
}

/**
 * Fills the merged form the GOV.UK way, step by step: "Continue", then for every message in
 * the step's error summary follow its link (which must focus the field) and give the field a
 * valid value; "Continue" again, until the check-your-answers page shows. `overrides` maps
 * field id → value to use instead of the generic valid one. Returns the ids filled.
 */
export async function completeForm(page, catalog, { lang = 'zh', overrides = {}, maxRounds = 6 } = {}) {
  const filled = [];
  let rounds = 0;
  let last = null;
  await stepIndicator(page).waitFor();
  for (let turn = 0; turn < 40; turn++) {
    const outcome = await continueStep(page, lang);
    if (outcome === 'check') return filled;
    if (outcome === 'step') {
      rounds = 0;
      continue;
    }
    if (++rounds > maxRounds) break;
    // The summary is live: a field given a valid value leaves it at once. Follow the first
    // link until none is left.
    const links = errorSummary(page, lang).getByRole('link');
    while (await links.count() > 0) {
      await links.first().click();
      const target = await focused(page);
      assert.ok(target.label, `the summary link focuses a labelled field (got ${JSON.stringify(target)})`);
      const field = fieldOf(catalog, target.id);
      assert.ok(field, `the focused element ${target.id} is a catalog field`);
      assert.notEqual(field.id, last, `a valid value for ${field.id} was accepted`);
      last = field.id;
      const value = overrides[field.id] ?? validValue(field);
      await fillField(page, field, target, value, lang);
      filled.push(field.id);
    }
  }
  throw new Error(`the form was still not accepted after ${maxRounds} rounds on one step`);
}

/** The ids of the steps a form may have (frontend/src/steps.rs): the shared data's steps,
 *  one per permit, the declaration. */
export function stepIds(catalog) {
  return ['basic', 'contact', 'premises', 'building', 'people', 'staff', ...catalog.raw.permits.map((p) => p.id), 'declaration'];
}

/** Opens an address of the app inside the app, as Back and Forward do (no reload). */
export async function openInApp(page, path) {
  await page.evaluate((p) => {
    history.pushState(null, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  // The page is drawn by the next frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
}

/** The application open in the page: its id, from the address (`/apply/{id}/…`). */
export function openApplication(page) {
  const id = new URL(page.url()).pathname.match(/^\/apply\/([^/]+)\//)?.[1];
  assert.ok(id, `an application is open (${page.url()})`);
  return id;
}

/** A field's control on the step shown, by its label (a group for radios and checkboxes). */
export function fieldControl(page, field, lang = 'zh') {
  const name = new RegExp(`^${escape(field.label[lang])}(（选填）| \\(optional\\))?$`);
  return page.getByRole('group', { name }).or(page.getByLabel(name));
}

/** Opens the step of the form that asks `fieldId` (through the steps' own addresses);
 *  resolves to the step's id. */
export async function openStepOf(page, catalog, fieldId, lang = 'zh') {
  const id = openApplication(page);
  const field = catalog.fields.get(fieldId);
  for (const step of stepIds(catalog)) {
    await openInApp(page, `/apply/${id}/form/${step}`);
    if (!new URL(page.url()).pathname.endsWith(`/form/${step}`)) continue; // not a step of this form
    if (await fieldControl(page, field, lang).count() > 0) return step;
  }
  throw new Error(`no step of the form asks ${fieldId}`);
}

/** Gives one field a value through its accessible label. */
export async function fillField(page, field, target, value, lang = 'zh') {
  const label = target.label.trim();
  if (target.tag === 'fieldset') {
    const group = page.getByRole('group', { name: label, exact: true });
    if (field.kind === 'yes_no') {
      await group.getByRole('radio', { name: value === 'no' ? T[lang].no : T[lang].yes }).check();
    } else if (field.kind === 'multi_choice') {
      await group.getByRole('checkbox').first().check();
    } else {
      await group.getByRole('radio').first().check();
    }
  } else if (target.tag === 'select') {
    const select = page.getByRole('combobox', { name: label, exact: true });
    if (field.options?.some((o) => (o.v ?? o.value) === value)) await select.selectOption(value);
    else await select.selectOption({ index: 1 });
  } else {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
}

/** Check-your-answers → send → the license page. */
export async function sendApplication(page, lang = 'zh', review) {
  const license = page.getByRole('heading', { name: T[lang].license, level: 1 });
  const received = page.getByRole('heading', { name: T[lang].received, level: 1 });
  const answers = [];
  const keep = (r) => {
    if (r.url().endsWith('/api/applications') && r.request().method() === 'POST') answers.push(r);
  };
  page.on('response', keep);
  try {
    await page.getByRole('button', { name: T[lang].send }).click();
    await license.or(received).waitFor({ timeout: 20_000 });
    if (!(await license.isVisible())) {
      // Some permits wait for their departments: `review` ({ server, catalog }) has them
      // decide as their own systems would; the app syncs when the network comes back.
      assert.ok(review, 'the application waits for review, but the test gave no server to decide it');
      await grantAll(review.server, review.catalog, openApplication(page));
      await goOffline(page.context());
      await goOnline(page.context());
      await license.waitFor({ timeout: 20_000 });
    }
  } finally {
    page.off('response', keep);
  }
  // The answer that carried the license: 201 at once, or 200 when sent again after review.
  const issued = answers.findLast((r) => r.status() === 200 || r.status() === 201);
  return issued ? issued.json() : undefined;
}

/** The license page's data rows (term → definition) as an object. */
export async function licenseRows(page) {
  const article = page.getByRole('article');
  const terms = await article.getByRole('term').allInnerTexts();
  const defs = await article.getByRole('definition').allInnerTexts();
  return Object.fromEntries(terms.map((term, i) => [term.trim(), defs[i]?.trim()]));
}

export function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A control's accessible description: the texts its aria-describedby points to. */
export function description(locator) {
  return locator.evaluate((el) => (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
}

/** Every record of one object store of the app's IndexedDB database, by key, read in the page
 *  (never creating the database: that is the app's business). */
export function stored(page, store) {
  return page.evaluate((name) => new Promise((resolve, reject) => {
    const open = indexedDB.open('yiye');
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => reject(new Error(`the app's database is missing: ${open.error}`));
    open.onsuccess = () => {
      const objects = open.result.transaction(name).objectStore(name);
      const keys = objects.getAllKeys();
      const values = objects.getAll();
      values.onsuccess = () => {
        open.result.close();
        resolve(Object.fromEntries(keys.result.map((key, i) => [key, values.result[i]])));
      };
      values.onerror = () => reject(values.error);
    };
  }), store);
}
