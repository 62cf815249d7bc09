// bench/run: every figure that says how good Yiye is, measured in one run, printed as one table
// (Markdown) and written as JSON to target/bench/latest.json. See `bench/run --help`.
//
// It runs the project's own benchmarks with YIYE_BENCH_JSON set (their printed output stays as
// it is; the full logs go to target/bench/logs/) and measures the rest in headless Chromium
// against the real release server. Nothing is hard-coded except reference values, which the
// table labels as such.
import { spawn, execFileSync } from 'node:child_process';
import {
  existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream, statSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve, relative } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'target', 'bench');
const LOGS = join(OUT, 'logs');
const PARTS = ['catalog', 'credential', 'status', 'server', 'bundles', 'browser'];
/** Reference values: not measured here, printed beside our figures and labelled as such. */
const REFERENCE = {
  eu_dcc_median_qr_version_q: 18, // EU Digital COVID Certificate, median QR version at level Q
};
/** The QR budget of a server-issued license at level Q (issue 15; asserted by the server test
 *  `every_industrys_license_fits_the_qr_budget`). */
const QR_BUDGET = { median: 13, max: 14 };
/** The signed status list's budget for 100,000 license versions (issue 18), KB gzip. */
const STATUS_LIST_BUDGET_KB = 30;

const HELP = `Usage: bench/run [--quick] [--skip PARTS] [--only PARTS] [--no-build] [--json FILE]

Runs every benchmark of Yiye and prints one table; writes the same as JSON
(default target/bench/latest.json). Parts: ${PARTS.join(', ')}.

  --quick        shorter server load phases (2 s instead of 5 s) and fewer browser rounds
  --skip a,b     leave parts out (e.g. --skip browser,server)
  --only a,b     run only these parts
  --no-build     use the web app already built in dist/ instead of running trunk build
  --json FILE    where to write the JSON (default target/bench/latest.json)

Run it after the README set-up (scripts/run or scripts/test install the tools).
Logs of every step: target/bench/logs/.`;

// ---------------------------------------------------------------- arguments

const opts = { quick: false, parts: new Set(PARTS), build: true, json: join(OUT, 'latest.json') };
{
  const argv = process.argv.slice(2);
  const list = (v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { console.log(HELP); process.exit(0); }
    else if (a === '--quick') opts.quick = true;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--skip') for (const p of list(argv[++i])) opts.parts.delete(p);
    else if (a === '--only') opts.parts = new Set(list(argv[++i]));
    else if (a === '--json') opts.json = resolve(argv[++i]);
    else { console.error(`unknown argument: ${a}\n\n${HELP}`); process.exit(2); }
  }
  for (const p of opts.parts) {
    if (!PARTS.includes(p)) { console.error(`unknown part: ${p} (parts: ${PARTS.join(', ')})`); process.exit(2); }
  }
}

mkdirSync(LOGS, { recursive: true });
const started = Date.now();
const note = (msg) => process.stderr.write(`bench: ${msg}\n`);

