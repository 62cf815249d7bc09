// Helpers for the inspector's end-to-end tests: real licenses from the real server and the
// signer CLI, drawn as QR codes and written as YUV4MPEG2 video for Chromium's fake camera.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, goOffline, goOnline } from './harness.mjs';
import { loadCatalog, validValue } from './applicant-helpers.mjs';

const SIGNER_BIN = process.env.YIYE_SIGNER_BIN ?? join(ROOT, 'target', 'debug', 'signer');
const QR_SVG_BIN = process.env.YIYE_QR_SVG_BIN ?? join(ROOT, 'target', 'debug', 'qr-svg');
export const WIDTH = 1280;
export const HEIGHT = 720;

/** Permits a department reviews first (food, drugs): left out, so the license is issued at
 *  once on the applicant's commitments. */
const REVIEWED = new Set(['sells_food', 'sells_drugs']);

/** A license issued by the server for a convenience store: fills what its 422s ask for. Its
 *  premises are in `division` (a district code) at `detail`. */
export async function issueLicense(url, id, businessName, { division = '310115', detail = '世纪大道100号' } = {}) {
  const catalog = await loadCatalog(url);
  const industry = catalog.industries.get('convenience_store');
  const scope = Object.fromEntries(industry.questions.map((q) => {
    const question = catalog.questions.get(q);
    return [q, question.kind === 'yes_no' ? !REVIEWED.has(q) : Math.max(question.min ?? 1, 1)];
  }));
  const values = {
    business_name: businessName, credit_code: '91310115L12TH3BJ31', address_division: division,
    address_detail: detail, legal_rep_name: '王建国',
  };
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const response = await fetch(`${url}/api/applications`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, industry: industry.id, scope, values }),
    });
    const body = await response.json();
    if (response.status === 201) return body.license;
    if (response.status !== 422) throw new Error(`application: ${response.status} ${JSON.stringify(body)}`);
    for (const field of Object.keys(body.fields ?? {})) {
      const def = catalog.fields.get(field);
      const option = def.options?.[0];
      values[field] = def.kind === 'yes_no' ? 'yes' : (option?.v ?? option?.value ?? validValue(def));
    }
  }
  throw new Error('the server kept refusing the application');
}

/** The QR text with one base45 character of the signature changed: what the server at `url`
 *  says is `signature_invalid` (a change elsewhere may be plain malformed). */
export async function alteredText(url, text) {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  for (let at = text.length - 6; at > text.length - 60; at -= 1) {
    const swapped = alphabet[(alphabet.indexOf(text[at]) + 1) % 10];
    const candidate = text.slice(0, at) + swapped + text.slice(at + 1);
    const answer = await fetch(`${url}/api/verify`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ qr_text: candidate }),
    });
    if (answer.status === 200 && (await answer.json()).reason === 'signature_invalid') return candidate;
  }
  throw new Error('no single-character change gave signature_invalid');
}

