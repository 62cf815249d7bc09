// Where the applicant app keeps its data: IndexedDB. A draft survives the tab closing and the
// browser restarting; an upgrade from the version that kept everything in localStorage moves
// every draft and queued application over (and still sends them); two tabs never overwrite
// each other's queue; without IndexedDB the app falls back to localStorage and says so; a
// refused write is told, not hidden.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPersistentBrowser, goOffline, goOnline, waitFor } from './harness.mjs';
import { startApp, stopApp, openApp, chooseIndustry, answerScope, completeForm, stored, T } from './applicant-helpers.mjs';

let server;
let browser;
let catalog;

before(async () => ({ server, browser, catalog } = await startApp()));
after(() => stopApp({ server, browser }));

async function startBookstore(page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 20_000 });
  await chooseIndustry(page, catalog, 'bookstore', 'en');
  await answerScope(page, catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 120 }, 'en');
  await page.getByRole('button', { name: T.en.continue, exact: true }).click();
  await page.getByRole('heading', { name: T.en.form }).waitFor();
}

/** localStorage items whose name says they hold the app's data (not its preferences). */
const dataInLocalStorage = (page) => page.evaluate(() => Object.keys(localStorage)
  .filter((name) => /drafts|outbox|profile|registry|tracking|device|clerk/.test(name)));

