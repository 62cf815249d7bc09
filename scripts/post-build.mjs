// Trunk post_build hook: moves Trunk's inline loader script into a hashed file, so the
// Content-Security-Policy can forbid inline scripts ("script-src 'self'") without per-build
// hashes in the server. Runs on Trunk's staging directory before it becomes dist/.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('post-build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is unset)');

const indexPath = join(staging, 'index.html');
const html = readFileSync(indexPath, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/g;
let moved = 0;
const rewritten = html.replace(inline, (_, body) => {
  const digest = createHash('sha256').update(body);
  const name = `boot-${digest.copy().digest('hex').slice(0, 16)}.js`;
  const integrity = `sha384-${createHash('sha384').update(body).digest('base64')}`;
  writeFileSync(join(staging, name), body);
  moved += 1;
  return `<script type="module" src="/${name}" integrity="${integrity}" crossorigin="anonymous"></script>`;
});
if (moved === 0) throw new Error('no inline module script found in index.html: did Trunk change its loader?');
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(rewritten)) throw new Error('an inline script is left in index.html');
writeFileSync(indexPath, rewritten);
console.log(`post-build: moved ${moved} inline script(s) out of index.html`);