/** Runs a command from the repository root, its output into a log file; resolves with stdout. */
function run(name, cmd, args, { env = {}, cwd = ROOT } = {}) {
  const logPath = join(LOGS, `${name}.log`);
  note(`${cmd} ${args.join(' ')}  (log: ${relative(ROOT, logPath)})`);
  const log = createWriteStream(logPath);
  const t0 = Date.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; log.write(d); });
    child.stderr.on('data', (d) => log.write(d));
    child.on('error', reject);
    child.on('close', (code) => {
      log.end();
      const seconds = (Date.now() - t0) / 1000;
      if (code === 0) resolveRun({ stdout, seconds });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}; see ${relative(ROOT, logPath)}`));
    });
  });
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const max = (xs) => (xs.length ? Math.max(...xs) : null);

// ---------------------------------------------------------------- parts

const result = {
  tool: 'bench/run',
  commit: git(['rev-parse', 'HEAD']),
  dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
  started_at: new Date(started).toISOString(),
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    load_average_at_start: loadavg()[0],
  },
  options: { quick: opts.quick, parts: [...opts.parts], build: opts.build },
  reference: REFERENCE,
  seconds: {},
  errors: {},
};

function git(args) {
  try { return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

async function part(name, fn) {
  if (!opts.parts.has(name)) { result[name] = { skipped: true }; return; }
  const t0 = Date.now();
  try {
    result[name] = await fn();
  } catch (e) {
    note(`${name} failed: ${e.message}`);
    result.errors[name] = e.message;
    result[name] = { failed: e.message };
  }
  result.seconds[name] = (Date.now() - t0) / 1000;
}

await part('catalog', async () => {
  const { stdout } = await run('catalog', 'cargo', ['run', '--release', '--quiet', '-p', 'catalog', '--bin', 'catalog-report', '--', '--json']);
  return JSON.parse(stdout);
});

await part('credential', async () => {
  const path = join(OUT, 'credential.json');
  await run('credential', 'cargo', ['bench', '-p', 'signer', '--bench', 'credential'], { env: { YIYE_BENCH_JSON: path } });
  return readJson(path);
});

await part('status', async () => {
  const { stdout } = await run('status', 'cargo', ['run', '--release', '--quiet', '-p', 'signer', '--example', 'status-size']);
  const found = stdout.match(/status list, (\d+) versions: [\d.]+ KB gzip \((\d+) bytes of JSON, (\d+) gzip\)/);
  if (!found) throw new Error(`unexpected output: ${stdout}`);
  return { versions: Number(found[1]), json_bytes: Number(found[2]), gzip_bytes: Number(found[3]) };
});

await part('server', async () => {
  const path = join(OUT, 'server.json');
  const env = { YIYE_BENCH_JSON: path, ...(opts.quick ? { LOAD_SECONDS: '2' } : {}) };
  await run('server', 'cargo', ['bench', '-p', 'server', '--bench', 'load'], { env });
  return readJson(path);
});

await part('bundles', async () => {
  const builds = {};
  if (opts.build) {
    builds.applicant_s = (await run('trunk-applicant', 'trunk', ['build', '--config', 'Trunk.toml'])).seconds;
    if (existsSync(join(ROOT, 'Trunk.inspector.toml'))) {
      builds.inspector_s = (await run('trunk-inspector', 'trunk', ['build', '--config', 'Trunk.inspector.toml'])).seconds;
    }
    // As scripts/lib.sh builds it: without sw.js the app has no service worker to register.
    await run('service-worker', 'node', [join(ROOT, 'scripts', 'service-worker.mjs'), join(ROOT, 'dist')]);
  }
  const dist = join(ROOT, 'dist');
  return {
    builds,
    applicant: firstLoad(dist, join(dist, 'index.html')),
    inspector: firstLoad(dist, join(dist, 'inspect', 'index.html')),
    // Not in the inspector's first load: its QR decoder's Web Worker, fetched when scanning starts.
    inspector_decoder: firstLoad(dist, join(dist, 'inspect', 'qr-decoder-worker.js')),
  };
});

await part('browser', browserPart);

result.machine.load_average_at_end = loadavg()[0];
result.seconds.total = (Date.now() - started) / 1000;
mkdirSync(dirname(opts.json), { recursive: true });
writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
const table = render(result);
console.log(table);
writeFileSync(join(OUT, 'latest.md'), `${table}\n`);
note(`JSON: ${relative(ROOT, opts.json)}, table: ${relative(ROOT, join(OUT, 'latest.md'))}`);
process.exit(Object.keys(result.errors).length ? 1 : 0);

// ---------------------------------------------------------------- bundles

/**
 * The files a first visit loads: what index.html references (scripts, styles, manifest, icon)
 * and what those scripts import (the JS glue and the wasm), each raw, gzip -9 and brotli 11.
 * Given a worker script instead of index.html: that script and what it imports.
 */
function firstLoad(dist, indexPath) {
  if (!existsSync(indexPath)) return { built: false };
  const files = new Map();
  const add = (path) => {
    if (files.has(path) || !existsSync(path) || !statSync(path).isFile()) return;
    const raw = readFileSync(path);
    // The build writes .gz and .br next to each asset (scripts/post-build.mjs); the server sends
    // those. Measure them when present, else compress here the same way.
    const gz = existsSync(`${path}.gz`) ? statSync(`${path}.gz`).size : gzipSync(raw, { level: 9 }).length;
    const br = existsSync(`${path}.br`) ? statSync(`${path}.br`).size : brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }).length;
    files.set(path, { file: relative(dist, path), raw: raw.length, gzip: gz, brotli: br });
    if (/\.js$/.test(path)) {
      const text = raw.toString('utf8');
      for (const m of text.matchAll(/["'`]([^"'`\s]+\.(?:js|wasm))["'`]/g)) add(resolveRef(dist, path, m[1]));
    }
  };
  add(indexPath);
  const html = readFileSync(indexPath, 'utf8');
  for (const m of html.matchAll(/\s(?:src|href)=(?:"([^"]+)"|([^"\s>]+))/g)) {
    // Trunk's HTML minifier drops the quotes where it can.
    const ref = m[1] ?? m[2];
    if (/^[a-z]+:/i.test(ref) || ref.startsWith('//')) continue;
    add(resolveRef(dist, indexPath, ref));
  }
  const list = [...files.values()];
  const sum = (k) => list.reduce((s, f) => s + f[k], 0);
  return { built: true, files: list, total: { raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') } };
}

function resolveRef(dist, from, ref) {
  const clean = ref.split(/[?#]/)[0];
  return clean.startsWith('/') ? join(dist, clean) : join(dirname(from), clean);
}

// ---------------------------------------------------------------- browser

async function browserPart() {
  const out = {};
  // The real release server (the one `scripts/run` starts), serving dist/.
  await run('build-server', 'cargo', ['build', '--release', '-p', 'server', '--bin', 'server']);
  process.env.YIYE_SERVER_BIN = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release', 'server');
  const { startServer, launchBrowser } = await import('../tests/e2e/harness.mjs');
  const rounds = opts.quick ? 3 : 7;
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    if (existsSync(join(ROOT, 'dist', 'index.html'))) {
      out.applicant_start = await coldStart(browser, `${server.url}/`, rounds);
    } else {
      out.applicant_start = { skipped: 'dist/ not built' };
    }
    out.wasm = await wasmTimings(browser);
    out.journey = existsSync(join(ROOT, 'dist', 'index.html'))
      ? await journey(browser, server.url)
      : { skipped: 'dist/ not built' };
  } finally {
    await browser.close();
  }
  const cameraBrowser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  try {
    out.frame_decode = existsSync(join(ROOT, 'dist', 'inspect', 'index.html'))
      ? await frameDecode(cameraBrowser, `${server.url}/inspect/`)
      : { pending: 'issue 8: the inspector (dist/inspect/) is not built' };
  } finally {
    await cameraBrowser.close();
    await server.stop();
  }
  return out;
}

/**
 * What the applicant does, counted through the real UI as the end-to-end tests drive it: a
 * registered convenience store (the registry pre-fills what it knows) on a 390 px phone, every
 * permit switched on, walked to its license. Answers are the scope questions plus every field
 * the walk had to fill because the form asked for it (typed, or chosen from a list).
 */
async function journey(browser, url) {
  const H = await import('../tests/e2e/applicant-helpers.mjs');
  const catalog = await H.loadCatalog(url);
  const industry = catalog.industries.get('convenience_store');
  // Every permit but food and drugs, which wait for a department's review (issue 17): a
  // journey that ends with the license at once, as before.
  const reviewed = new Set(['sells_food', 'sells_drugs']);
  const scope = Object.fromEntries(industry.questions.map((qid) => {
    const q = catalog.questions.get(qid);
    return [qid, q.kind === 'yes_no' ? !reviewed.has(qid) : Math.min(Math.max(350, q.min ?? 0), q.max ?? 350)];
  }));
  const page = await H.openApp(browser, url, { lang: 'zh', viewport: { width: 390, height: 844 } });
  try {
    await H.chooseIndustry(page, catalog, industry.id, 'zh');
    await H.answerScope(page, catalog, scope, 'zh');
    await page.getByRole('button', { name: H.T.zh.continue, exact: true }).click();
    const filled = await H.completeForm(page, catalog, { lang: 'zh', overrides: { credit_code: '91310115L12TH3BJ31' } });
    const chosenKinds = new Set(['choice', 'multi_choice', 'yes_no', 'division']);
    const chosen = filled.filter((id) => chosenKinds.has(catalog.fields.get(id)?.kind)).length;
    const t0 = performance.now();
    await H.sendApplication(page, 'zh');
    return {
      scope_answers: Object.keys(scope).length,
      typed: filled.length - chosen,
      chosen,
      answers: Object.keys(scope).length + filled.length,
      send_to_license_ms: performance.now() - t0,
    };
  } finally {
    await page.context().close();
  }
}

/**
 * The inspector's own frame timing (its scanner sends camera frames to the decoder's Web Worker,
 * which times greyscale + decoding in wasm; the page publishes the mean milliseconds per frame
 * in data-frame-ms), on Chromium's fake camera: frames with no QR code in them, the decoder's
 * full search on every frame.
 */
async function frameDecode(browser, url) {
  const context = await browser.newContext({ locale: 'zh-CN', permissions: ['camera'] });
  const page = await context.newPage();
  await page.goto(url);
  const frames = opts.quick ? 10 : 30;
  try {
    await page.waitForFunction((n) => Number(document.querySelector('[data-frames]')?.dataset.frames) >= n,
      frames, { timeout: 60_000 });
  } catch {
    const info = await page.evaluate(() => document.querySelector('[data-frames]')?.outerHTML ?? document.body.innerText.slice(0, 300));
    await context.close();
    return { pending: `the inspector read no ${frames} frames within 60 s (${info})` };
  }
  const r = await page.evaluate(() => {
    const el = document.querySelector('[data-frames]');
    const video = document.querySelector('video');
    return { frames: Number(el.dataset.frames), frame_ms: Number(el.dataset.frameMs),
      width: video?.videoWidth, height: video?.videoHeight };
  });
  await context.close();
  return { what: "inspector scanner, mean ms per camera frame (Chromium's fake camera: no QR code in view)", ...r };
}

/** Milliseconds from navigation start until the app's first heading exists (wasm ran). */
async function timeToInteractive(page, url) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => (document.querySelector('main h1, h1') ? performance.now() : null),
    null,
    { timeout: 30_000, polling: 'raf' },
  );
  const ms = await handle.jsonValue();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return ms;
}

