// The inspector end to end: real licenses (issued by the real server, or signed with the
// signer CLI for the cases the server would never issue), filmed as Chromium's fake camera,
// verified with the network OFF after the first load: each case loads the page online (which
// installs the service worker and caches the trust list and the status list), goes offline, opens
// the inspector again from the service worker and only then scans: the decoder worker's files
// and the verdict come from the device.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer, launchBrowser, goOffline, DIST } from './harness.mjs';
import {
  issueLicense, alteredText, signerIssue, strangerKey, qrSvg, cameraFrame, writeY4m,
} from './inspector-helpers.mjs';

const ADMIN_TOKEN = 'inspector-e2e-admin-token';
let server;
const videos = {};
let work;
let validText;

before(async () => {
  server = await startServer({ env: { YIYE_ADMIN_TOKEN: ADMIN_TOKEN } });
  work = mkdtempSync(join(tmpdir(), 'yiye-inspector-'));
  const valid = await issueLicense(server.url, 'inspector-valid-1', '上海浦东新区陆家嘴便利店有限公司');
  const revoked = await issueLicense(server.url, 'inspector-revoked-1', '上海浦东新区张江便利店有限公司');
  const revoke = await fetch(`${server.url}/api/admin/revocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ license_number: revoked.number, reason: 'e2e: closed by the authority' }),
  });
  assert.equal(revoke.status, 201);

  const keyFile = join(server.data, 'keys', 'signing-key.json');
  const keySet = await (await fetch(`${server.url}/api/keys`)).json();
  // Expired: signed with the server's own key (valid since the server started) for a
  // two-second validity that is over by the time it is scanned.
  const start = Math.max(...keySet.keys.map((k) => k.not_before));
  const expiredClaims = {
    ...valid.claims, license_number: '310115-2026-999001', issued_at: start, valid_from: start,
    valid_until: start + 2,
    permits: valid.claims.permits.map((p) => ({ ...p, number: `310115-2026-999001-${String(p.kind).padStart(2, '0')}`, valid_until: start + 2 })),
  };
  validText = valid.qr_text;
  const texts = {
    valid: valid.qr_text,
    altered: await alteredText(server.url, valid.qr_text),
    expired: signerIssue(keyFile, expiredClaims),
    revoked: revoked.qr_text,
    unknown_key: signerIssue(strangerKey(valid.claims.issuer), valid.claims),
  };
  const browser = await launchBrowser();
  for (const [name, text] of Object.entries(texts)) {
    videos[name] = join(work, `${name}.y4m`);
    writeY4m(videos[name], await cameraFrame(browser, qrSvg(text)));
  }
  videos.unreadable = join(work, 'unreadable.y4m');
  writeY4m(videos.unreadable, await cameraFrame(browser, qrSvg(texts.valid), { cover: true }));
  await browser.close();
  await new Promise((r) => setTimeout(r, 2500)); // the expired license's validity ends
});

after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The decoder worker's files, which the first load does not fetch (scripts/bundle-size). */
const DECODER_FILES = ['qr-decoder-worker.js', 'qr-decoder.js', 'qr-decoder_bg.wasm'];

/** Loads the inspector online with `video` as its camera, waits until the trust list and the
 *  status list are cached and the service worker is installed, goes offline, opens the
 *  inspector again (from the service worker), scans, and returns the verdict shown. */
async function scanOffline(video) {
  const browser = await launchBrowser([
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.grantPermissions(['camera'], { origin: server.url });
    const first = await context.newPage();
    await first.goto(`${server.url}/inspect/`);
    await first.locator('#status-lists-as-of').filter({ hasNotText: 'never' }).waitFor({ timeout: 20_000 });
    await first.evaluate(() => navigator.serviceWorker.ready);
    const cached = await first.evaluate(async (files) => {
      const hits = await Promise.all(files.map((f) => caches.match(`/inspect/${f}`)));
      return files.filter((_, i) => hits[i]);
    }, DECODER_FILES);
    assert.deepEqual(cached, DECODER_FILES, 'the service worker keeps the decoder worker');
    await first.close();
    await goOffline(context);
    // A scan that may have finished before the cache was filled does not count: a fresh page,
    // offline, whose decoder worker starts from the service worker's copies.
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    assert.ok((await page.goto(`${server.url}/inspect/`)).fromServiceWorker());
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor({ timeout: 20_000 });
    const shown = {
      code: await verdict.getAttribute('data-verdict'),
      text: await verdict.innerText(),
      body: await page.locator('main').innerText(),
    };
    // Offline indeed: a refresh now fails and the cached lists stay in use.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('Refresh failed (offline?)').waitFor();
    assert.deepEqual(errors, []);
    return shown;
  } finally {
    await browser.close();
  }
}

test('a valid license from the fake camera is valid, with its permits named from the catalog', async () => {
  const shown = await scanOffline(videos.valid);
  assert.equal(shown.code, 'valid');
  assert.match(shown.text, /^Valid/);
  // How fresh, from the signed status list itself, and who signed it.
  assert.match(shown.text, /Status as of \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}, list signed by \S/);
  assert.match(shown.body, /上海浦东新区陆家嘴便利店有限公司/);
  assert.match(shown.body, /Liquor retail permit/);
  assert.match(shown.body, /Department: /);
});

test('an altered license is NOT valid: altered or forged', async () => {
  const shown = await scanOffline(videos.altered);
  assert.equal(shown.code, 'signature_invalid');
  assert.match(shown.text, /NOT valid\s+Altered or forged/);
  assert.match(shown.body, /NOT verified/);
});

test('an expired license is NOT valid: expired', async () => {
  const shown = await scanOffline(videos.expired);
  assert.equal(shown.code, 'expired');
  assert.match(shown.text, /The license has expired/);
});

test('a revoked license is NOT valid: revoked, from the cached signed list', async () => {
  const shown = await scanOffline(videos.revoked);
  assert.equal(shown.code, 'revoked');
  // Revoked by its status index, on the authority's date.
  assert.match(shown.text, /Revoked by the authority on \d{1,2} [A-Z][a-z]{2} \d{4}\./);
});

test('a license signed by an unknown key is NOT valid: unknown issuer key', async () => {
  const shown = await scanOffline(videos.unknown_key);
  assert.equal(shown.code, 'unknown_key');
  assert.match(shown.text, /unknown issuer key/);
});

test('decode time per 1280x720 frame in wasm (a code that cannot be read: the full search)', async () => {
  const browser = await launchBrowser([
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${videos.unreadable}`,
  ]);
  try {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${server.url}/inspect/`);
    const info = page.locator('.decoder-info');
    await page.waitForFunction(() => Number(document.querySelector('.decoder-info')?.dataset.frames) >= 20, null, { timeout: 60_000 });
    const ms = Number(await info.getAttribute('data-frame-ms'));
    console.log(`inspector: ${await info.getAttribute('data-frames')} frames of 1280x720, mean decode ${ms.toFixed(1)} ms per frame (target <= 60)`);
    assert.ok(ms > 0);
  } finally {
    await browser.close();
  }
});

test('a photo of a license is read by the decoder worker', async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    // The photo: the license's QR as the signer draws it, as a PNG.
    const shot = await context.newPage();
    await shot.setContent(`<body style="margin: 40px; background: #fff">${qrSvg(validText)}</body>`);
    const png = await shot.screenshot({ fullPage: true });
    await shot.close();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/inspect/`);
    await page.locator('#status-lists-as-of').filter({ hasNotText: 'never' }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Read from a photo').setInputFiles({ name: 'license.png', mimeType: 'image/png', buffer: png });
    assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('when the decoder worker cannot load, the scanner says so and pasted text still works', async () => {
  // A build whose decoder files are gone: what a device offline before its first scan meets.
  const dist = mkdtempSync(join(tmpdir(), 'yiye-no-decoder-'));
  cpSync(DIST, dist, { recursive: true });
  for (const file of DECODER_FILES) {
    for (const suffix of ['', '.gz', '.br']) rmSync(join(dist, 'inspect', `${file}${suffix}`), { force: true });
  }
  const broken = await startServer({ dist });
  const browser = await launchBrowser([
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${videos.valid}`,
  ]);
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.grantPermissions(['camera'], { origin: broken.url });
    // Issued before the inspector syncs: a license newer than the device's status list is
    // "status unknown" until the next sync.
    const license = await issueLicense(broken.url, 'inspector-no-decoder-1', '上海浦东新区花木便利店有限公司');
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${broken.url}/inspect/`);
    await page.locator('#status-lists-as-of').filter({ hasNotText: 'never' }).waitFor({ timeout: 20_000 });
    await page.getByRole('alert').filter({ hasText: 'The QR reader could not be loaded' })
      .filter({ hasText: 'Paste the code' }).waitFor({ timeout: 20_000 });
    await page.getByLabel(/Or paste the QR text/).fill(license.qr_text);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await broken.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});

/** The fragment signer::url_form writes for a QR text, from its description: the base45
 *  decoded, then each 8-byte block as 12 digits of base43 (base45's alphabet without space
 *  and %), least significant first; a last block of k bytes as the fewest digits holding it. */
function urlFragment(qrText) {
  const b45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const b43 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:';
  const body = qrText.slice('YY1:'.length);
  const bytes = [];
  for (let i = 0; i < body.length; i += 3) {
    const digits = [...body.slice(i, i + 3)].map((c) => b45.indexOf(c));
    const n = digits.reduce((sum, d, k) => sum + d * 45 ** k, 0);
    if (digits.length === 3) bytes.push(n >> 8, n & 255); else bytes.push(n);
  }
  let out = 'YY1:';
  for (let i = 0; i < bytes.length; i += 8) {
    const block = bytes.slice(i, i + 8);
    let n = block.reduce((sum, b) => (sum << 8n) | BigInt(b), 0n);
    let digits = 0;
    while (43n ** BigInt(digits) < 256n ** BigInt(block.length)) digits += 1;
    for (let k = 0; k < digits; k += 1) { out += b43[Number(n % 43n)]; n /= 43n; }
  }
  return out;
}

test('the URL form opens the inspector at /I, offline, and verifies from the fragment', async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    // Issued before the device syncs: its status list then has the license's entry.
    const license = await issueLicense(server.url, 'inspector-url-1', '上海浦东新区世纪便利店有限公司');
    const first = await context.newPage();
    await first.goto(`${server.url}/inspect/`);
    await first.locator('#status-lists-as-of').filter({ hasNotText: 'never' }).waitFor();
    await first.evaluate(() => navigator.serviceWorker.ready);
    const fragment = urlFragment(license.qr_text);
    assert.match(fragment, /^YY1:[0-9A-Z$*+\-./:]+$/);
    // A device that never synced, online: it waits for the sync, then checks, and says online.
    const fresh = await browser.newContext({ locale: 'en-US' });
    const online = await fresh.newPage();
    await online.goto(`${server.url.toUpperCase()}/I#${fragment}`);
    const onlineVerdict = online.locator('[data-verdict]');
    await onlineVerdict.getByText('Checked online just now.').waitFor({ timeout: 20_000 });
    assert.equal(await onlineVerdict.getAttribute('data-verdict'), 'valid');
    await fresh.close();
    await goOffline(context);
    // As a phone's camera app opens the QR: upper case, the short address.
    const page = await context.newPage();
    assert.ok((await page.goto(`${server.url.toUpperCase()}/I#${fragment}`)).fromServiceWorker());
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-verdict'), 'valid');
    // Offline, the sync fails: checked with what the device has, and said so.
    await verdict.getByText(/^Checked with data on this device \(list of \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\)\.$/).waitFor();
    await page.getByRole('button', { name: 'Check history' }).click();
    await page.getByText('上海浦东新区世纪便利店有限公司').waitFor();
    await page.getByRole('button', { name: 'Clear history' }).click();
    await page.getByText('No checks on this device yet.').waitFor();
  } finally {
    await browser.close();
  }
});

test('first-load transfer size of the inspector (gzip -9) is printed and within 400 KB', () => {
  const dir = join(DIST, 'inspect');
  const gzip = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const loaded = ['index.html', ...[...html.matchAll(/(?:src|href)="?\/inspect\/([^"\s>]+)/g)].map((m) => m[1])];
  const boot = readFileSync(join(dir, loaded.find((f) => f.startsWith('boot-'))), 'utf8');
  // The main wasm is the one next to the JS the loader imports; the decoder worker's is not.
  const wasm = loaded.filter((f) => /^inspector-[0-9a-f]+\.js$/.test(f)).map((f) => f.replace(/\.js$/, '_bg.wasm'));
  assert.equal(wasm.length, 1, 'index.html loads one inspector-<hash>.js');
  const files = [...new Set([...loaded, ...wasm])].filter((f) => !f.endsWith('.svg'));
  assert.deepEqual(files.filter((f) => DECODER_FILES.includes(f)), [], 'the decoder is not in the first load');
  let total = 0;
  for (const file of files) {
    total += gzip(file);
    console.log(`inspector first load: ${file} ${(gzip(file) / 1024).toFixed(1)} KB gzip`);
  }
  console.log(`inspector first load: total ${(total / 1024).toFixed(1)} KB gzip (target <= 400 KB)`);
  const later = DECODER_FILES.reduce((sum, file) => sum + gzip(file), 0);
  console.log(`inspector decoder worker, loaded when scanning starts: ${(later / 1024).toFixed(1)} KB gzip`);
  assert.ok(boot.includes('/inspect/'), 'the loader imports from /inspect/');
  assert.ok(total <= 400 * 1024, `first load ${(total / 1024).toFixed(1)} KB gzip exceeds 400 KB`);
});
