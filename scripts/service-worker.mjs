// Writes dist/sw.js (minified) from static/sw.js with the list of files this build produced
// (the applicant app and, when built, the inspector under dist/inspect/) and a hash of the build.
// The back office (dist/office/) is left out: applicants never download it, and staff work
// online (static/sw.js lets /office/ through to the network).
// Runs after every web build (scripts/lib.sh build_web), so the precache list is never kept
// by hand and a new build is a new service worker.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { transformSync } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(process.argv[2] ?? join(root, 'dist'));

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

// Precompressed copies are the server's business; the browser caches what it decoded.
const assets = files(dist)
  .map((path) => `/${relative(dist, path).split('\\').join('/')}`)
  .filter((url) => !/\.(br|gz)$/.test(url) && url !== '/sw.js' && !url.startsWith('/office/'))
  .sort();
if (!assets.includes('/index.html')) throw new Error(`${dist} has no index.html: build the web app first`);

const build = createHash('sha256');
for (const url of assets) build.update(url).update(readFileSync(join(dist, url)));
const source = readFileSync(join(root, 'static', 'sw.js'), 'utf8')
  .replace("'__YIYE_BUILD__'", JSON.stringify(build.digest('hex').slice(0, 16)))
  .replace('__YIYE_ASSETS__', JSON.stringify(assets));
writeFileSync(join(dist, 'sw.js'), transformSync(source, { minify: true, loader: 'js' }).code);
console.log(`service worker: ${assets.length} files precached`);
