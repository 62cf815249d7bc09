// Supervision after commitment (审管联动) with a real server and Chromium, driven by visible
// labels and roles: a convenience store is licensed at once on its commitments; the tobacco
// department's check of it appears under "Checks after commitment"; the checker records a
// false commitment with findings and the legal reason in both languages, confirms the
// revocation, and the license is revoked: the tracking answer shows the outcome, POST
// /api/verify and the signer CLI say revoked, and so does an inspector after its next sync,
// offline. On a desktop in Chinese (the department's reviewer) and on a 390 px phone in
// English (a supervisor), with axe on the queue and on the filled form. A false commitment may
// instead suspend the license until a day (asked for, said when missing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, addStaff, launchBrowser, startServer } from './harness.mjs';
import { loadCatalog } from './applicant-helpers.mjs';
import { issueLicense, openInspector, pasteAndCheck } from './inspector-helpers.mjs';

const PASSWORD = 'correct horse battery staple';
const TOBACCO = { username: 'tobacco-qian', role: 'reviewer', department: 'tobacco', name: '钱核查' };
const FIRE = { username: 'fire-sun', role: 'reviewer', department: 'fire', name: '孙消防' };
const SUPERVISOR = { username: 'chief-zhou', role: 'supervisor', name: '周科长' };

/** Interface texts the test looks for (office/src/i18n.rs). */
const T = {
  zh: {
    username: '用户名', password: '密码', signIn: '登录', checks: '承诺后核查', new: '新收件',
    checked: '已核查', falseCommitment: '虚假承诺', findingsZh: '核查发现（中文）', findingsEn: '核查发现（英文）',
    reasonZh: '撤销许可的法律依据（中文）', reasonEn: '撤销许可的法律依据（英文）', confirm: '我确认撤销此证照',
    record: '记录核查结果', confirmMissing: '请确认撤销证照', recorded: /已记录：虚假承诺，证照已撤销/,
    revoked: '已撤销', forbidden: '您无权查看或处理此项。',
  },
  en: {
    username: 'Username', password: 'Password', signIn: 'Sign in', checks: 'Checks after commitment', new: 'New',
    checked: 'Checked', falseCommitment: 'False commitment', findingsZh: 'Findings in Chinese', findingsEn: 'Findings in English',
    reasonZh: 'Legal reason for revoking, in Chinese', reasonEn: 'Legal reason for revoking, in English',
    confirm: 'I confirm the license is to be revoked', record: 'Record the result',
    confirmMissing: 'Confirm that the license is to be revoked', recorded: /Recorded: false commitment, license revoked/,
    revoked: 'Revoked', forbidden: 'You are not allowed to see or handle this.',
  },
};
const FINDINGS = { zh: '店铺距小学不足50米', en: 'The shop is less than 50 m from a primary school' };
const REASON = { zh: '以欺骗手段取得许可，依行政许可法第六十九条撤销', en: 'Obtained by deception: revoked under art. 69 of the Administrative Licensing Law' };

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server;
let browser;
let catalog;

