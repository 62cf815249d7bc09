// The outbox: an application sent with no network waits on the device, survives the page
// being closed, and goes out when the network comes back — and however often it is sent,
// or however the server fails on the way, the ledger holds exactly one license for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { goOffline, goOnline, waitFor, launchBrowser } from './harness.mjs';
import { startApp, stopApp, openApp, chooseIndustry, answerScope, completeForm, sendApplication, stored, T } from './applicant-helpers.mjs';

let server;
let browser;
let catalog;

before(async () => ({ server, browser, catalog } = await startApp()));
after(() => stopApp({ server, browser }));

/** Licenses in the ledger for one application id, read from the SQLite file itself. */
function licensesInLedger(applicationId) {
  const script = 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); '
    + 'print(c.execute("select count(*) from licenses where application_id=?", (sys.argv[2],)).fetchone()[0])';
  return Number(execFileSync('python3', ['-c', script, join(server.data, 'yiye.sqlite3'), applicationId]).toString());
}

/** Opens the app controlled by its service worker, and fills a bookstore application up to
 *  the check-your-answers page. */
async function bookstoreReadyToSend({ lang = 'en', viewport } = {}) {
  const page = await openApp(browser, server.url, { lang, viewport });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await chooseIndustry(page, catalog, 'bookstore', lang);
  await answerScope(page, catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 120 }, lang);
  await page.getByRole('button', { name: T[lang].continue, exact: true }).click();
  await completeForm(page, catalog, { lang });
  const id = await page.evaluate(() => sessionStorage.getItem('yiye.current')).then(JSON.parse);
  return { page, id };
}

test('sent offline: queued, kept when the page closes, issued once when the network is back', async () => {
  const { page, id } = await bookstoreReadyToSend();
  const context = page.context();
  await goOffline(context);
  await page.getByRole('button', { name: T.en.send }).click();
  await page.getByRole('heading', { name: 'Your application is in the outbox' }).waitFor();
  await page.getByText('Not sent yet').waitFor({ timeout: 15_000 });
  await page.close();

  // A new page, still offline: the app starts from the device; the application waits.
  const again = await context.newPage();
  await again.goto(server.url);
  await again.getByRole('button', { name: /Continue a saved application/ }).click();
  await again.getByText('In the outbox, waiting to be sent').waitFor();
  assert.equal(licensesInLedger(id), 0);

  // The network comes back: the outbox sends on the `online` event.
  await goOnline(context);
  await waitFor(async () => (await fetch(`${server.url}/api/applications/${id}`)).status === 200);
  assert.equal(licensesInLedger(id), 1);
  // The answer is kept in the application on the device.
  await waitFor(async () => (await stored(again, 'drafts'))[id].license !== null);
  await waitFor(async () => Object.keys(await stored(again, 'outbox')).length === 0);
  await context.close();
});

