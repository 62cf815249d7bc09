// Hand-over with no network at all: the application, signed by the device's own key, shown as
// a numbered sequence of QR codes; read from screenshots (zbarimg) and posted by a connected
// desk; issued like an online submission. Unenrolled devices and altered codes are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goOffline, goOnline } from './harness.mjs';
import { startApp, stopApp, openApp, chooseIndustry, answerScope, completeForm, stored, T } from './applicant-helpers.mjs';

const ADMIN_TOKEN = 'handover-test-token';
let server;
let browser;
let catalog;
let shots;

before(async () => {
  ({ server, browser, catalog } = await startApp({ env: { YIYE_ADMIN_TOKEN: ADMIN_TOKEN } }));
  shots = mkdtempSync(join(tmpdir(), 'yiye-handover-'));
});

after(async () => {
  await stopApp({ server, browser });
  if (shots) rmSync(shots, { recursive: true, force: true });
});

const handOver = (qrTexts) => fetch(`${server.url}/api/handover`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr_texts: qrTexts }),
});

test('a signed hand-over read from screenshots is issued; unenrolled and altered ones are refused', async () => {
  const page = await openApp(browser, server.url, { lang: 'en' });
  await chooseIndustry(page, catalog, 'bookstore', 'en');
  await answerScope(page, catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 60 }, 'en');
  await page.getByRole('button', { name: T.en.continue, exact: true }).click();
  await completeForm(page, catalog, { lang: 'en', overrides: { business_name: '递交书店' } });
  await goOffline(page.context());
  await page.getByRole('button', { name: T.en.send }).click();
  await page.getByRole('button', { name: 'No network? Hand over by QR code' }).click();

  // Read every QR code of the sequence off the screen, as a desk's scanner would.
  const codes = page.getByRole('img', { name: /^Hand-over QR code \d+ \/ \d+$/ });
  await codes.first().waitFor(); // Web Crypto signs asynchronously
  // Each code is drawn by the QR encoder's worker as its answer comes: wait for the last.
  const count = Number((await codes.first().getAttribute('aria-label')).match(/\/ (\d+)$/)[1]);
  assert.ok(count >= 1);
  await codes.nth(count - 1).waitFor();
  const texts = [];
  for (let i = 0; i < count; i++) {
    const file = join(shots, `part-${i}.png`);
    await codes.nth(i).screenshot({ path: file });
    texts.push(execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim());
  }
  // The device's private key is a Web Crypto key no script can read out.
  const deviceKey = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('yiye');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('device').objectStore('device').get('signing_key');
      get.onerror = () => reject(get.error);
      get.onsuccess = () => resolve({
        type: get.result?.privateKey?.type, extractable: get.result?.privateKey?.extractable,
      });
    };
  }));
  assert.deepEqual(deviceKey, { type: 'private', extractable: false });
  const deviceId = await page.getByRole('definition').filter({ hasText: /^device-/ }).innerText();
  const publicKey = await page.getByRole('definition').filter({ hasText: /^[0-9a-f]{64}$/ }).innerText();

  // Not enrolled yet: refused with a clear reason.
  let answer = await handOver(texts);
  assert.equal(answer.status, 403);
  assert.equal((await answer.json()).error, 'device_not_enrolled');

  const enrol = await fetch(`${server.url}/api/admin/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ device_id: deviceId, public_key: publicKey }),
  });
  assert.equal(enrol.status, 201);

  // One altered character: refused, nothing issued.
  const altered = [...texts];
  const last = altered.length - 1;
  const middle = Math.floor(altered[last].length / 2) + 6;
  altered[last] = altered[last].slice(0, middle) + (altered[last][middle] === 'A' ? 'B' : 'A') + altered[last].slice(middle + 1);
  answer = await handOver(altered);
  assert.equal(answer.status, 422);
  assert.match((await answer.json()).error, /^handover_/);

  // The real scan: issued, verifiable, the applicant's own data.
  answer = await handOver(texts);
  assert.equal(answer.status, 201);
  const issued = await answer.json();
  assert.equal(issued.license.claims.business_name, '递交书店');
  const verdict = await (await fetch(`${server.url}/api/verify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr_text: issued.license.qr_text }),
  })).json();
  assert.equal(verdict.valid, true);

  // The device comes back online: its outbox (on the `online` event) sends the same id and
  // gets the same license.
  await goOnline(page.context());
  await page.getByRole('heading', { name: T.en.license, level: 1 }).waitFor({ timeout: 20_000 });
  const onDevice = (await stored(page, 'drafts'))[issued.application_id].license.number;
  assert.equal(onDevice, issued.license.number);
  await page.context().close();
});