async function coldStart(browser, url, rounds) {
  const cold = [];
  const warm = [];
  let transferred = null;
  let serviceWorker = false;
  for (let i = 0; i < rounds; i++) {
    const context = await browser.newContext({ locale: 'zh-CN' }); // empty cache: a first visit
    const page = await context.newPage();
    const bytes = [];
    page.on('requestfinished', async (req) => {
      try { bytes.push((await req.sizes()).responseBodySize); } catch { /* page closed */ }
    });
    cold.push(await timeToInteractive(page, url));
    await page.waitForLoadState('networkidle');
    if (i === 0) transferred = bytes.reduce((a, b) => a + b, 0);
    const second = await context.newPage(); // same profile: HTTP cache (and service worker) warm
    warm.push(await timeToInteractive(second, url));
    if (i === 0) {
      // The app registers its service worker once it has started: wait for it (bounded).
      serviceWorker = await second.evaluate(() => 'serviceWorker' in navigator && Promise.race([
        navigator.serviceWorker.ready.then(() => true),
        new Promise((resolve) => { setTimeout(() => resolve(false), 10_000); }),
      ]));
    }
    await context.close();
  }
  const result = {
    what: 'navigation start → first heading rendered by the wasm app (start page), 127.0.0.1',
    rounds,
    cold_ms: median(cold),
    cold_ms_all: cold,
    repeat_ms: median(warm),
    repeat_ms_all: warm,
    first_visit_transferred_bytes: transferred,
    service_worker: serviceWorker,
  };
  if (serviceWorker) {
    const offline = [];
    for (let i = 0; i < rounds; i++) {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const first = await context.newPage();
      await timeToInteractive(first, url);
      await first.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await first.close();
      await context.setOffline(true);
      const page = await context.newPage();
      try {
        offline.push(await timeToInteractive(page, url));
        if (!await page.evaluate(() => Boolean(navigator.serviceWorker.controller))) {
          result.offline_error = 'the offline page was not served by the service worker';
        }
      } catch (e) { result.offline_error = e.message; }
      await context.close();
    }
    result.offline_ms = median(offline);
    result.offline_ms_all = offline;
  } else {
    result.offline_pending = 'no service worker registered within 10 s, so no offline start';
  }
  return result;
}