test('server failures and a connection dropped after the commit still give exactly one license', async () => {
  const { page, id } = await bookstoreReadyToSend();
  let tries = 0;
  await page.route('**/api/applications', async (route) => {
    tries += 1;
    if (tries <= 2) return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable","message":"try later"}' });
    if (tries === 3) {
      // The server commits the license, but the answer never reaches the browser.
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await page.getByRole('button', { name: T.en.send }).click();
  // Backoff is 2 s, 4 s, 8 s: "Try now" skips the wait, as a clerk would.
  for (let i = 0; i < 4 && !(await page.getByRole('heading', { name: T.en.license, level: 1 }).isVisible()); i++) {
    await page.getByText('Not sent yet').waitFor({ timeout: 15_000 }).catch(() => {});
    const tryNow = page.getByRole('button', { name: 'Try now' });
    if (await tryNow.isVisible()) await tryNow.click();
    await page.waitForTimeout(300);
  }
  await page.getByRole('heading', { name: T.en.license, level: 1 }).waitFor({ timeout: 20_000 });
  assert.ok(tries >= 4, `the outbox retried (${tries} tries)`);
  assert.equal(licensesInLedger(id), 1);
  await page.context().close();
});


/** What the outbox says, in each language (frontend/src/i18n.rs). */
const OUTBOX = {
  zh: {
    heading: '申请已放入发件箱', offline: '这台设备现在连不上服务器', nextTry: /会在 \d\d:\d\d 左右自动重试/,
    readOnly: '不能再修改', withdraw: '撤回并修改', mayClear: '此浏览器可能在空间不足时清除',
  },
  en: {
    heading: 'Your application is in the outbox', offline: 'This device cannot reach the server',
    nextTry: /It is tried again by itself at \d\d:\d\d/, readOnly: 'can no longer be edited',
    withdraw: 'Withdraw and edit', mayClear: 'This browser may clear applications',
  },
};

for (const [lang, viewport] of [['en', undefined], ['zh', { width: 390, height: 844 }]]) {
  test(`offline (${lang}, ${viewport ? 'phone' : 'desktop'}): plain words, read-only once queued, withdrawn only on request`, async () => {
    const o = OUTBOX[lang];
    const { page, id } = await bookstoreReadyToSend({ lang, viewport });
    const context = page.context();
    await goOffline(context);
    await page.getByRole('button', { name: T[lang].send }).click();
    await page.getByRole('heading', { name: o.heading }).waitFor();
    await page.getByText(o.offline).waitFor({ timeout: 15_000 });
    await page.getByText(o.nextTry).waitFor();
    // Headless Chromium refuses persistent storage to a site without engagement: with an
    // application unsent, the warning is true here, and said.
    await page.getByText(o.mayClear).waitFor();
    // No raw browser or library text reaches the page.
    const text = await page.locator('main').innerText();
    for (const raw of ['TypeError', 'Failed to fetch', 'network:', 'unreadable answer']) {
      assert.ok(!text.includes(raw), `no "${raw}" on the page:\n${text}`);
    }

    // Reloaded (still offline), the application opens as waiting to be sent, not as a form.
    await page.reload();
    await page.getByRole('heading', { name: o.heading }).waitFor();
    await page.getByText(o.readOnly).waitFor();
    assert.equal(await page.getByRole('textbox').count(), 0, 'nothing to type into: it was sent');
    assert.equal(Object.keys(await stored(page, 'outbox')).length, 1);

    // "Withdraw and edit" is an explicit choice, confirmed; cancelled, nothing changes.
    page.once('dialog', (dialog) => dialog.dismiss());
    await page.getByRole('button', { name: o.withdraw }).click();
    await page.getByText(o.readOnly).waitFor();
    assert.equal(Object.keys(await stored(page, 'outbox')).length, 1);
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: o.withdraw }).click();
    await page.getByRole('heading', { name: T[lang].check, level: 1 }).waitFor();
    await waitFor(async () => Object.keys(await stored(page, 'outbox')).length === 0);

    // Back online, sent again from the check page: one license, and no storage warning for
    // someone whose applications have all gone out.
    await goOnline(context);
    await page.getByRole('button', { name: T[lang].send }).click();
    await page.getByRole('heading', { name: T[lang].license, level: 1 }).waitFor({ timeout: 20_000 });
    assert.equal(licensesInLedger(id), 1);
    const fresh = await context.newPage();
    await fresh.goto(server.url);
    await fresh.getByRole('button', { name: T[lang].continueSaved }).click();
    await fresh.getByRole('heading', { name: T[lang].drafts }).waitFor();
    await fresh.waitForTimeout(300);
    assert.equal(await fresh.getByText(o.mayClear).count(), 0, 'no storage warning when nothing is at risk');
    await context.close();
  });
}

test('over plain http, where browsers give no service worker, the app still starts and sends', async () => {
  // yiye.test is this server over http: not a secure context (127.0.0.1 would be one).
  const insecure = await launchBrowser(['--host-resolver-rules=MAP yiye.test 127.0.0.1']);
  try {
    const page = await openApp(insecure, server.url.replace('127.0.0.1', 'yiye.test'), { lang: 'en' });
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    await chooseIndustry(page, catalog, 'bookstore', 'en');
    await answerScope(page, catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 120 }, 'en');
    await page.getByRole('button', { name: T.en.continue, exact: true }).click();
    await completeForm(page, catalog, { lang: 'en' });
    await sendApplication(page, 'en');
    assert.deepEqual(page.errors, [], 'no script errors');
  } finally {
    await insecure.close();
  }
});