before(async () => {
  server = await startServer({
    prepare: (data) => {
      for (const member of [TOBACCO, FIRE, SUPERVISOR]) addStaff(data, { ...member, password: PASSWORD });
    },
  });
  browser = await launchBrowser();
  catalog = await loadCatalog(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A convenience store selling liquor and tobacco but neither food nor drugs: every permit is
 *  granted on commitment, so the license is issued at once (201). */
function licenseOnCommitment(id, businessName) {
  return issueLicense(server.url, id, businessName);
}

async function openOffice(lang, viewport, path = '/office/') {
  // The CSP forbids injected scripts; axe is a test tool, so this context bypasses it.
  const context = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB', bypassCSP: true });
  await context.addInitScript((l) => localStorage.setItem('yiye.lang', JSON.stringify(l)), lang === 'zh' ? 'Zh' : 'En');
  const page = await context.newPage();
  await page.goto(`${server.url}${path}`);
  return { context, page };
}

async function signIn(page, t, username) {
  await page.getByLabel(t.username, { exact: true }).fill(username);
  await page.getByLabel(t.password, { exact: true }).fill(PASSWORD);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/office/login'));
  await page.getByRole('button', { name: t.signIn, exact: true }).click();
  assert.equal((await answer).status(), 200);
}

async function axe(page, what) {
  await page.evaluate(() => window.scrollTo(0, 0));
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  assert.ok(results.passes.length > 10, `axe ran its WCAG rules on ${what}`);
  return results.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
}

async function fitsTheWindow(page) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client + 1, `page is ${scroll} px wide in a ${client} px window`);
}

async function falseCommitmentRevokes({ lang, viewport, id, businessName, checker }) {
  const t = T[lang];
  const license = await licenseOnCommitment(id, businessName);
  const tobacco = catalog.permits.get('tobacco_retail');
  const { context, page } = await openOffice(lang, viewport);
  const problems = [];
  try {
    await signIn(page, t, checker.username);
    await page.getByRole('link', { name: t.checks, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: t.checks }).waitFor();
    if (checker.role === 'supervisor') await page.getByLabel(lang === 'zh' ? '部门' : 'Department', { exact: true }).selectOption('tobacco');
    const item = page.getByRole('region', { name: t.new, exact: true }).getByRole('listitem')
      .filter({ hasText: license.number });
    await item.getByRole('link', { name: `${businessName} — ${tobacco.name[lang]}` }).waitFor();
    await fitsTheWindow(page);
    problems.push(...await axe(page, 'checks'));
    await item.getByRole('link', { name: `${businessName} — ${tobacco.name[lang]}` }).click();

    // The check: the commitment, the license; the result form.
    await page.getByRole('heading', { level: 1, name: `${businessName} — ${tobacco.name[lang]}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/office/checks/${id}/tobacco_retail`);
    await page.getByText(tobacco.grant.commitment[lang], { exact: true }).waitFor();
    await page.getByText(license.number, { exact: true }).waitFor();
    await page.getByRole('radio', { name: t.falseCommitment, exact: true }).check();
    await page.getByLabel(t.findingsZh, { exact: true }).fill(FINDINGS.zh);
    await page.getByLabel(t.findingsEn, { exact: true }).fill(FINDINGS.en);
    await page.getByLabel(t.reasonZh, { exact: true }).fill(REASON.zh);
    await page.getByLabel(t.reasonEn, { exact: true }).fill(REASON.en);
    // Not without confirming the revocation: said, and the focus on the summary.
    await page.getByRole('button', { name: t.record, exact: true }).click();
    await page.getByRole('alert').getByRole('link', { name: t.confirmMissing }).waitFor();
    assert.equal((await (await fetch(`${server.url}/api/applications/${id}`)).json()).status, 'issued');
    await page.getByRole('checkbox', { name: t.confirm, exact: true }).check();
    await fitsTheWindow(page);
    problems.push(...await axe(page, 'check with the filled form'));
    await page.getByRole('button', { name: t.record, exact: true }).click();
    const confirmation = page.getByRole('status').filter({ hasText: t.recorded });
    await confirmation.waitFor();
    assert.equal(await confirmation.evaluate((el) => el === document.activeElement), true, 'the confirmation takes the focus');
    await page.getByText(t.revoked, { exact: true }).waitFor();
    await page.getByText(FINDINGS[lang], { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: t.record, exact: true }).count(), 0);

    // Back on the list it is under "Checked".
    await page.getByRole('link', { name: t.checks, exact: true }).click();
    await page.getByRole('region', { name: t.checked, exact: true }).getByText(license.number).waitFor();
    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    await context.close();
  }

  // The tracking answer shows the outcome; the license verifies as revoked.
  const tracked = await (await fetch(`${server.url}/api/applications/${id}`)).json();
  assert.equal(tracked.status, 'revoked');
  assert.match(tracked.revocation_reason, /art\. 69/);
  const supervision = tracked.permits.find((p) => p.id === 'tobacco_retail').supervision;
  assert.equal(supervision.finding.result, 'false_commitment');
  assert.deepEqual(supervision.finding.findings, FINDINGS);
  assert.match(supervision.checked_on, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(tracked.permits.find((p) => p.id === 'liquor_retail').supervision.finding, undefined);
  const verdict = await (await fetch(`${server.url}/api/verify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr_text: license.qr_text }),
  })).json();
  assert.equal(verdict.valid, false);
  assert.equal(verdict.reason, 'revoked');
  // What an inspector reads: the signed status list says revoked, to the signer CLI too.
  const work = mkdtempSync(join(tmpdir(), 'yiye-supervision-'));
  try {
    const keys = join(work, 'keys.json');
    const status = join(work, 'status.json');
    writeFileSync(keys, await (await fetch(`${server.url}/api/keys`)).text());
    writeFileSync(status, JSON.stringify({ cose: (await (await fetch(`${server.url}/api/status-list`)).json()).cose }));
    const signer = process.env.YIYE_SIGNER_BIN ?? join(ROOT, 'target', 'debug', 'signer');
    let said;
    try {
      execFileSync(signer, ['verify', '--keys', keys, '--status', status, license.qr_text], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      said = `${e.stdout}${e.stderr}`;
    }
    assert.match(said ?? 'valid', /revoked/, 'the signed status list says revoked');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // An inspector syncing after the finding says so, offline, in the checker's language.
  const inspector = await openInspector(browser, server.url, { locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport });
  try {
    const words = lang === 'zh'
      ? { paste: /或粘贴二维码内容/, check: '核验', again: '继续扫描' }
      : { paste: /Or paste the QR text/, check: 'Check', again: 'Scan another' };
    const { code, text } = await pasteAndCheck(inspector, words, license.qr_text);
    assert.equal(code, 'revoked', text);
    assert.deepEqual(inspector.errors, []);
  } finally {
    await inspector.context.close();
  }
  return license;
}

test('the tobacco reviewer records a false commitment: the license is revoked (desktop, Chinese)', async () => {
  const id = 'sup-e2e-desktop-zh';
  await falseCommitmentRevokes({ lang: 'zh', viewport: { width: 1280, height: 900 }, id, businessName: '浦东承诺便利店', checker: TOBACCO });
  // Another department's reviewer may not open it: said in words.
  const { context, page } = await openOffice('zh', { width: 1280, height: 900 }, `/office/checks/${id}/tobacco_retail`);
  try {
    await signIn(page, T.zh, FIRE.username);
    await page.getByRole('alert').getByText(T.zh.forbidden).waitFor();
  } finally {
    await context.close();
  }
});

test('a supervisor records a false commitment: the license is revoked (390 px phone, English)', async () => {
  await falseCommitmentRevokes({ lang: 'en', viewport: { width: 390, height: 844 }, id: 'sup-e2e-phone-en', businessName: 'Century Avenue Corner Shop', checker: SUPERVISOR });
});

/** The authority's day `days` from today, `YYYY-MM-DD` (Beijing time, as the server's). */
function authorityDay(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A false commitment that suspends the license instead: the suspension's last day is asked
 *  for (and a missing one said), the page and the verifier then say suspended until it. */
async function falseCommitmentSuspends({ lang, viewport, id, businessName }) {
  const w = {
    zh: {
      suspend: '暂扣许可证至某日', until: '暂扣至（最后一天）', untilMissing: '请填写暂扣的最后一天（今天或以后）',
      reasonZh: '暂扣许可的法律依据（中文）', reasonEn: '暂扣许可的法律依据（英文）', confirm: '我确认暂扣此证照',
      recorded: /已记录：虚假承诺，证照已暂扣/, suspendedUntil: '暂扣至',
    },
    en: {
      suspend: 'Suspend the license until a day', until: 'Suspended until (last day)',
      untilMissing: 'Give the last day of the suspension: today or later',
      reasonZh: 'Legal reason for suspending, in Chinese', reasonEn: 'Legal reason for suspending, in English',
      confirm: 'I confirm the license is to be suspended', recorded: /Recorded: false commitment, license suspended/,
      suspendedUntil: 'Suspended until',
    },
  }[lang];
  const t = T[lang];
  const license = await licenseOnCommitment(id, businessName);
  const until = authorityDay(30);
  const { context, page } = await openOffice(lang, viewport, `/office/checks/${id}/tobacco_retail`);
  try {
    await signIn(page, t, TOBACCO.username);
    await page.getByRole('radio', { name: t.falseCommitment, exact: true }).check();
    await page.getByLabel(t.findingsZh, { exact: true }).fill(FINDINGS.zh);
    await page.getByLabel(t.findingsEn, { exact: true }).fill(FINDINGS.en);
    await page.getByRole('radio', { name: w.suspend, exact: true }).check();
    await page.getByLabel(w.reasonZh, { exact: true }).fill('责令整改期间暂扣');
    await page.getByLabel(w.reasonEn, { exact: true }).fill('Suspended until put right');
    await page.getByRole('checkbox', { name: w.confirm, exact: true }).check();
    await page.getByRole('button', { name: t.record, exact: true }).click();
    await page.getByRole('alert').getByRole('link', { name: w.untilMissing }).waitFor();
    await page.getByLabel(w.until, { exact: true }).fill(until);
    await fitsTheWindow(page);
    assert.deepEqual(await axe(page, 'check suspending'), []);
    await page.getByRole('button', { name: t.record, exact: true }).click();
    await page.getByRole('status').filter({ hasText: w.recorded }).waitFor();
    const [y, m, d] = until.split('-').map(Number);
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const words = lang === 'zh' ? `${y}年${m}月${d}日` : `${d} ${months[m - 1]} ${y}`;
    await page.getByText(`${w.suspendedUntil} ${words}`, { exact: true }).first().waitFor();
  } finally {
    await context.close();
  }
  const verdict = await (await fetch(`${server.url}/api/verify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr_text: license.qr_text }),
  })).json();
  assert.equal(verdict.reason, 'suspended', JSON.stringify(verdict));
  const tracked = await (await fetch(`${server.url}/api/applications/${id}`)).json();
  assert.equal(tracked.license.state, 'suspended');
  assert.equal(tracked.license.until, until);
}

test('a false commitment may suspend the license until a day instead (390 px phone, Chinese)', async () => {
  await falseCommitmentSuspends({ lang: 'zh', viewport: { width: 390, height: 844 }, id: 'sup-e2e-suspend-zh', businessName: '浦东整改便利店' });
});

test('a false commitment may suspend the license until a day instead (desktop, English)', async () => {
  await falseCommitmentSuspends({ lang: 'en', viewport: { width: 1280, height: 900 }, id: 'sup-e2e-suspend-en', businessName: 'Put Right Corner Shop' });
});
