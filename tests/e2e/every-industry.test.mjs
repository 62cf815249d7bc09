// Every industry of the catalog, walked through the real UI to an issued license, driven only
// by visible labels and roles (applicant-helpers.mjs). A broken industry is a broken product:
// the list comes from the server's catalog, so a new industry is walked without a new test.
// The walks alternate Chinese and English, a 390 px phone and a desktop, and an enterprise the
// registry knows (its data pre-filled) and one it does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as H from './applicant-helpers.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** A registered enterprise of server/data/registry.json, and a valid code it does not know. */
const REGISTERED = '91310115L12TH3BJ31';
const UNREGISTERED = '91110108551385082Q';

let app;

before(async () => {
  app = await H.startApp();
});

after(async () => {
  await H.stopApp(app ?? {});
});

/** Every permit switched on: each yes/no question answered yes, each number from 300 m² up
 *  (where the fire safety inspection starts) within the question's range. */
function fullScope(industry) {
  return Object.fromEntries(industry.questions.map((qid) => {
    const q = app.catalog.questions.get(qid);
    return [qid, q.kind === 'yes_no' ? true : Math.min(Math.max(350, q.min ?? 0), q.max ?? 350)];
  }));
}

test('every industry of the catalog can be finished to a license, by labels and roles', async () => {
  const industries = [...app.catalog.industries.values()];
  assert.ok(industries.length >= 22, `the catalog lists ${industries.length} industries`);
  const walked = [];
  for (const [i, industry] of industries.entries()) {
    const lang = i % 2 === 0 ? 'zh' : 'en';
    const viewport = Math.floor(i / 2) % 2 === 0 ? PHONE : DESKTOP;
    const creditCode = Math.floor(i / 4) % 2 === 0 ? REGISTERED : UNREGISTERED;
    const where = `${industry.id} (${lang}, ${viewport.width} px, ${creditCode})`;
    const page = await H.openApp(app.browser, app.server.url, { lang, viewport });
    const t = H.T[lang];
    try {
      await H.chooseIndustry(page, app.catalog, industry.id, lang);
      await H.answerScope(page, app.catalog, fullScope(industry), lang);
      const listed = await H.listedPermits(page, lang);
      assert.ok(listed.length > 0, `${where}: the scope page lists the permits`);
      await page.getByRole('button', { name: t.continue, exact: true }).click();
      await page.getByRole('heading', { name: t.form, level: 1 }).waitFor();
      await H.completeForm(page, app.catalog, { lang, overrides: { credit_code: creditCode } });
      // Permits that need a review are decided by their departments' systems (the machine
      // route), after an on-site inspection where the catalog asks for one.
      const issued = await H.sendApplication(page, lang, app);
      assert.ok(issued?.license, `${where}: the server answered with the license`);
      const { license } = issued;
      // The license page shows the license number and every permit the scope page promised.
      const article = page.getByRole('article');
      await article.getByText(license.number, { exact: false }).first().waitFor();
      const text = await article.innerText();
      for (const permit of listed) {
        const name = permit.split(/\s*[—(（:：]/)[0].trim();
        assert.ok(text.includes(name), `${where}: the license names the permit "${name}"`);
      }
      assert.equal(license.permits.length, listed.length, `${where}: one license permit per listed permit`);
      assert.deepEqual(page.errors, [], `${where}: no script errors`);
      walked.push(industry.id);
    } catch (e) {
      e.message = `${where}: ${e.message}`;
      throw e;
    } finally {
      await page.context().close();
    }
  }
  assert.equal(walked.length, industries.length);
});
