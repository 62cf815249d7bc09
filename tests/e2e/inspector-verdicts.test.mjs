// The inspector's verdicts at a glance, on a 390 px phone and on a desktop, in zh and en:
// what a forged, altered or unknown-issuer code says is struck through and greyed under a
// heading that names it as not verified (never with the green of a valid license); camera
// problems are said in the interface language with what to do next, never as the browser's
// error; the check history reads in plain words, old entries (stored as codes) included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, ROOT } from './harness.mjs';
import {
  issueLicense, alteredText, revoke, signerIssue, strangerKey, qrSvg, cameraFrame, writeY4m,
} from './inspector-helpers.mjs';

const ADMIN_TOKEN = 'inspector-verdicts-admin-token';
/** The one green of the stylesheet (`--ok`), kept for valid licenses. */
const GREEN = 'rgb(0, 112, 60)';
/** `--muted`: greyed text. */
const GREY = 'rgb(74, 77, 80)';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Each language on each screen, phone and desktop alternating. */
const SETUPS = [
  { lang: 'zh', locale: 'zh-CN', viewport: PHONE },
  { lang: 'en', locale: 'en-US', viewport: DESKTOP },
  { lang: 'en', locale: 'en-US', viewport: PHONE },
  { lang: 'zh', locale: 'zh-CN', viewport: DESKTOP },
];
const T = {
  zh: {
    paste: /或粘贴二维码内容/, check: '核验', again: '继续扫描', history: '核验记录',
    valid: '有效', invalid: '无效', forged: '伪造', unverified: '以下内容未经验证，不可信',
    notInForce: /它确由签发机关签发，但现在无效/, inForce: '许可证内容',
    refused: '本页没有使用摄像头的权限。', refusedNext: /“摄像头”设为“允许”.*从照片识别.*粘贴二维码内容/,
    missing: '这台设备上没有找到摄像头。', insecure: /不是通过安全连接（https）打开的/,
    retry: '重试摄像头', photo: '从照片识别',
  },
  en: {
    paste: /Or paste the QR text/, check: 'Check', again: 'Scan another', history: 'Check history',
    valid: 'Valid', invalid: 'NOT valid', forged: 'Altered or forged',
    unverified: 'The content below is NOT verified and must not be trusted',
    notInForce: /it was genuinely issued, but it is NOT in force/, inForce: 'What the license says',
    refused: 'This page is not allowed to use the camera.', refusedNext: /set Camera to Allow.*Read from a photo.*paste the code's text/,
    missing: 'No camera was found on this device.', insecure: /not opened over a secure connection \(https\)/,
    retry: 'Try the camera again', photo: 'Read from a photo',
  },
};
/** What a browser says about a camera failure: never on the page. */
const RAW_ERROR = /NotAllowedError|NotFoundError|NotReadableError|Permission denied|Requested device not found|DOMException|TypeError|undefined/;

let server;
let work;
const texts = {};
let validName;
let revokedName;
let validVideo;

before(async () => {
  server = await startServer({ env: { YIYE_ADMIN_TOKEN: ADMIN_TOKEN } });
  work = mkdtempSync(join(tmpdir(), 'yiye-verdicts-'));
  validName = '上海浦东新区金桥便利店有限公司';
  revokedName = '上海浦东新区川沙便利店有限公司';
  const valid = await issueLicense(server.url, 'verdicts-valid-1', validName);
  const revoked = await issueLicense(server.url, 'verdicts-revoked-1', revokedName);
  await revoke(server.url, ADMIN_TOKEN, revoked.number);
  texts.valid = valid.qr_text;
  texts.revoked = revoked.qr_text;
  texts.altered = await alteredText(server.url, valid.qr_text);
  texts.unknownKey = signerIssue(strangerKey(valid.claims.issuer), valid.claims);
  const browser = await launchBrowser();
  validVideo = join(work, 'valid.y4m');
  writeY4m(validVideo, await cameraFrame(browser, qrSvg(texts.valid)));
  await browser.close();
});