/**
 * signer::render_svg and signer::verify compiled to wasm32 with the web app's size profile
 * (bench/wasm), timed in Chromium over the QR texts of the licenses the server bench issued.
 */
async function wasmTimings(browser) {
  const fixturePath = join(OUT, 'server.json');
  if (!existsSync(fixturePath)) return { skipped: 'needs the server part (its licenses) at least once' };
  const fixture = readJson(fixturePath).industries;
  if (!fixture?.licenses?.length) return { skipped: 'target/bench/server.json has no licenses' };
  const targetDir = join(OUT, 'cargo');
  await run('build-wasm', 'cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown',
    '--manifest-path', join(ROOT, 'bench', 'wasm', 'Cargo.toml'), '--target-dir', targetDir]);
  const pkg = join(OUT, 'wasm-pkg');
  await run('wasm-bindgen', 'wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', pkg,
    join(targetDir, 'wasm32-unknown-unknown', 'release', 'yiye_bench_wasm.wasm')]);
  const wasmFile = join(pkg, 'yiye_bench_wasm_bg.wasm');
  // As Trunk does for the web app (data-wasm-opt="z").
  await run('wasm-opt', 'wasm-opt', ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
    '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
    wasmFile, '-o', wasmFile]);
  const files = {
    '/index.html': ['text/html', Buffer.from('<!doctype html><title>bench</title><script type="module">'
      + "import init, * as m from './yiye_bench_wasm.js'; window.ready = init().then(() => { window.m = m; });"
      + '</script>')],
    '/yiye_bench_wasm.js': ['text/javascript', readFileSync(join(pkg, 'yiye_bench_wasm.js'))],
    '/yiye_bench_wasm_bg.wasm': ['application/wasm', readFileSync(wasmFile)],
  };
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('http://bench.invalid/**', (route) => {
    const f = files[new URL(route.request().url()).pathname];
    return f ? route.fulfill({ status: 200, contentType: f[0], body: f[1] }) : route.fulfill({ status: 404 });
  });
  await page.goto('http://bench.invalid/index.html');
  await page.waitForFunction(() => window.ready).then(() => page.evaluate(() => window.ready));
  const budget = opts.quick ? 50 : 150; // ms of calls per QR, function and round
  const timings = await page.evaluate(({ licenses, keys, revocations, budget }) => {
    const { render, Verifier } = window.m;
    const verifier = new Verifier(JSON.stringify(keys), JSON.stringify(revocations));
    const now = Date.now() / 1000;
    const time = (f) => {
      for (let i = 0; i < 3; i++) f();
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < budget) { f(); n++; }
      return (performance.now() - t0) / n;
    };
    // Three interleaved rounds, best of each: the first warms the JIT tiers up, and the
    // machine may be shared, so take the least disturbed.
    const rows = licenses.map((l) => ({ industry: l.industry, verdict: verifier.verify(l.qr_text, now),
      verify_ms: Infinity, render_ms: Infinity }));
    for (let round = 0; round < 3; round++) {
      licenses.forEach((l, i) => {
        rows[i].verify_ms = Math.min(rows[i].verify_ms, time(() => verifier.verify(l.qr_text, now)));
        rows[i].render_ms = Math.min(rows[i].render_ms, time(() => render(l.qr_text)));
      });
    }
    return rows;
  }, { licenses: fixture.licenses, keys: fixture.keys, revocations: fixture.revocations, budget });
  await context.close();
  const bad = timings.filter((t) => t.verdict !== 'valid');
  if (bad.length) throw new Error(`wasm verify gave ${bad.map((b) => `${b.industry}: ${b.verdict}`).join(', ')}`);
  return {
    what: 'signer::verify (keys + signed revocation list cached) and signer::render_svg in wasm32, '
      + 'web profile (opt-level z, LTO) + wasm-opt -Oz, headless Chromium; one server-issued QR per industry',
    wasm_bytes: statSync(wasmFile).size,
    per_industry: timings,
    verify_ms_median: median(timings.map((t) => t.verify_ms)),
    verify_ms_max: max(timings.map((t) => t.verify_ms)),
    render_ms_median: median(timings.map((t) => t.render_ms)),
    render_ms_max: max(timings.map((t) => t.render_ms)),
  };
}

