// Clerk mode: one shared device, several applicants, hours offline. Three applications filled
// and sent with no network wait in the outbox; one sync issues three licenses, each with its
// own applicant's data; nothing of one applicant pre-fills another's form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { goOffline, goOnline, waitFor } from './harness.mjs';
import { startApp, stopApp, openApp, chooseIndustry, answerScope, completeForm, stored, T } from './applicant-helpers.mjs';

let server;
let browser;
let catalog;

before(async () => ({ server, browser, catalog } = await startApp()));
after(() => stopApp({ server, browser }));

const APPLICANTS = ['甲书店', '乙书店', '丙书店'];

async function startBookstore(page) {
  await page.getByRole('button', { name: 'Yiye — one industry, one license' }).click();
  await chooseIndustry(page, catalog, 'bookstore', 'en');
  await answerScope(page, catalog, { sells_food: false, has_outdoor_sign: false, floor_area_m2: 80 }, 'en');
  await page.getByRole('button', { name: T.en.continue, exact: true }).click();
  await page.getByRole('heading', { name: T.en.form }).waitFor();
}

test('three applicants offline, one sync: three licenses, no data crossing', async () => {
  const page = await openApp(browser, server.url, { lang: 'en' });
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  const clerk = page.getByRole('button', { name: 'Clerk mode' });
  await clerk.click();
  assert.equal(await clerk.getAttribute('aria-pressed'), 'true');
  await goOffline(page.context());

  for (const [i, name] of APPLICANTS.entries()) {
    await startBookstore(page);
    // Nothing is carried over from the applicant before.
    assert.equal(await page.getByLabel('Postal code', { exact: true }).inputValue(), '');
    assert.equal(await page.getByText('From your saved profile').count(), 0);
    await completeForm(page, catalog, {
      lang: 'en',
      overrides: { business_name: name, postal_code: `20012${i}`, legal_rep_name: `代表${i}` },
    });
    await page.getByRole('button', { name: T.en.send }).click();
    await page.getByRole('heading', { name: 'Your application is in the outbox' }).waitFor();
  }
  await page.getByRole('button', { name: 'Yiye — one industry, one license' }).click();
  await page.getByRole('button', { name: /Continue a saved application/ }).click();
  assert.equal(await page.getByText('In the outbox, waiting to be sent').count(), 3);

  // One sync.
  await goOnline(page.context());
  const drafts = async () => Object.values(await stored(page, 'drafts'));
  await waitFor(async () => (await drafts()).filter((d) => d.license).length >= 3, 30_000);
  const issued = (await drafts()).filter((d) => d.license);
  assert.equal(issued.length, 3);
  for (const draft of issued) {
    // Each license carries its own applicant's data.
    assert.equal(draft.license.claims.business_name, draft.values.business_name);
    assert.equal(draft.license.claims.legal_representative, draft.values.legal_rep_name);
    const status = await (await fetch(`${server.url}/api/applications/${draft.id}`)).json();
    assert.equal(status.license_number, draft.license.number);
  }
  assert.deepEqual(issued.map((d) => d.values.business_name).sort(), [...APPLICANTS].sort());
  assert.equal(new Set(issued.map((d) => d.license.number)).size, 3);
  // No profile was kept, so the next applicant starts blank too.
  assert.equal((await stored(page, 'device')).profile, undefined);
  await startBookstore(page);
  assert.equal(await page.getByLabel('Postal code', { exact: true }).inputValue(), '');
  await page.context().close();
});