after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A page of the inspector in `setup`'s language and screen, its trust list and status lists cached. */
async function openInspector(browser, setup, contextOptions = {}) {
  const context = await browser.newContext({ locale: setup.locale, viewport: setup.viewport, ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/inspect/`);
  await page.locator('#status-lists-as-of').filter({ hasNotText: /never|从未/ }).waitFor({ timeout: 20_000 });
  return { context, page, errors };
}

/** Pastes `text` into the paste box and checks it; resolves to the verdict banner. */
async function paste(page, lang, text) {
  await page.getByLabel(T[lang].paste).fill(text);
  await page.getByRole('button', { name: T[lang].check, exact: true }).click();
  const verdict = page.locator('[data-verdict]');
  await verdict.waitFor();
  return verdict;
}

/** Elements under `main` drawn in the valid green (text, background or border). */
async function greenElements(page) {
  return page.locator('main').evaluate((main, green) => {
    const drawnGreen = (element) => {
      const style = getComputedStyle(element);
      return style.display !== 'none' && [style.color, style.backgroundColor, style.borderTopColor,
        style.borderRightColor, style.borderBottomColor, style.borderLeftColor].includes(green);
    };
    return [main, ...main.querySelectorAll('*')].filter(drawnGreen)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}: ${element.textContent.slice(0, 40)}`);
  }, GREEN);
}

