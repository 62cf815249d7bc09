// Offline start and updates: the service worker keeps the app on the device, a reload with no
// network starts it with the form in progress intact, and a new build is offered as "reload"
// without losing what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, goOffline, DIST } from './harness.mjs';

let server;
let browser;
let dist;

before(async () => {
  // A private copy of dist/: the update test deploys a "new build" into it.
  dist = mkdtempSync(join(tmpdir(), 'yiye-dist-'));
  cpSync(DIST, dist, { recursive: true });
  server = await startServer({ dist });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dist, { recursive: true, force: true });
});

async function startBookstoreApplication(page) {
  await page.getByRole('button', { name: /Apply for a combined license/ }).click();
  await page.getByLabel('Search industries').fill('book');
  await page.getByRole('button', { name: /Bookstore/ }).click();
  await page.getByLabel('Floor area of the premises').fill('90');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Fill in the merged application' }).waitFor();
  await page.getByLabel('Business name').fill('离线书店 Offline Books');
}

test('with no network the app starts from the device, the form in progress intact', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await startBookstoreApplication(page);

  await goOffline(context);
  // The shell must come from the service worker, not slip through to the network.
  assert.ok((await page.reload()).fromServiceWorker());
  await page.getByRole('heading', { name: 'Fill in the merged application' }).waitFor();
  assert.equal(await page.getByLabel('Business name').inputValue(), '离线书店 Offline Books');

  // Cold start of a new page, offline, to an interactive start page.
  const cold = await context.newPage();
  const started = Date.now();
  assert.ok((await cold.goto(server.url)).fromServiceWorker());
  await cold.getByRole('button', { name: /Apply for a combined license/ }).waitFor();
  console.log(`offline cold start to interactive: ${Date.now() - started} ms`);

  // The inspector starts offline too: the same worker keeps its own bundle.
  const inspector = await context.newPage();
  assert.ok((await inspector.goto(`${server.url}/inspect/`)).fromServiceWorker());
  await inspector.getByRole('heading', { name: 'Scan the license QR code' }).waitFor();
  await context.close();
});

test('a new build is offered as a reload that keeps the form', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload(); // now controlled by the service worker
  await startBookstoreApplication(page);

  // Deploy a "new build": the service worker's build hash changes.
  const sw = join(dist, 'sw.js');
  writeFileSync(sw, readFileSync(sw, 'utf8').replace(/\bBUILD\s*=\s*"([0-9a-f]+)"/, 'BUILD="$1-next"'));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.getByText('A new version is ready').waitFor({ timeout: 20_000 });
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
  await page.getByRole('heading', { name: 'Fill in the merged application' }).waitFor();
  assert.equal(await page.getByLabel('Business name').inputValue(), '离线书店 Offline Books');
  await context.close();
});
