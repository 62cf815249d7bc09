// A license's life as its holder and an inspector see it (#18, the acceptance flow): the holder
// is licensed in the applicant app (on a 390 px phone, in Chinese); inspectors sync once and go
// offline. The holder changes the legal representative under "My licenses", typing only the new
// name: version 2. The authority suspends the license until a date and reinstates it (admin
// routes); the holder cancels it in the app. After each step the inspectors sync once (online →
// Refresh → offline) and say, offline: version 1 superseded by version 2 on DATE (ask for the
// current one) and version 2 valid; suspended until DATE; valid again; cancelled by the holder
// on DATE. The inspectors: zh on a 390 px phone and en on a desktop, driven by the labels a
// person sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, DEFAULT_ADMIN_TOKEN } from './harness.mjs';
import { openInspector, pasteAndCheck, verdictOf, syncAgain } from './inspector-helpers.mjs';
import { loadCatalog, sendApplication } from './applicant-helpers.mjs';
import { licensed, myLicenses, changeRepresentative, cancelLicense } from './holder-helpers.mjs';

const SETUPS = [
  { lang: 'zh', locale: 'zh-CN', viewport: { width: 390, height: 844 } },
  { lang: 'en', locale: 'en-US', viewport: { width: 1280, height: 800 } },
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The authority's civil date (UTC+8) `days` from now, as `YYYY-MM-DD` and in words. */
function authorityDate(days = 0) {
  const d = new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  return {
    iso: `${y}-${String(m + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    zh: `${y}年${m + 1}月${day}日`,
    en: `${day} ${MONTHS[m]} ${y}`,
  };
}
const T = {
  zh: {
    paste: /或粘贴二维码内容/, check: '核验', again: '继续扫描', refresh: '刷新', history: '核验记录',
    valid: '有效', invalid: '无效', notInForce: /它确由签发机关签发，但现在无效，不能凭它经营/,
    superseded: (date) => `这是旧版：已于${date}被第2版取代。`,
    askCurrent: '请对方出示现行许可证（第2版）；旧版不能凭以经营。',
    version2: /版本\s*第2版/,
    suspended: (date) => `许可证被暂扣至${date}（原因不在二维码中）。`,
    noTrading: '暂扣期间不得经营，直至发证机关恢复。',
    cancelled: (date) => `许可证已由持证人于${date}申请注销。`,
    labels: ['已注销', '暂扣中', '旧版，已被新版取代', '第2版'],
  },
  en: {
    paste: /Or paste the QR text/, check: 'Check', again: 'Scan another', refresh: 'Refresh', history: 'Check history',
    valid: 'Valid', invalid: 'NOT valid', notInForce: /it was genuinely issued, but it is NOT in force/,
    superseded: (date) => `An old version: superseded by version 2 on ${date}.`,
    askCurrent: 'Ask for the current license (version 2); the old one does not permit trading.',
    version2: /Version\s*version 2/,
    suspended: (date) => `Suspended until ${date} (the reason is not in the QR code).`,
    noTrading: 'No trading until the authority reinstates it.',
    cancelled: (date) => `Cancelled by the holder on ${date}.`,
    labels: ['Cancelled by the holder', 'Suspended', 'Old version, superseded', 'version 2'],
  },
};

let server;
let catalog;

before(async () => {
  server = await startServer();
  catalog = await loadCatalog(server.url);
});

after(async () => {
  await server?.stop();
});

/** POSTs `body` to the admin route `/api/admin/licenses/{number}/{what}`; the JSON answer. */
async function admin(number, what, body) {
  const answer = await fetch(`${server.url}/api/admin/licenses/${encodeURIComponent(number)}/${what}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  assert.ok(answer.ok, `${what}: ${answer.status} ${text}`);
  return text ? JSON.parse(text) : {};
}


test('a license changed by its holder, suspended, reinstated, cancelled by its holder: the inspector says each after one sync, offline', async () => {
  const browser = await launchBrowser();
  try {
    // The holder, licensed in the app on a phone.
    const app = { server, browser, catalog };
    const holder = await licensed(app, 'zh', { width: 390, height: 844 });
    const { page, number } = holder;
    const v1 = holder.qrText;
    const inspectors = [];
    for (const setup of SETUPS) inspectors.push(await openInspector(browser, server.url, setup));
    const today = authorityDate();
    for (const inspector of inspectors) assert.equal((await pasteAndCheck(inspector, T[inspector.setup.lang], v1)).code, 'valid');

    // The holder's new legal representative, typed alone under "My licenses": version 2,
    // same number.
    const card = await myLicenses(page, 'zh', number);
    await changeRepresentative(app, page, 'zh', card, number, '李娜');
    const changed = await sendApplication(page, 'zh');
    assert.equal(changed.license.number, number);
    const v2 = changed.license.qr_text;
    assert.ok(v2 && v2 !== v1, JSON.stringify(changed));
    for (const inspector of inspectors) {
      const t = T[inspector.setup.lang];
      // Offline, before a sync, nothing is known of version 2.
      assert.equal((await pasteAndCheck(inspector, T[inspector.setup.lang], v1)).code, 'valid', 'no sync yet');
      await syncAgain(inspector, T[inspector.setup.lang], '/api/status-list');
      let { code, text } = await verdictOf(inspector, T[inspector.setup.lang], v1, 'superseded');
      assert.equal(code, 'superseded', text);
      assert.ok(text.includes(t.superseded(today[inspector.setup.lang])), text);
      assert.ok(text.includes(t.askCurrent), text);
      assert.ok(text.includes(t.invalid), text);
      assert.match(text, t.notInForce);
      ({ code, text } = await pasteAndCheck(inspector, T[inspector.setup.lang], v2));
      assert.equal(code, 'valid', text);
      assert.match(text, t.version2);
      assert.ok(text.includes('李娜'), text);
    }

    // Suspended by the authority until a date three weeks on.
    const until = authorityDate(21);
    await admin(number, 'suspension', { until: until.iso, reason: 'e2e: 食品储存不符合要求' });
    for (const inspector of inspectors) {
      const t = T[inspector.setup.lang];
      await syncAgain(inspector, T[inspector.setup.lang], '/api/status-list');
      const { code, text } = await verdictOf(inspector, T[inspector.setup.lang], v2, 'suspended');
      assert.equal(code, 'suspended', text);
      assert.ok(text.includes(t.suspended(until[inspector.setup.lang])), text);
      assert.ok(text.includes(t.noTrading), text);
      assert.ok(!text.includes('食品储存'), 'the reason is not in the QR code');
    }

    await admin(number, 'reinstatement', { reason: 'e2e: 整改完成' });
    for (const inspector of inspectors) {
      await syncAgain(inspector, T[inspector.setup.lang], '/api/status-list');
      const { code, text } = await verdictOf(inspector, T[inspector.setup.lang], v2, 'valid');
      assert.equal(code, 'valid', text);
    }

    // The holder gives the license up in the app.
    await cancelLicense(page, 'zh', await myLicenses(page, 'zh', number), number, '停止经营');
    for (const inspector of inspectors) {
      const t = T[inspector.setup.lang];
      await syncAgain(inspector, T[inspector.setup.lang], '/api/status-list');
      let { code, text } = await verdictOf(inspector, T[inspector.setup.lang], v2, 'cancelled');
      assert.equal(code, 'cancelled', text);
      assert.ok(text.includes(t.cancelled(today[inspector.setup.lang])), text);
      assert.match(text, t.notInForce);
      // Version 1 stays superseded.
      ({ code } = await pasteAndCheck(inspector, T[inspector.setup.lang], v1));
      assert.equal(code, 'superseded');
      // The history says each in a few words.
      await inspector.page.getByRole('button', { name: t.history }).click();
      const history = await inspector.page.locator('main').innerText();
      for (const label of t.labels) assert.ok(history.includes(label), `${label} in ${history}`);
      assert.deepEqual(inspector.errors, []);
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
});