/** Revokes the license numbered `number` through the admin API of the server at `url`. */
export async function revoke(url, adminToken, number) {
  const answer = await fetch(`${url}/api/admin/revocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ license_number: number, reason: 'e2e: closed by the authority' }),
  });
  if (answer.status !== 201) throw new Error(`revocation: ${answer.status}`);
}

/** Signs `claims` with a key file through the signer CLI; returns the QR text. */
export function signerIssue(keyFile, claims) {
  const dir = mkdtempSync(join(tmpdir(), 'yiye-claims-'));
  const file = join(dir, 'claims.json');
  writeFileSync(file, JSON.stringify(claims));
  return execFileSync(SIGNER_BIN, ['issue', '--key', keyFile, '--claims', file], { encoding: 'utf8' }).trim();
}

/** A fresh key pair of `issuer` that the server does not know; returns its private key file. */
export function strangerKey(issuer) {
  const dir = mkdtempSync(join(tmpdir(), 'yiye-stranger-'));
  execFileSync(SIGNER_BIN, ['keygen', '--out', dir, '--issuer', issuer], { stdio: 'ignore' });
  return join(dir, 'signing-key.json');
}

/** The QR code of `text` as SVG, drawn by the signer crate like a license. */
export function qrSvg(text) {
  return execFileSync(QR_SVG_BIN, { input: text, encoding: 'utf8' });
}

/**
 * RGBA pixels of a 1280×720 camera frame showing the QR code 320 px wide (about 4 px per
 * module) on a grey wall, slightly rotated. `cover` hides a band of the code so that it cannot be read.
 */
export async function cameraFrame(browser, svg, { cover = false } = {}) {
  const page = await browser.newPage();
  const pixels = await page.evaluate(async ({ svg, width, height, cover }) => {
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    const context = canvas.getContext('2d');
    context.fillStyle = '#9a9a94';
    context.fillRect(0, 0, width, height);
    context.translate(width / 2, height / 2);
    context.rotate(0.12);
    const drawn = 320;
    context.drawImage(image, -drawn / 2, -drawn / 2, drawn, drawn);
    if (cover) { context.fillStyle = '#ffffff'; context.fillRect(-drawn / 2, -drawn / 8, drawn, drawn / 4); }
    // As base64: an array of 3.7 million numbers takes the protocol some 40 s to carry.
    const bytes = context.getImageData(0, 0, width, height).data;
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, { svg, width: WIDTH, height: HEIGHT, cover });
  await page.close();
  return new Uint8Array(Buffer.from(pixels, 'base64'));
}

/** Writes `frames` copies of an RGBA frame as YUV4MPEG2 4:2:0 (BT.601, limited range). */
export function writeY4m(path, rgba, frames = 4) {
  const luma = Buffer.alloc(WIDTH * HEIGHT);
  for (let i = 0; i < WIDTH * HEIGHT; i += 1) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    luma[i] = Math.round(16 + (219 * (0.299 * r + 0.587 * g + 0.114 * b)) / 255);
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128); // grey: no colour
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  writeFileSync(path, Buffer.concat([header, ...Array(frames).fill(frame)]));
}

/** An inspector of the server at `url` in `setup`'s language (`{ locale, viewport }`), after
 *  its first sync of the trust and status lists, then offline: `{ context, page, errors, setup }`. */
export async function openInspector(browser, url, setup) {
  const context = await browser.newContext({ locale: setup.locale, viewport: setup.viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/inspect/`);
  await page.locator('#status-lists-as-of').filter({ hasNotText: /never|从未/ }).waitFor({ timeout: 20_000 });
  await goOffline(context);
  return { context, page, errors, setup };
}

/** For an inspector page (`{ page }`) and its language's labels `t` (again, paste, check):
 *  pastes `text`, checks it, and resolves to the verdict's code and the page's text. */
export async function pasteAndCheck({ page }, t, text) {
  const again = page.getByRole('button', { name: t.again, exact: true });
  if (await again.isVisible()) await again.click();
  await page.getByLabel(t.paste).fill(text);
  await page.getByRole('button', { name: t.check, exact: true }).click();
  const verdict = page.locator('[data-verdict]');
  await verdict.waitFor();
  return { code: await verdict.getAttribute('data-verdict'), text: await page.locator('main').innerText() };
}

/** Checks `text` until its verdict is `want` (a sync's lists may still be being stored), for
 *  up to 10 s; resolves to the last outcome. */
export async function verdictOf(inspector, t, text, want) {
  const until = Date.now() + 10_000;
  for (;;) {
    const outcome = await pasteAndCheck(inspector, t, text);
    if (outcome.code === want || Date.now() > until) return outcome;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Online, presses Refresh (`t.refresh`) and waits for the answer of the URL ending in
 *  `path`; offline again after. */
export async function syncAgain({ page, context }, t, path) {
  const refresh = page.getByRole('button', { name: t.refresh, exact: true });
  await goOnline(context);
  const answered = page.waitForResponse((r) => r.url().endsWith(path));
  await refresh.click();
  await answered;
  await refresh.waitFor();
  await goOffline(context);
}
