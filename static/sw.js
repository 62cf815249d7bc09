// Yiye service worker: keeps the app shell on the device so the app starts with no network.
// scripts/service-worker.mjs fills in BUILD (a hash of the build) and ASSETS (every file the build
// produced) when it copies this file into dist/: the list is never kept by hand.
const BUILD = '__YIYE_BUILD__';
const ASSETS = __YIYE_ASSETS__;
const CACHE = `yiye-shell-${BUILD}`;

self.addEventListener('install', (event) => {
  // A new version waits until the page says so, so a form in progress is never reloaded
  // under the user's hands.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('yiye-shell-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'yiye:activate') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API is the app's business (it keeps its own copies); other origins are not ours; the
  // back office (/office/) is not precached and works online only: the network answers it.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')
      || /^\/office(\/|$)/i.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // Every page of an app is its index.html; the cached one starts at once, offline or not.
    // The inspector is /inspect/… and /i, the short address of the QR's URL form, which is
    // upper-cased to stay in the QR's alphanumeric mode.
    const shell = /^\/(inspect(\/|$)|i$)/i.test(url.pathname) ? '/inspect/index.html' : '/index.html';
    event.respondWith(caches.match(shell, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
