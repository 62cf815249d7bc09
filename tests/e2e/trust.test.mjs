// Verification an inspector can stake a decision on (#19): two issuing districts, each its own
// server and key, under one trust list signed by the root key pinned into the inspector build.
// The inspector syncs once and goes offline: licenses of both verify and name their issuer; a
// stranger's is "not on the trust list"; a listed key used outside its district is refused;
// a key withdrawn from the list fails after the next sync; a status list past its expiry turns
// "valid" into "status unknown since …"; a trust list whose signature fails is refused and the
// previous one kept. Zh on a 390 px phone and en on a desktop, side by side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, launchBrowser, goOffline, freePort, makeIssuerKeys, signTrustList,
} from './harness.mjs';
import { issueLicense, pasteAndCheck, verdictOf, syncAgain, signerIssue, strangerKey } from './inspector-helpers.mjs';

const PUDONG = { id: '310115', zh: '上海市浦东新区市场监督管理局', en: 'Pudong New Area Administration for Market Regulation' };
const XUHUI = { id: '310104', zh: '上海市徐汇区市场监督管理局', en: 'Xuhui District Administration for Market Regulation' };
const SETUPS = [
  { lang: 'zh', locale: 'zh-CN', viewport: { width: 390, height: 844 } },
  { lang: 'en', locale: 'en-US', viewport: { width: 1280, height: 800 } },
];
const T = {
  zh: {
    paste: /或粘贴二维码内容/, check: '核验', again: '继续扫描', refresh: '刷新',
    valid: '有效', invalid: '无效', unconfirmed: '真实，但状态未能确认',
    issuedBy: '签发机关（据信任名单）',
    unknownIssuer: '签发者不在信任名单上：不是本系统认可的发证机关。',
    division: '签发机关无权为该经营场所所在地区发证。',
    withdrawn: /签名密钥已被签发机关撤回/,
    statusSince: /签名真实，但目前状态未知，最新状态名单签署于\s*(\d{4}年\d{1,2}月\d{1,2}日)/,
    refused: /服务器发来的信任名单被拒绝.*继续使用本机签署于.*的名单。/,
  },
  en: {
    paste: /Or paste the QR text/, check: 'Check', again: 'Scan another', refresh: 'Refresh',
    valid: 'Valid', invalid: 'NOT valid', unconfirmed: 'Genuine — status NOT confirmed',
    issuedBy: 'Issuing authority (from the trust list)',
    unknownIssuer: 'The issuer is not on the trust list: not an authority this system recognises.',
    division: 'The issuer may not issue licenses for the area of these premises.',
    withdrawn: /Signed with a key its authority has withdrawn/,
    statusSince: /Signature valid — current status unknown since\s*(\d{1,2} \w{3} \d{4})/,
    refused: /The trust list from the server was refused.*the list signed.*stays in use\./,
  },
};

let work;
let pudong;
let xuhui;
let trustFile;
let keys;
let ports;
const texts = {};

/** The trust list of both districts; `withdrawXuhui` moves Xuhui's key to its withdrawn keys. */
function trustList({ withdrawXuhui = false } = {}) {
  const entry = (district, key, port) => ({
    id: district.id, name: district.zh, name_en: district.en, divisions: [Number(district.id)], permits: null,
    status_url: `http://127.0.0.1:${port}/api/status-list`,
    keys: withdrawXuhui && district === XUHUI ? [] : [{ public_key: key.public_key, not_before: key.not_before, not_after: null }],
    withdrawn: withdrawXuhui && district === XUHUI ? [key.kid] : [],
  });
  return {
    root: '310000',
    issuers: [entry(PUDONG, keys.pudong, ports.pudong), entry(XUHUI, keys.xuhui, ports.xuhui)],
  };
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'yiye-trust-'));
  trustFile = join(work, 'trust-list.json');
  ports = { pudong: await freePort(), xuhui: await freePort() };
  keys = {};
  const dataOf = (name) => { const dir = join(work, name); mkdirSync(dir); return dir; };
  const pudongKeys = dataOf('pudong-keys');
  const xuhuiKeys = dataOf('xuhui-keys');
  keys.pudong = makeIssuerKeys(pudongKeys, PUDONG.id, PUDONG.zh);
  keys.xuhui = makeIssuerKeys(xuhuiKeys, XUHUI.id, XUHUI.zh);
  signTrustList(trustList(), trustFile);
  const serve = (district, keyDir, port) => startServer({
    port,
    env: {
      YIYE_TRUST_LIST: trustFile, YIYE_ISSUER: district.id, YIYE_KEYS: join(keyDir, 'keys'),
      YIYE_AUTHORITY_NAME_ZH: district.zh, YIYE_AUTHORITY_NAME_EN: district.en,
    },
  });
  pudong = await serve(PUDONG, pudongKeys, ports.pudong);
  xuhui = await serve(XUHUI, xuhuiKeys, ports.xuhui);
  const fromPudong = await issueLicense(pudong.url, 'trust-pudong-1', '上海浦东金桥便利店有限公司');
  const fromXuhui = await issueLicense(xuhui.url, 'trust-xuhui-1', '上海徐汇田林便利店有限公司', {
    division: '310104', detail: '田林路200号',
  });
  texts.pudong = fromPudong.qr_text;
  texts.xuhui = fromXuhui.qr_text;
  // A district no trust list names, signing a well-formed license of its own.
  const strangerClaims = {
    ...fromPudong.claims, issuer: '310106', license_number: '310106-2026-000001',
    address: { division: 310106, detail: '南京西路1号' },
    permits: fromPudong.claims.permits.map((p) => ({ ...p, number: `310106-2026-000001-${String(p.kind).padStart(2, '0')}` })),
  };
  texts.stranger = signerIssue(strangerKey('310106'), strangerClaims);
  // Xuhui's genuine key signing for premises in Pudong, where it may not issue.
  const outsideClaims = {
    ...fromXuhui.claims, license_number: '310104-2026-009999',
    address: { division: 310115, detail: '世纪大道1号' },
    permits: fromXuhui.claims.permits.map((p) => ({ ...p, number: `310104-2026-009999-${String(p.kind).padStart(2, '0')}` })),
  };
  texts.outside = signerIssue(join(xuhuiKeys, 'keys', 'signing-key.json'), outsideClaims);
});