// ---------------------------------------------------------------- the table

function render(r) {
  const lines = [];
  const n = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '–'
    : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
  const kb = (b) => n(b / 1024, 1);
  const table = (head, rows) => {
    lines.push(`| ${head.join(' | ')} |`);
    lines.push(`|${head.map((h, i) => (i === 0 ? '---' : '---:')).map((s) => ` ${s} `).join('|')}|`);
    for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  };
  const section = (title) => lines.push(`### ${title}`, '');
  const status = (name) => {
    const p = r[name];
    if (p?.skipped === true) { lines.push(`(${name}: skipped by flag)`, ''); return false; }
    if (p?.failed) { lines.push(`(${name}: FAILED — ${p.failed})`, ''); return false; }
    return true;
  };

  lines.push(`Yiye benchmark — commit ${r.commit.slice(0, 12)}${r.dirty ? ' + uncommitted changes' : ''}, `
    + `${r.started_at}, ${r.machine.cores} cores (${r.machine.cpu}), load average `
    + `${n(r.machine.load_average_at_start, 2)} at start, ${n(r.machine.load_average_at_end, 2)} at end, `
    + `${n(r.seconds.total)} s${r.options.quick ? ', --quick' : ''}`, '');

  section('QR code: one server-issued license per industry, every permit, ECC level Q');
  if (status('server')) {
    const ls = r.server.industries?.licenses ?? [];
    for (const l of ls) l.url_extra_versions = l.url_version_q - l.qr_version_q;
    const keys = ['permits', 'cose_bytes', 'qr_text_len', 'qr_version_q', 'url_len', 'url_version_q', 'url_extra_versions'];
    const rows = ls.map((l) => [l.industry, ...keys.map((k) => l[k])]);
    const col = (k) => ls.map((l) => l[k]);
    rows.push([`**median** (${ls.length} industries)`, ...keys.map((k) => n(median(col(k)), Number.isInteger(median(col(k))) ? 0 : 1))]);
    rows.push(['**max**', ...keys.map((k) => n(max(col(k))))]);
    rows.push(['reference (not measured): EU COVID certificate median', '', '', '', REFERENCE.eu_dcc_median_qr_version_q, '', '', '']);
    table(['industry', 'permits', 'COSE bytes', 'QR text chars', 'QR version', `URL form chars`, 'URL QR version', 'versions the URL adds'], rows);
    const versions = col('qr_version_q');
    const within = median(versions) <= QR_BUDGET.median && max(versions) <= QR_BUDGET.max;
    lines.push(`QR version over all ${ls.length} industries (premises address in the credential): median `
      + `${n(median(versions), 1)}, max ${n(max(versions))}; budget median ≤ ${QR_BUDGET.median}, `
      + `max ≤ ${QR_BUDGET.max} — ${within ? 'met' : 'MISSED'}.`, '');
    lines.push(`URL form: \`${r.server.url_base.toUpperCase()}#YY1:<the same bytes in base43>\` (signer::url_form).`, '');
  }
  if (status('credential')) {
    const c = r.credential;
    const rows = [...c.samples, c.worst_case, c.worst_case_all_scopes, c.url_form_first_sample]
      .map((s) => [s.label, s.cose_bytes, s.qr_text_len, s.qr_version_q]);
    rows.push([`**median version of the ${c.samples.length} sample enterprises**`, '', '', c.median_sample_version]);
    table(['signer bench samples (fixed claims)', 'COSE bytes', 'QR text chars', 'QR version'], rows);
  }

  section('Status list: every license version\'s state, signed (GET /api/status-list)');
  if (status('status')) {
    const st = r.status;
    const within = st.gzip_bytes / 1024 <= STATUS_LIST_BUDGET_KB;
    table(['license versions (85 % valid, 10 % superseded, 2 % suspended, 2 % revoked, 1 % cancelled)', 'JSON bytes', 'gzip KB'],
      [[n(st.versions), n(st.json_bytes), kb(st.gzip_bytes)]]);
    lines.push(`budget ≤ ${STATUS_LIST_BUDGET_KB} KB gzip — ${within ? 'met' : 'MISSED'} (the dates of `
      + 'non-valid entries carry most of it: signer/README.md, "Status list").', '');
  }

  section('Verification');
  const vr = [];
  if (status('credential')) {
    const c = r.credential;
    vr.push(['raw ed25519-dalek verify_strict, 1 thread (signer bench)', n(c.raw_verify_per_s), '/s']);
    vr.push(['QR text → verdict, native, 1 thread', n(c.qr_verdict_per_s), '/s']);
    vr.push(['ratio QR text → verdict / raw verify', n(c.ratio, 3), '×']);
  }
  const w = r.browser?.wasm;
  if (w && !w.skipped && r.browser && !r.browser.failed) {
    vr.push(['QR text → verdict in wasm, headless Chromium (median over industries)', n(w.verify_ms_median, 3), 'ms per QR']);
    vr.push(['  … slowest industry', n(w.verify_ms_max, 3), 'ms per QR']);
    if (r.credential?.qr_verdict_per_s) {
      vr.push(['ratio wasm / native time per verdict', n(w.verify_ms_median / (1000 / r.credential.qr_verdict_per_s), 2), '×']);
    }
  } else if (opts.parts.has('browser')) {
    vr.push(['QR text → verdict in wasm', w?.skipped ?? r.browser?.failed ?? '–', '']);
  }
  if (vr.length) table(['figure', 'value', 'unit'], vr);

  section('Server: real release binary on 127.0.0.1, SQLite file (synchronous=FULL)');
  if (status('server')) {
    const s = r.server;
    table(['figure', 'value', 'unit'], [
      [`durable issuances (${s.connections} keep-alive connections, ${s.seconds_per_phase} s)`, n(s.issuance.per_s), '/s'],
      ['issuance latency p50 / p99', `${n(s.issuance.p50_ms, 1)} / ${n(s.issuance.p99_ms, 1)}`, 'ms'],
      ['verify requests (POST /api/verify)', n(s.verify.per_s), '/s'],
      ['verify latency p50 / p99', `${n(s.verify.p50_ms, 2)} / ${n(s.verify.p99_ms, 2)}`, 'ms'],
      [`raw ed25519-dalek verify, 1 core / ${s.cores} cores`, `${n(s.raw_verify_1_core_per_s)} / ${n(s.raw_verify_all_cores_per_s)}`, '/s'],
      [`ratio verify requests / raw verify (1 core / ${s.cores} cores)`, `${n(s.verify_ratio_1_core, 2)} / ${n(s.verify_ratio_all_cores, 2)}`, '×'],
      ['errors (issuance / verify)', `${s.issuance.errors} / ${s.verify.errors}`, ''],
      ['answered licenses missing from the ledger after kill -9', `${s.ledger_missing_after_kill} of ${s.issuance.answered}`, ''],
    ]);
    const pg = s.postgres;
    lines.push('PostgreSQL (private cluster, synchronous_commit on), the same issuance load:', '');
    if (!pg) {
      lines.push('not measured: no PostgreSQL cluster', '');
    } else {
      table(['figure', 'value', 'unit'], [1, 2].flatMap((k) => {
        const p = pg[`instances_${k}`];
        return [
          [`durable issuances, ${k} instance${k > 1 ? 's' : ''} on one database`, n(p.per_s), '/s'],
          [`issuance latency p50 / p99, ${k} instance${k > 1 ? 's' : ''}`, `${n(p.p50_ms, 1)} / ${n(p.p99_ms, 1)}`, 'ms'],
          [`errors, ${k} instance${k > 1 ? 's' : ''}`, `${p.errors}`, ''],
        ];
      }));
    }
  }

  section('Bundles: first load (files index.html references and the scripts import)');
  if (status('bundles')) {
    for (const [name, b] of [['applicant app (dist/)', r.bundles.applicant], ['inspector app (dist/inspect/)', r.bundles.inspector]]) {
      if (!b.built) { lines.push(`${name}: not built`, ''); continue; }
      const rows = b.files.map((f) => [`\`${f.file}\``, kb(f.raw), kb(f.gzip), kb(f.brotli)]);
      rows.push([`**${name} total**`, kb(b.total.raw), kb(b.total.gzip), kb(b.total.brotli)]);
      table(['file', 'raw KiB', 'gzip -9 KiB', 'brotli KiB'], rows);
    }
    const d = r.bundles.inspector_decoder;
    if (d?.built) {
      const rows = d.files.map((f) => [`\`${f.file}\``, kb(f.raw), kb(f.gzip), kb(f.brotli)]);
      rows.push(['**inspector decoder worker, loaded when scanning starts (not in the first load)**', kb(d.total.raw), kb(d.total.gzip), kb(d.total.brotli)]);
      table(['file', 'raw KiB', 'gzip -9 KiB', 'brotli KiB'], rows);
    }
  }

  section('Browser: headless Chromium, 127.0.0.1');
  if (status('browser')) {
    const b = r.browser;
    const rows = [];
    const a = b.applicant_start;
    if (a?.skipped) rows.push(['applicant start', a.skipped, '']);
    else if (a) {
      rows.push([`cold start, first visit (empty cache) → interactive start page, median of ${a.rounds}`, n(a.cold_ms), 'ms']);
      rows.push(['repeat visit (HTTP cache) → interactive start page', n(a.repeat_ms), 'ms']);
      rows.push(['bytes the page fetched during the first visit (compressed; the service-worker background precache not included)', kb(a.first_visit_transferred_bytes), 'KiB']);
      if (a.service_worker) rows.push(['offline start (network cut, service worker installed on an earlier visit) → interactive start page', a.offline_error ? `failed: ${a.offline_error}` : n(a.offline_ms), 'ms']);
      else rows.push(['offline cold start → interactive start page', `pending: ${a.offline_pending}`, '']);
    }
    if (w && !w.skipped) {
      rows.push(['QR render (signer::render_svg, wasm) per license QR, median over industries', n(w.render_ms_median, 2), 'ms']);
      rows.push(['  … largest QR', n(w.render_ms_max, 2), 'ms']);
    } else rows.push(['QR render / verify in wasm', w?.skipped ?? '–', '']);
    const j = b.journey;
    if (j?.answers !== undefined) {
      rows.push(['answers a registered convenience store gives, every permit on, 390 px phone, through the UI (scope questions + typed + chosen)', `${j.answers} (${j.scope_answers} + ${j.typed} + ${j.chosen})`, 'answers']);
      rows.push(['  … "Send" → license page, same walk', n(j.send_to_license_ms), 'ms']);
    } else rows.push(['answers a registered convenience store gives', j?.skipped ?? j?.failed ?? '–', '']);
    const f = b.frame_decode;
    if (f?.frame_ms !== undefined) {
      rows.push([`frame decode in the inspector's decoder worker (wasm), ${f.width}×${f.height} camera frame without a code, mean of ${f.frames}`, n(f.frame_ms, 1), 'ms per frame']);
    } else rows.push(['frame decode (camera frame → QR text)', `pending: ${f?.pending ?? '–'}`, '']);
    table(['figure', 'value', 'unit'], rows);
  }

  section('Catalog: form fields at full scope (separate forms → one merged form → typed after pre-fill)');
  if (status('catalog')) {
    const c = r.catalog;
    const rows = c.industries.map((i) => [i.id, i.permits, i.counts.separate_form_fields, i.counts.merged_fields,
      i.counts.typed_after_registry_prefill, i.counts.typed_after_registry_and_profile_prefill,
      `−${n(i.merged_reduction_pct)} %`, `${n(i.typed_registry_pct)} %`]);
    const a = c.average;
    const mean = (k) => c.industries.reduce((s, i) => s + i.counts[k], 0) / c.industries.length;
    rows.push([`**average** (${c.industries.length} industries)`, n(a.permits, 1), n(a.separate_form_fields, 1), n(a.merged_fields, 1),
      n(mean('typed_after_registry_prefill'), 1), n(mean('typed_after_registry_and_profile_prefill'), 1),
      `−${n(a.merged_reduction_pct)} %`, `${n(a.typed_registry_pct)} %`]);
    table(['industry', 'permits', 'separate forms', 'merged', 'typed (registry)', 'typed (registry + profile)', 'merged vs separate', 'typed / separate'], rows);
    lines.push(`Catalog ${c.version}; ${c.scope}.`, '');
  }

  const secs = Object.entries(r.seconds).map(([k, v]) => `${k} ${n(v)} s`).join(', ');
  lines.push(`Time per part (including builds): ${secs}.`);
  return lines.join('\n');
}
