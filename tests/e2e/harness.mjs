// Shared harness for end-to-end tests: a real server process on 127.0.0.1 with a real SQLite
// file in a fresh data directory, and Debian's Chromium driven by playwright-core (never a
// downloaded browser).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'dist');
const SERVER_BIN = process.env.YIYE_SERVER_BIN ?? join(ROOT, 'target', 'debug', 'server');
const SIGNER_BIN = process.env.YIYE_SIGNER_BIN ?? join(ROOT, 'target', 'debug', 'signer');
/** The root key whose public key the build pinned into the inspector (scripts/test makes it in
 *  target/e2e-trust-root). Every test server gets it and signs a trust list of itself with it,
 *  unless a test gives the servers a trust list of its own (`signTrustList`). */
export const TRUST_ROOT_KEY = process.env.YIYE_TRUST_ROOT_KEY;

/** The admin bearer token every test server gets unless a test sets its own: the departments'
 *  machine route (approving review permits) needs it. */
export const DEFAULT_ADMIN_TOKEN = 'e2e-machine-admin-token';

/** Starts the server on a free port with a fresh data directory; resolves once it listens.
 *  `prepare(data)` runs first, on that directory (e.g. `server staff add`, see `addStaff`). */
export async function startServer({ env = {}, dist = DIST, prepare, port = 0 } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'yiye-e2e-'));
  if (prepare) await prepare(data);
  if (!TRUST_ROOT_KEY && !env.YIYE_TRUST_LIST) {
    throw new Error('YIYE_TRUST_ROOT_KEY is not set: the inspector of this build pins a root key (scripts/test sets it)');
  }
  const serverEnv = {
    ...process.env, RUST_LOG: 'warn', YIYE_ADMIN_TOKEN: DEFAULT_ADMIN_TOKEN, YIYE_TRUST_ROOT_KEY: TRUST_ROOT_KEY, ...env,
  };
  // A server given its trust list does not sign one of its own.
  if (env.YIYE_TRUST_LIST) delete serverEnv.YIYE_TRUST_ROOT_KEY;
  const child = spawn(SERVER_BIN, ['--listen', `127.0.0.1:${port}`, '--data', data, '--dist', dist], {
    env: serverEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/running at (http:\/\/127\.0\.0\.1:\d+)\/?/);
      if (match) { clearTimeout(timer); resolveUrl(match[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${output}`)); });
  });
  return {
    url,
    data,
    adminToken: serverEnv.YIYE_ADMIN_TOKEN,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Creates a back-office account in the data directory `data` with `server staff add`, the
 *  password on stdin as an administrator types it. */
export function addStaff(data, { username, password, role, department, name }) {
  const args = ['staff', 'add', '--data', data, '--username', username, '--role', role, '--name', name];
  if (department) args.push('--department', department);
  execFileSync(SERVER_BIN, args, { input: `${password}\n`, env: { ...process.env, RUST_LOG: 'warn' } });
}

/** A TCP port free on 127.0.0.1 now: for servers that must know each other's address before
 *  they start (a trust list names where each issuer's status list is). */
export async function freePort() {
  const probe = createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

/** Makes the key directory of an issuing authority in a server's data directory (where the
 *  server looks for its keys) with the signer CLI; returns its public key entry. */
export function makeIssuerKeys(data, issuer, name) {
  const dir = join(data, 'keys');
  execFileSync(SIGNER_BIN, ['keygen', '--out', dir, '--issuer', issuer, '--issuer-name', name], { stdio: 'ignore' });
  return JSON.parse(readFileSync(join(dir, 'keyset.json'), 'utf8')).keys[0];
}

/** Signs `list` (a trust list's issuers and root, as JSON) with the pinned root key through the
 *  signer CLI into `file`, valid for `validDays` from now. */
export function signTrustList(list, file, { validDays = 30 } = {}) {
  const unsigned = `${file}.unsigned.json`;
  writeFileSync(unsigned, JSON.stringify({ issued_at: 0, expires_at: 0, ...list }));
  execFileSync(SIGNER_BIN, [
    'trust-list', 'sign', '--key', join(TRUST_ROOT_KEY, 'signing-key.json'), '--list', unsigned,
    '--valid-days', String(validDays), '--out', file,
  ]);
  return file;
}

const chromiumOptions = (extraArgs = []) => ({
  executablePath: execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim(),
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', ...extraArgs,
  ],
});

/** Launches Debian's headless Chromium with a fresh profile and no background networking. */
export async function launchBrowser(extraArgs = []) {
  return chromium.launch(chromiumOptions(extraArgs));
}

/** Launches Chromium on the profile in `userDataDir` (kept across launches, like a browser
 *  restarted on the same device); resolves to its one browser context. */
export async function launchPersistentBrowser(userDataDir, contextOptions = {}) {
  return chromium.launchPersistentContext(userDataDir, { ...chromiumOptions(), ...contextOptions });
}

// Offline emulation does not reliably cover a page that a service worker controls (its network
// fallback can slip past it), so while "offline" API requests are also refused at the context.
const refuseApi = (route) => route.abort('internetdisconnected');

export async function goOffline(context) {
  await context.route('**/api/**', refuseApi);
  await context.setOffline(true);
}

export async function goOnline(context) {
  await context.unroute('**/api/**', refuseApi);
  await context.setOffline(false);
}

/** Polls `condition` (async) every 200 ms until it holds; throws after `timeout` ms. For what
 * the page does in the background (the outbox, IndexedDB writes), which no locator shows. */
export async function waitFor(condition, timeout = 20_000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not met within ${timeout} ms: ${condition}`);
}