after(async () => {
  await pudong?.stop();
  await xuhui?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An inspector in `setup`'s language on Pudong's server, synced once (trust list and both
 *  districts' status lists). */
async function openInspector(browser, setup) {
  const context = await browser.newContext({ locale: setup.locale, viewport: setup.viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${pudong.url}/inspect/`);
  await synced(page);
  return { context, page, errors, setup };
}

/** Waits until the trust panel names a signed status list of both districts. */
async function synced(page) {
  const lists = page.locator('#status-lists-as-of');
  for (const district of [PUDONG, XUHUI]) {
    await lists.filter({ hasText: new RegExp(`${district.zh}|${district.en}`) }).waitFor({ timeout: 20_000 });
  }
}




/** Gives the servers time to see a changed trust list file (they look every second). */
const serversSeeTheFile = () => new Promise((r) => setTimeout(r, 1_500));

test('two districts under one trust list: both verify offline, strangers and keys outside their district are refused, withdrawn keys and stale lists are said', async () => {
  const browser = await launchBrowser();
  try {
    const inspectors = [];
    for (const setup of SETUPS) inspectors.push(await openInspector(browser, setup));
    for (const inspector of inspectors) await goOffline(inspector.context);

    for (const inspector of inspectors) {
      const t = T[inspector.setup.lang];
      const name = (d) => d[inspector.setup.lang];
      for (const [text, district] of [[texts.pudong, PUDONG], [texts.xuhui, XUHUI]]) {
        const { code, text: shown } = await verdictOf(inspector, T[inspector.setup.lang], text, 'valid');
        assert.equal(code, 'valid', shown);
        assert.doesNotMatch(shown, /\d{4}-\d{2}-\d{2}/, 'dates in words, as the reader\'s language writes them');
        assert.ok(shown.includes(`${t.issuedBy}${inspector.setup.lang === 'zh' ? '：' : ': '}${name(district)}`), shown);
      }
      let outcome = await pasteAndCheck(inspector, T[inspector.setup.lang], texts.stranger);
      assert.equal(outcome.code, 'unknown_issuer');
      assert.ok(outcome.text.includes(t.unknownIssuer), outcome.text);
      outcome = await pasteAndCheck(inspector, T[inspector.setup.lang], texts.outside);
      assert.equal(outcome.code, 'division_not_allowed');
      assert.ok(outcome.text.includes(t.division), outcome.text);
    }

    // Xuhui's key is compromised: the root withdraws it. Offline, nothing changes; after the
    // next sync its licenses fail with a reason of their own.
    signTrustList(trustList({ withdrawXuhui: true }), trustFile);
    await serversSeeTheFile();
    for (const inspector of inspectors) {
      assert.equal((await pasteAndCheck(inspector, T[inspector.setup.lang], texts.xuhui)).code, 'valid', 'no sync yet');
      await syncAgain(inspector, T[inspector.setup.lang], '/api/trust-list');
      const { code, text } = await verdictOf(inspector, T[inspector.setup.lang], texts.xuhui, 'key_withdrawn');
      assert.equal(code, 'key_withdrawn');
      assert.match(text, T[inspector.setup.lang].withdrawn);
      assert.equal((await pasteAndCheck(inspector, T[inspector.setup.lang], texts.pudong)).code, 'valid');
    }

    // A trust list whose signature fails (one signature byte changed) is refused, and the
    // previous one stays in use.
    const signed = JSON.parse(readFileSync(trustFile, 'utf8'));
    const last = signed.cose.length - 2;
    const flipped = (parseInt(signed.cose.slice(last), 16) ^ 0x01).toString(16).padStart(2, '0');
    writeFileSync(trustFile, JSON.stringify({ cose: signed.cose.slice(0, last) + flipped }));
    await serversSeeTheFile();
    for (const inspector of inspectors) {
      await syncAgain(inspector, T[inspector.setup.lang], '/api/trust-list');
      await inspector.page.getByText(T[inspector.setup.lang].refused).waitFor();
      assert.equal((await pasteAndCheck(inspector, T[inspector.setup.lang], texts.pudong)).code, 'valid', 'the previous list is kept');
      assert.equal((await pasteAndCheck(inspector, T[inspector.setup.lang], texts.xuhui)).code, 'key_withdrawn');
    }

    // Eight days later, still offline: the status lists (7 days) have expired, the trust list
    // (30 days) has not. A genuine license is no longer "valid" but "status unknown since …".
    for (const inspector of inspectors) {
      await inspector.context.clock.setSystemTime(Date.now() + 8 * 86_400_000);
      const { code, text } = await pasteAndCheck(inspector, T[inspector.setup.lang], texts.pudong);
      assert.equal(code, 'status_unknown');
      assert.match(text, T[inspector.setup.lang].statusSince);
      assert.ok(text.includes(T[inspector.setup.lang].unconfirmed), text);
      assert.deepEqual(inspector.errors, []);
    }
  } finally {
    await browser.close();
  }
});