/** Computed text decoration and colour of every fact and permit of the license content. */
async function contentStyles(region) {
  return region.locator('dd, .permits li').evaluateAll((elements) => elements.map((element) => {
    const style = getComputedStyle(element);
    return { text: element.textContent, decoration: style.textDecorationLine, color: style.color, border: style.borderLeftColor };
  }));
}

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** axe's WCAG 2.2 A/AA violations on the page as it is (greyed text must keep its contrast). */
async function axeViolations(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
  const results = await page.evaluate((values) => window.axe.run(document, { runOnly: { type: 'tag', values } }), tags);
  return results.violations.map((v) => `${what}: ${v.id} ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
}

/** The page fits the screen: nothing wider than a 390 px phone. */
async function assertNoSideways(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
}

test('forged, altered or unknown-issuer content is struck through and greyed, never green; a valid one is green', async () => {
  const browser = await launchBrowser();
  try {
    for (const setup of SETUPS) {
      const t = T[setup.lang];
      // The CSP forbids injected scripts; axe is a test tool, so this context bypasses it.
      const { context, page, errors } = await openInspector(browser, setup, { bypassCSP: true });
      const where = `${setup.lang} ${setup.viewport.width}px`;
      const violations = [];

      // Valid: the green banner with its mark, the content plain.
      let verdict = await paste(page, setup.lang, texts.valid);
      assert.equal(await verdict.getAttribute('data-verdict'), 'valid');
      assert.equal(await page.locator('#verdict-heading').innerText(), t.valid, where);
      assert.equal(await verdict.evaluate((e) => getComputedStyle(e).backgroundColor), GREEN, where);
      assert.match(await page.locator('#verdict-heading').evaluate((e) => getComputedStyle(e, '::before').content), /✓/);
      let region = page.getByRole('region', { name: t.inForce });
      await region.getByText(validName).waitFor();
      for (const fact of await contentStyles(region)) {
        assert.doesNotMatch(fact.decoration, /line-through/, `${where}: ${fact.text}`);
      }
      await assertNoSideways(page);

      for (const [name, text] of [['altered', texts.altered], ['unknown key', texts.unknownKey]]) {
        await page.getByRole('button', { name: t.again }).click();
        verdict = await paste(page, setup.lang, text);
        assert.equal(await page.locator('#verdict-heading').innerText(), t.invalid, `${where} ${name}`);
        if (name === 'altered') assert.match(await verdict.innerText(), new RegExp(t.forged));
        assert.match(await page.locator('#verdict-heading').evaluate((e) => getComputedStyle(e, '::before').content), /✗/);
        // The warning names the content for screen readers too: it is the region's name.
        region = page.getByRole('region', { name: t.unverified });
        await region.getByText(validName).waitFor();
        const facts = await contentStyles(region);
        assert.ok(facts.length >= 8, `${where} ${name}: the facts and permits are shown`);
        for (const fact of facts) {
          assert.match(fact.decoration, /line-through/, `${where} ${name}: ${fact.text} is struck through`);
          assert.equal(fact.color, GREY, `${where} ${name}: ${fact.text} is greyed`);
        }
        assert.deepEqual(await greenElements(page), [], `${where} ${name}: nothing green`);
        await assertNoSideways(page);
        violations.push(...await axeViolations(page, `${where} ${name}`));
      }

      // Revoked: genuine, so not struck, but greyed and never green.
      await page.getByRole('button', { name: t.again }).click();
      verdict = await paste(page, setup.lang, texts.revoked);
      assert.equal(await verdict.getAttribute('data-verdict'), 'revoked');
      region = page.getByRole('region', { name: t.notInForce });
      await region.getByText(revokedName).waitFor();
      for (const fact of await contentStyles(region)) assert.equal(fact.color, GREY, `${where} revoked: ${fact.text}`);
      assert.deepEqual(await greenElements(page), [], `${where} revoked: nothing green`);
      violations.push(...await axeViolations(page, `${where} revoked`));
      assert.deepEqual(violations, []);
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('a genuine license whose issuer\'s status list the device lacks is amber, "status not confirmed", never green', async () => {
  const U = {
    zh: { title: '真实，但状态未能确认', content: /目前是否仍然有效（未被撤销）无法确认/, refused: /状态名单被拒绝（无法获取），本机没有它的名单/, signed: /信任名单签署者：root，签署于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}；有效至/ },
    en: { title: 'Genuine — status NOT confirmed', content: /whether it is still in force \(not revoked\) cannot be confirmed/, refused: /status list refused \(it could not be fetched\); this device has none/, signed: /Trust list signed by: root, on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}; valid until/ },
  };
  const browser = await launchBrowser();
  try {
    for (const setup of [SETUPS[0], SETUPS[1]]) {
      const t = T[setup.lang];
      const u = U[setup.lang];
      const where = `${setup.lang} ${setup.viewport.width}px`;
      const context = await browser.newContext({ locale: setup.locale, viewport: setup.viewport, bypassCSP: true });
      // The issuer's status list never arrives: the trust list does.
      await context.route(/\/api\/status-list$/, (route) => route.abort());
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/inspect/`);
      const refused = page.locator('.trust').getByText(u.refused);
      await refused.waitFor({ timeout: 20_000 });
      assert.match(await page.locator('#trust-list-as-of').innerText(), u.signed, where);
      const verdict = await paste(page, setup.lang, texts.valid);
      assert.equal(await verdict.getAttribute('data-verdict'), 'status_unknown', where);
      assert.equal(await page.locator('#verdict-heading').innerText(), u.title, where);
      assert.doesNotMatch(await page.locator('#verdict-heading').evaluate((e) => getComputedStyle(e, '::before').content), /✓/);
      const region = page.getByRole('region', { name: u.content });
      await region.getByText(validName).waitFor();
      for (const fact of await contentStyles(region)) {
        assert.doesNotMatch(fact.decoration, /line-through/, `${where}: genuine, so not struck: ${fact.text}`);
      }
      assert.deepEqual(await greenElements(page), [], `${where}: nothing green`);
      await assertNoSideways(page);
      assert.deepEqual(await axeViolations(page, `${where} status unknown`), []);
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('a refused camera is said plainly with what to do; allowing it and trying again scans', async () => {
  // A fake camera, but no permission granted and no auto-accepting prompt: the browser refuses.
  const browser = await launchBrowser(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${validVideo}`]);
  try {
    for (const setup of SETUPS) {
      const t = T[setup.lang];
      const where = `${setup.lang} ${setup.viewport.width}px`;
      const { context, page, errors } = await openInspector(browser, setup);
      const problem = page.getByRole('alert').filter({ hasText: t.refused });
      await problem.waitFor({ timeout: 20_000 });
      assert.match(await problem.innerText(), t.refusedNext, where);
      assert.doesNotMatch(await page.locator('main').innerText(), RAW_ERROR, where);
      // The other ways stay at hand.
      await page.getByLabel(t.photo).waitFor({ state: 'attached' });
      await page.getByLabel(t.paste).waitFor();
      await assertNoSideways(page);
      // Allowed in the browser's settings, then "Try the camera again": the camera reads the code.
      await context.grantPermissions(['camera'], { origin: server.url });
      await page.getByRole('button', { name: t.retry }).click();
      const verdict = page.locator('[data-verdict]');
      await verdict.waitFor({ timeout: 30_000 });
      assert.equal(await verdict.getAttribute('data-verdict'), 'valid', where);
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('no camera, or an insecure address: said plainly with what to do', async () => {
  // No fake camera: this machine has none. The address yiye.test is the server over plain
  // http, which browsers do not treat as secure (127.0.0.1 would be).
  const browser = await launchBrowser(['--host-resolver-rules=MAP yiye.test 127.0.0.1']);
  try {
    for (const setup of [SETUPS[0], SETUPS[1]]) {
      const t = T[setup.lang];
      const where = `${setup.lang} ${setup.viewport.width}px`;
      const { context, page } = await openInspector(browser, setup);
      await context.grantPermissions(['camera'], { origin: server.url });
      await page.reload();
      const missing = page.getByRole('alert').filter({ hasText: t.missing });
      await missing.waitFor({ timeout: 20_000 });
      assert.match(await missing.innerText(), new RegExp(t.photo), where);
      assert.doesNotMatch(await page.locator('main').innerText(), RAW_ERROR, where);

      const insecure = await context.newPage();
      await insecure.goto(`${server.url.replace('127.0.0.1', 'yiye.test')}/inspect/`);
      assert.equal(await insecure.evaluate(() => window.isSecureContext), false);
      const problem = insecure.getByRole('alert').filter({ hasText: t.insecure });
      await problem.waitFor({ timeout: 20_000 });
      assert.match(await problem.innerText(), /https:\/\//, where);
      assert.doesNotMatch(await insecure.locator('main').innerText(), RAW_ERROR, where);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('the check history reads in plain words, entries of earlier versions included', async () => {
  const browser = await launchBrowser();
  // 1 May 2026, 16:00 in Shanghai.
  const at = Date.UTC(2026, 4, 1, 8, 0);
  // As earlier versions stored them: codes, and the name a forged code claimed.
  const old = [
    { at, verdict: 'signature_invalid', license_number: '310115-2026-000666', business_name: '冒名顶替便利店' },
    { at, verdict: 'revoked', license_number: '310115-2026-000777', business_name: '上海浦东新区老街便利店有限公司' },
    { at, verdict: 'malformed_base45', license_number: null, business_name: null },
  ];
  const expected = {
    zh: { old: ['伪造或被篡改', '已撤销', '无法读取'], time: '2026年5月1日 16:00', valid: '有效', forged: '伪造或被篡改', unknown: '签发者未知', time_re: /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/ },
    en: { old: ['Forged or altered', 'Revoked', 'Unreadable'], time: '1 May 2026, 16:00', valid: 'Valid', forged: 'Forged or altered', unknown: 'Unknown issuer', time_re: /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/ },
  };
  try {
    for (const setup of SETUPS) {
      const t = T[setup.lang];
      const e = expected[setup.lang];
      const where = `${setup.lang} ${setup.viewport.width}px`;
      const { context, page, errors } = await openInspector(browser, setup, { timezoneId: 'Asia/Shanghai' });
      await page.evaluate((entries) => localStorage.setItem('yiye.inspector.history', JSON.stringify(entries)), old);
      await page.reload();
      await paste(page, setup.lang, texts.unknownKey);
      await page.getByRole('button', { name: t.again }).click();
      await paste(page, setup.lang, texts.altered);
      await page.getByRole('button', { name: t.again }).click();
      await paste(page, setup.lang, texts.valid);
      await page.getByRole('button', { name: t.history }).click();
      const items = await page.locator('.history li').allInnerTexts();
      assert.equal(items.length, 6, where);
      const [valid, altered, unknown, ...earlier] = items;
      assert.match(valid, new RegExp(`^${e.valid} · `), where);
      assert.ok(valid.includes(validName), `${where}: ${valid}`);
      assert.match(valid, e.time_re);
      assert.ok(altered.includes(e.forged), `${where}: ${altered}`);
      assert.ok(!altered.includes(validName), `${where}: a forged code's name is not shown: ${altered}`);
      assert.ok(unknown.includes(e.unknown), `${where}: ${unknown}`);
      assert.ok(!unknown.includes(validName), `${where}: ${unknown}`);
      earlier.forEach((item, i) => {
        assert.ok(item.includes(e.old[i]), `${where}: ${item}`);
        assert.ok(item.includes(e.time), `${where}: ${item}`);
      });
      assert.ok(!earlier[0].includes('冒名顶替便利店'), `${where}: ${earlier[0]}`);
      assert.ok(earlier[1].includes('上海浦东新区老街便利店有限公司'), `${where}: ${earlier[1]}`);
      const section = await page.locator('main section').first().innerText();
      assert.doesNotMatch(section, /[a-z]+_[a-z]+/, `${where}: no verdict codes`);
      await assertNoSideways(page);
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});
