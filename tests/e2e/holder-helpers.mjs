// The holder's side in the applicant app, for the end-to-end tests: a license issued through
// the app, "My licenses", a change typed there and a cancellation, by visible labels and roles.
import assert from 'node:assert/strict';
import {
  openApp, chooseIndustry, answerScope, completeForm, continueStep, fieldControl, sendApplication,
  openApplication, escape, T,
} from './applicant-helpers.mjs';

/** The texts of frontend/src/i18n.rs these tests look for. */
export const H = {
  zh: {
    brand: '一业一证', licenses: '我的许可证', version: '版本', status: '状态', valid: '有效', firstIssue: '首次发证',
    changeOf: '变更：', change: '变更', cancel: '注销', cancelled: '已注销', whatChanges: '变更内容',
    outbox: '申请已放入发件箱',
  },
  en: {
    brand: 'Yiye — one industry, one license', licenses: 'My licenses', version: 'Version', status: 'Status', valid: 'Valid',
    firstIssue: 'First issue', changeOf: 'Change of ', change: 'Change', cancel: 'Cancel license',
    cancelled: 'Cancelled by the holder', whatChanges: 'What changes', outbox: 'Your application is in the outbox',
  },
};

/** Permits a department reviews first (food, drugs): answered "no", so every permit of the
 *  convenience store is granted on commitment and the license is issued at once. */
const REVIEWED = new Set(['sells_food', 'sells_drugs']);

function scope(catalog) {
  const industry = catalog.industries.get('convenience_store');
  return Object.fromEntries(industry.questions.map((q) => {
    const question = catalog.questions.get(q);
    return [q, question.kind === 'yes_no' ? !REVIEWED.has(q) : Math.max(question.min ?? 1, 1)];
  }));
}

/** A license issued in the app of `app` (`{ server, browser, catalog }`): the page on it, its
 *  number, term's end, QR text, legal representative and the application's id. */
export async function licensed({ server, browser, catalog }, lang, viewport) {
  const page = await openApp(browser, server.url, { lang, viewport });
  await chooseIndustry(page, catalog, 'convenience_store', lang);
  await answerScope(page, catalog, scope(catalog), lang);
  await page.getByRole('button', { name: T[lang].continue, exact: true }).click();
  await completeForm(page, catalog, { lang });
  const answer = await sendApplication(page, lang);
  assert.equal(answer.license.claims.version ?? 1, 1);
  const { number, claims, valid_until: until, qr_text: qrText } = answer.license;
  return { page, number, until, qrText, representative: claims.legal_representative, first: openApplication(page) };
}

/** Start page → My licenses; the card of license `number`. */
export async function myLicenses(page, lang, number) {
  const h = H[lang];
  await page.getByRole('button', { name: h.brand }).click();
  await page.getByRole('button', { name: new RegExp(`^${h.licenses}`) }).click();
  await page.getByRole('heading', { name: h.licenses, level: 1 }).waitFor();
  return page.getByRole('listitem').filter({ hasText: number }).first();
}

/** A data row of a card (term → definition). */
export function row(card, term) {
  return card.locator('.summary-row').filter({ has: card.page().getByRole('term').filter({ hasText: new RegExp(`^${escape(term)}$`) }) })
    .getByRole('definition');
}

/** "Change" on the card, the new representative typed on the step asking it and nothing else
 *  but the declaration, up to the check page. */
export async function changeRepresentative({ catalog }, page, lang, card, number, representative) {
  await card.getByRole('button', { name: `${H[lang].change} ${number}` }).click();
  const field = catalog.fields.get('legal_rep_name');
  for (let step = 0; step < 20 && await fieldControl(page, field, lang).count() === 0; step++) {
    assert.equal(await continueStep(page, lang), 'step', 'the pre-filled steps before it are complete');
  }
  await fieldControl(page, field, lang).fill(representative);
  const filled = await completeForm(page, catalog, { lang });
  assert.deepEqual(filled, ['declaration'], 'only the declaration is asked again');
}

/** "Cancel" on the card of license `number`, giving `reason` in the confirmation; resolves
 *  once the app says the cancellation was received. */
export async function cancelLicense(page, lang, card, number, reason) {
  page.once('dialog', (dialog) => dialog.accept(reason));
  await card.getByRole('button', { name: `${H[lang].cancel} ${number}` }).click();
  await page.getByRole('heading', { name: T[lang].received, level: 1 }).waitFor();
  await page.getByText(H[lang].cancelled, { exact: true }).waitFor();
}