test('a draft survives closing the tab and restarting the browser, kept in IndexedDB', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'yiye-profile-'));
  try {
    let context = await launchPersistentBrowser(profile, { locale: 'en-GB' });
    let page = await context.newPage();
    await page.goto(server.url);
    await startBookstore(page);
    await page.getByLabel('Business name').fill('重启书店 Restart Books');
    await page.getByLabel('Postal code', { exact: true }).fill('200120');
    // Closed at once, without waiting for the pause in typing: the write is made on the way out.
    await page.close();
    await context.close();

    context = await launchPersistentBrowser(profile, { locale: 'en-GB' });
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('heading', { name: T.en.start }).waitFor({ timeout: 20_000 });
    const drafts = Object.values(await stored(page, 'drafts'));
    assert.equal(drafts.length, 1);
    assert.equal(drafts[0].values.business_name, '重启书店 Restart Books');
    assert.equal(drafts[0].values.postal_code, '200120');
    assert.deepEqual(await dataInLocalStorage(page), []);

    await page.getByRole('button', { name: /Continue a saved application/ }).click();
    await page.getByRole('button', { name: /^Resume/ }).click();
    await page.getByRole('heading', { name: T.en.form }).waitFor();
    assert.equal(await page.getByLabel('Business name').inputValue(), '重启书店 Restart Books');
    assert.equal(await page.getByLabel('Postal code', { exact: true }).inputValue(), '200120');
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('upgrading from the localStorage version moves drafts and queued applications, which are then sent', async () => {
  // The previous version kept whole collections as localStorage items: "yiye.drafts" (by id),
  // "yiye.outbox" (a list), "yiye.profile", "yiye.clerk_mode". The records themselves are the
  // same Rust types, so a real queued application made by this build gives their content.
  const page = await openApp(browser, server.url, { lang: 'en' });
  const context = page.context();
  // The app must start offline later: from its service worker.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await goOffline(context);
  await startBookstore(page);
  await completeForm(page, catalog, { lang: 'en', overrides: { business_name: '升级书店 Upgrade Books' } });
  await page.getByRole('button', { name: T.en.send }).click();
  await page.getByRole('heading', { name: 'Your application is in the outbox' }).waitFor();
  const [drafts, outbox] = [await stored(page, 'drafts'), await stored(page, 'outbox')];
  const [id] = Object.keys(outbox);
  assert.ok(drafts[id], 'Send keeps the draft on the device too');
  await page.close();

  // Back to what the old version left on the device, before any script of the next page runs:
  // no database (the app's open waits for the deletion), the data in localStorage.
  await context.addInitScript(({ drafts, outbox }) => {
    indexedDB.deleteDatabase('yiye');
    localStorage.setItem('yiye.drafts', JSON.stringify(drafts));
    localStorage.setItem('yiye.outbox', JSON.stringify(Object.values(outbox)));
    localStorage.setItem('yiye.profile', JSON.stringify({ phone: '13812345678' }));
    localStorage.setItem('yiye.clerk_mode', 'false');
  }, { drafts, outbox });

  // The new version starts, still offline: everything is in IndexedDB, nothing left behind.
  const upgraded = await context.newPage();
  await upgraded.goto(server.url);
  await upgraded.getByRole('button', { name: /Continue a saved application/ }).click();
  await upgraded.getByText('In the outbox, waiting to be sent').waitFor();
  assert.deepEqual(Object.keys(await stored(upgraded, 'outbox')), [id]);
  assert.equal((await stored(upgraded, 'drafts'))[id].values.business_name, '升级书店 Upgrade Books');
  assert.deepEqual((await stored(upgraded, 'device')).profile, { phone: '13812345678' });
  assert.deepEqual(await dataInLocalStorage(upgraded), []);

  // The network comes back: the migrated outbox sends, and the license lands in the draft.
  await goOnline(context);
  await waitFor(async () => (await fetch(`${server.url}/api/applications/${id}`)).status === 200);
  await waitFor(async () => (await stored(upgraded, 'drafts'))[id].license !== null);
  await waitFor(async () => Object.keys(await stored(upgraded, 'outbox')).length === 0);
  await context.close();
});

test('two tabs queue side by side; one tab sends both and files the other tab\'s license', async () => {
  const first = await openApp(browser, server.url, { lang: 'en' });
  const context = first.context();
  const second = await context.newPage();
  await second.goto(server.url);
  await goOffline(context);
  const ids = [];
  for (const [page, name] of [[first, '甲书店 First Books'], [second, '乙书店 Second Books']]) {
    await page.bringToFront(); // a background tab's timers are throttled
    await startBookstore(page);
    await completeForm(page, catalog, { lang: 'en', overrides: { business_name: name } });
    await page.getByRole('button', { name: T.en.send }).click();
    await page.getByRole('heading', { name: 'Your application is in the outbox' }).waitFor();
    ids.push(await page.evaluate(() => JSON.parse(sessionStorage.getItem('yiye.current'))));
  }
  // Each tab wrote its own record: neither replaced the other's queue.
  assert.deepEqual(Object.keys(await stored(first, 'outbox')).sort(), [...ids].sort());
  await second.close();

  // Only the first tab is left: it sends both, and keeps each license in its own draft,
  // including the draft the first tab never had in memory.
  await goOnline(context);
  for (const id of ids) {
    await waitFor(async () => (await stored(first, 'drafts'))[id]?.license);
  }
  const drafts = await stored(first, 'drafts');
  assert.equal(drafts[ids[1]].license.claims.business_name, '乙书店 Second Books');
  assert.deepEqual(await stored(first, 'outbox'), {});
  await context.close();
});

test('without IndexedDB the app keeps drafts in localStorage and says so', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  // As in a private mode that offers no IndexedDB.
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
  const page = await context.newPage();
  await page.goto(server.url);
  await startBookstore(page);
  await page.getByLabel('Business name').fill('无库书店 No-DB Books');
  await waitFor(async () => (await dataInLocalStorage(page)).some((name) => name.startsWith('yiye/drafts/')));
  await page.reload();
  await page.getByRole('heading', { name: T.en.form }).waitFor();
  assert.equal(await page.getByLabel('Business name').inputValue(), '无库书店 No-DB Books');
  await page.getByRole('button', { name: 'Yiye — one industry, one license' }).click();
  await page.getByRole('button', { name: /Continue a saved application/ }).click();
  await page.getByText('This browser offers no IndexedDB').waitFor();
  await context.close();
});

test('a write the device refuses is told on the page at once', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(server.url);
  await startBookstore(page);
  assert.equal(await page.getByRole('alert').count(), 0);
  // The disk fills up while the applicant types.
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.getByLabel('Business name').fill('满盘书店 Full Disk Books');
  await page.getByRole('alert').filter({ hasText: 'This device could not save your latest changes' }).waitFor();
  await context.close();
});
