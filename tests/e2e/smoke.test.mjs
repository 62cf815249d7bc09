// The product answers: the web app renders from its wasm bundle in headless Chromium, the API
// serves the development public key, and the private key appears nowhere in dist/ or the repo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, DIST, ROOT } from './harness.mjs';
import { findKeyFiles, secretEncodings, filesContaining, containsSecret } from './keys.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('GET /api/keys answers with the development public key', async () => {
  const response = await fetch(`${server.url}/api/keys`);
  assert.equal(response.status, 200);
  const served = await response.json();
  const [keyFile] = findKeyFiles(server.data);
  assert.ok(keyFile, 'the server created a development key on first run');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the private key file is readable by its owner only');
  const onDisk = JSON.parse(readFileSync(join(keyFile, '..', 'keyset.json'), 'utf8'));
  assert.deepEqual(served.keys.map((k) => k.public_key), onDisk.keys.map((k) => k.public_key));
  assert.match(served.keys[0].public_key, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(served).includes('secret'), 'no secret field in the key set');
});

test('the start page renders from the wasm bundle', async () => {
  const page = await browser.newPage({ locale: 'zh-CN' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  // This heading exists only in the Rust code: it can appear only if the wasm bundle ran.
  const heading = page.getByRole('heading', { name: '您想做什么？' });
  await heading.waitFor({ timeout: 20_000 });
  assert.ok(!readFileSync(join(DIST, 'index.html'), 'utf8').includes('您想做什么'),
    'the heading is not in the static HTML');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // The app fetched the key set from the API and shows the key id.
  const kid = (await (await fetch(`${server.url}/api/keys`)).json()).keys[0].kid;
  await page.getByText(kid).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the private key is nowhere in dist/ or in the tracked files', () => {
  const secret = secretEncodings(findKeyFiles(server.data)[0]);
  assert.deepEqual(filesContaining(DIST, secret), []);
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter(Boolean);
  const leaks = tracked
    .map((file) => join(ROOT, file))
    .filter((path) => existsSync(path) && containsSecret(readFileSync(path), secret));
  assert.deepEqual(leaks, []);
  // No key file of any kind is tracked or built.
  assert.deepEqual(tracked.filter((f) => f.endsWith('signing-key.json')), []);
  assert.deepEqual(findKeyFiles(DIST), []);
});
