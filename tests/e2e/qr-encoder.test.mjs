// The applicant app's QR encoder is its own wasm in a Web Worker (frontend/src/qr_worker.rs):
// the start page does not fetch it, the service worker keeps it, so a license's QR code still
// draws with no network after the first visit; when it cannot load, the page says so in both
// languages (no raw error) and draws after "Try again".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, goOffline, DIST } from './harness.mjs';
import { startApp, stopApp, openApp, chooseIndustry, answerScope, completeForm, sendApplication, T } from './applicant-helpers.mjs';

/** The encoder worker's files (frontend/index.html), which the first load does not fetch. */
const ENCODER_FILES = ['qr-encoder-worker.js', 'qr-encoder.js', 'qr-encoder_bg.wasm'];

let server;
let browser;
let catalog;
let scratch;

before(async () => {
  ({ server, browser, catalog } = await startApp());
  scratch = mkdtempSync(join(tmpdir(), 'yiye-qr-encoder-'));
});

after(async () => {
  await stopApp({ server, browser });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A bookstore application sent from `page` (English), up to its license page; the license. */
async function applyForBookstore(page, name) {
  await chooseIndustry(page, catalog, 'bookstore', 'en');
  await answerScope(page, catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 60 }, 'en');
  await page.getByRole('button', { name: T.en.continue, exact: true }).click();
  await completeForm(page, catalog, { lang: 'en', overrides: { business_name: name } });
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/applications') && r.request().method() === 'POST');
  await sendApplication(page, 'en');
  return (await (await answer).json()).license;
}

/** The text of the QR code `locator` shows, read from a screenshot as a scanner would. */
async function scan(locator, file) {
  const png = join(scratch, file);
  // In the middle of the window, clear of the sticky header, as a person holds it to a camera.
  await locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await locator.screenshot({ path: png });
  return execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).trim();
}

test('index.html loads none of the QR encoder\'s files', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const loaded = [...html.matchAll(/(?:src|href)="?\/([^"\s>]+)/g)].map((m) => m[1]);
  assert.ok(loaded.some((f) => /^frontend-[0-9a-f]+\.js$/.test(f)), 'index.html loads the app');
  assert.deepEqual(loaded.filter((f) => ENCODER_FILES.includes(f)), [], 'the encoder is not in the first load');
  for (const file of ENCODER_FILES) assert.ok(readFileSync(join(DIST, file)).length > 0, `${file} is built`);
});

test('the start page does not fetch the QR encoder; a license QR draws offline after the first visit (phone)', async () => {
  const page = await openApp(browser, server.url, { lang: 'en', viewport: { width: 390, height: 844 } });
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname.slice(1)));
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(fetched.filter((f) => ENCODER_FILES.includes(f)), [], 'the start page fetches no encoder file');
  // The service worker kept them with the rest of the build.
  const cached = await page.evaluate(async (files) => {
    const hits = await Promise.all(files.map((f) => caches.match(`/${f}`)));
    return files.filter((_, i) => hits[i]);
  }, ENCODER_FILES);
  assert.deepEqual(cached, ENCODER_FILES, 'the service worker keeps the encoder worker');

  const license = await applyForBookstore(page, '二维码离线书店');
  const qr = page.getByRole('img', { name: T.en.qr });
  assert.equal(await scan(qr, 'online.png'), license.qr_text);
  // Seen by this test: the license page is what starts the worker.
  assert.ok(fetched.includes('qr-encoder-worker.js'), `the license page starts the encoder (${fetched})`);

  await goOffline(page.context());
  // A fresh page, offline, from the service worker: its encoder worker too.
  const offline = await page.context().newPage();
  const errors = [];
  offline.on('pageerror', (e) => errors.push(e.message));
  assert.ok((await offline.goto(server.url)).fromServiceWorker());
  await offline.getByRole('button', { name: new RegExp(T.en.continueSaved) }).click();
  await offline.getByRole('button', { name: /^Open 二维码离线书店/ }).click();
  await offline.getByRole('heading', { name: T.en.license, level: 1 }).waitFor();
  assert.equal(await scan(offline.getByRole('img', { name: T.en.qr }), 'offline.png'), license.qr_text);
  const href = await offline.getByRole('link', { name: T.en.download }).getAttribute('href');
  assert.match(decodeURIComponent(href).slice(0, 120), /^data:image\/svg\+xml;charset=utf-8,(<\?xml[^>]*>)?<svg/);
  assert.deepEqual([...page.errors, ...errors], []);
  await page.context().close();
});

test('when the QR encoder cannot load, the license page says so in both languages and draws after "Try again"', async () => {
  // A build whose encoder files are gone: what a device that went offline during its first
  // visit meets.
  const dist = mkdtempSync(join(tmpdir(), 'yiye-no-encoder-'));
  cpSync(DIST, dist, { recursive: true });
  const gone = join(scratch, 'encoder');
  for (const file of ENCODER_FILES) {
    for (const suffix of ['', '.gz', '.br']) {
      cpSync(join(dist, `${file}${suffix}`), join(gone, `${file}${suffix}`));
      rmSync(join(dist, `${file}${suffix}`));
    }
  }
  const broken = await startServer({ dist });
  try {
    const page = await openApp(browser, broken.url, { lang: 'en' });
    const license = await applyForBookstore(page, '无二维码书店');
    // The license's QR code (the first) and the tracking QR code both say so.
    const alert = page.getByRole('alert').filter({ hasText: 'The QR code cannot be shown right now' })
      .filter({ hasText: '二维码暂时无法显示' }).first();
    await alert.waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('img', { name: T.en.qr }).count(), 0, 'no QR image while there is none');
    assert.equal(await page.getByRole('link', { name: T.en.download }).count(), 0, 'no download of a missing QR');
    // The files are back (the network returned): trying again draws the code.
    for (const file of ENCODER_FILES) cpSync(join(gone, file), join(dist, file));
    await alert.getByRole('button', { name: /Try again/ }).click();
    const qr = page.getByRole('img', { name: T.en.qr });
    await qr.waitFor();
    assert.equal(await scan(qr, 'retried.png'), license.qr_text);
    await page.getByRole('link', { name: T.en.download }).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    await broken.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});
