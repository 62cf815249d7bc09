// Trunk post_build hook, run on Trunk's staging directory before it becomes dist/:
//  1. moves Trunk's inline loader script into a hashed file, so the Content-Security-Policy
//     can forbid inline scripts ("script-src 'self'") without per-build hashes in the server;
//  2. drops wasm-bindgen JS snippets this app does not import: Trunk copies every snippet in the
//     target directory's shared wasm-bindgen output, so the inspector's build would otherwise
//     ship (and preload) the applicant app's storage snippet;
//  3. minifies the JavaScript (wasm-bindgen's glue and snippets; Trunk minifies only HTML and
//     CSS) with esbuild, keeping top-level names, and renews the integrity hashes index.html
//     holds for the changed files: a quarter of the app's non-wasm download;
//  4. gives the wasm's imports and exports one- or two-letter names (binaryen's
//     --minify-imports-and-exports-and-modules) and renames them to match in the glue:
//     wasm-bindgen's names carry 16-hex-digit hashes, which neither gzip nor brotli can
//     shrink, in both the wasm and the JavaScript (6.7 KB gzip of the applicant's first load);
//     Where the wasm still has its function names (the applicant's: index.html keeps them
//     through wasm-opt), its functions are also put in an order of likeness (`functionOrder`),
//     then the names go: similar code (the copies of one generic function, one crate's
//     functions) then sits together, where gzip and brotli find its repetitions (8.1 KB gzip of
//     the applicant's first load; the names are never shipped);
//  5. writes brotli and gzip copies of every text and wasm asset, which the server sends to
//     browsers that accept them (phones on weak links download a third of the bytes).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('post-build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is unset)');

let publicUrl = '/';

function externaliseLoader() {
  const indexPath = join(staging, 'index.html');
  const html = readFileSync(indexPath, 'utf8');
  let moved = 0;
  const rewritten = html.replace(/<script type="?module"?>([\s\S]*?)<\/script>/g, (_, body) => {
    const name = `boot-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
    const integrity = `sha384-${createHash('sha384').update(body).digest('base64')}`;
    // Served from the same public URL as the module the loader imports ("/" or "/inspect/").
    const base = body.match(/from\s*['"]([^'"]*\/)[^'"/]+\.js['"]/)?.[1];
    if (!base) throw new Error('cannot find the public URL in Trunk\'s loader script');
    publicUrl = base;
    writeFileSync(join(staging, name), body);
    moved += 1;
    return `<script type="module" src="${base}${name}" integrity="${integrity}" crossorigin="anonymous"></script>`;
  });
  if (moved === 0) throw new Error('no inline module script found in index.html: did Trunk change its loader?');
  if (/<script(?![^>]*\bsrc=)[^>]*>/.test(rewritten)) throw new Error('an inline script is left in index.html');
  writeFileSync(indexPath, rewritten);
}

function dropForeignSnippets() {
  const snippets = join(staging, 'snippets');
  if (!existsSync(snippets)) return;
  const scripts = readdirSync(staging).filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(staging, name), 'utf8')).join('\n');
  const indexPath = join(staging, 'index.html');
  let html = readFileSync(indexPath, 'utf8');
  for (const dir of readdirSync(snippets)) {
    if (scripts.includes(`snippets/${dir}/`)) continue;
    rmSync(join(snippets, dir), { recursive: true });
    html = html.replace(new RegExp(`<link[^>]*snippets/${dir}/[^>]*>`, 'g'), '');
  }
  if (readdirSync(snippets).length === 0) rmSync(snippets, { recursive: true });
  writeFileSync(indexPath, html);
}

// Every .js file under `dir` (snippets included). No `format`: esbuild then keeps each file's
// top-level names, which classic worker scripts share through the global scope.
function minifyScripts(dir = staging) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) minifyScripts(path);
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const { code } = transformSync(readFileSync(path, 'utf8'), { minify: true, loader: 'js' });
    writeFileSync(path, code);
  }
}

// Recomputes every integrity attribute in index.html from the file it names.
function refreshIntegrity() {
  const indexPath = join(staging, 'index.html');
  const html = readFileSync(indexPath, 'utf8').replace(/<(?:link|script)\b[^>]*>/g, (tag) => {
    const url = tag.match(/\b(?:href|src)=("?)([^"\s>]+)\1/)?.[2];
    if (!url || !/\bintegrity=/.test(tag)) return tag;
    if (!url.startsWith(publicUrl)) throw new Error(`${url} is outside the public URL ${publicUrl}`);
    const body = readFileSync(join(staging, url.slice(publicUrl.length)));
    const integrity = `sha384-${createHash('sha384').update(body).digest('base64')}`;
    return tag.replace(/\bintegrity=("?)[^"\s>]+\1/, `integrity="${integrity}"`);
  });
  writeFileSync(indexPath, html);
}

// binaryen's wasm-opt from npm (scripts/lib.sh installs it), the one Trunk runs too.
const WASM_OPT = join(import.meta.dirname, '..', 'node_modules', '.bin', 'wasm-opt');

// Each app's main bundle: the wasm index.html preloads (`<name>-<hash>_bg.wasm`, Trunk's hash
// in hex without leading zeros) beside its ES-module glue `<name>-<hash>.js`; the workers' glue
// has another form and keeps its names. The glue is read as wasm-bindgen 0.2.130 writes it,
// and every assumption is checked: a glue of another form fails the build rather than a page
// at run time, and so does an index.html that preloads no wasm.
function minifyWasmNames() {
  const html = readFileSync(join(staging, 'index.html'), 'utf8');
  const bundles = [...html.matchAll(/\bhref="?[^"\s>]*\/([^"\s>/]+-[0-9a-f]+)_bg\.wasm\b/g)].map((m) => m[1]);
  if (bundles.length === 0) throw new Error('index.html preloads no wasm: did Trunk change its output?');
  for (const stem of bundles) {
    const name = `${stem}_bg.wasm`;
    const wasmPath = join(staging, name);
    const jsPath = join(staging, `${stem}.js`);
    const minified = `${wasmPath}.min`;
    // The producers and target-features sections go too: browsers read neither (0.25 KB).
    const named = sortableNames(wasmPath);
    const map = execFileSync(WASM_OPT, [wasmPath, '--minify-imports-and-exports-and-modules',
      ...(named ? ['--reorder-functions-by-name', '--strip-debug'] : []),
      '--strip-producers', '--strip-target-features', '-o', minified], { encoding: 'utf8' });
    // The map is JSON-like (binaryen leaves trailing commas): its pairs and triples, by line.
    const imports = [...map.matchAll(/^\s*\["([^"]+)", "([^"]+)", "([^"]+)"\]/gm)].map((m) => m.slice(1));
    const exports = [...map.matchAll(/^\s*\["([^"]+)", "([^"]+)"\]/gm)].map((m) => m.slice(1));
    const module = new WebAssembly.Module(readFileSync(minified));
    const moduleNames = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
    if (imports.length !== WebAssembly.Module.imports(module).length || moduleNames.size !== 1) {
      throw new Error(`${name}: wasm-opt's map does not match the minified imports`);
    }
    const [moduleName] = moduleNames;
    let js = readFileSync(jsPath, 'utf8');
    // The glue's own imports are the members of its `import0` object, one per line; other
    // modules (JS snippets) are namespaces whose members keep their names.
    const own = `./${stem.replace(/-[0-9a-f]+$/, '')}_bg.js`;
    const namespaces = new Map([...js.matchAll(/^\s+"([^"]+)": (import\d+),$/gm)].map((m) => [m[1], m[2]]));
    const foreign = [];
    for (const [from, old, short] of imports) {
      if (from === own && namespaces.get(from) === 'import0') {
        const key = new RegExp(`^(\\s+)${old}:`, 'm');
        if (!key.test(js)) throw new Error(`${name}: the glue has no import ${old}`);
        js = js.replace(key, `$1${short}:`);
      } else if (namespaces.has(from)) {
        foreign.push(`${JSON.stringify(short)}: ${namespaces.get(from)}[${JSON.stringify(old)}]`);
      } else {
        throw new Error(`${name}: the glue does not import ${from}`);
      }
    }
    const table = /return \{\n\s+__proto__: null,\n(\s+"[^"]+": import\d+,\n)+\s+\};/;
    if (!table.test(js)) throw new Error(`${name}: cannot find the glue's import table`);
    js = js.replace(table, `return { __proto__: null, ${JSON.stringify(moduleName)}: { ...import0, ${foreign.join(', ')} } };`);
    for (const [old, short] of exports) {
      js = js.replace(new RegExp(`\\bwasm\\.${old}\\b`, 'g'), `wasm.${short}`);
    }
    const shorts = new Set(exports.map(([, short]) => short));
    const stale = [...js.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]).filter((n) => !shorts.has(n));
    if (stale.length) throw new Error(`${name}: the glue still uses exports ${[...new Set(stale)].join(', ')}`);
    writeFileSync(jsPath, js);
    writeFileSync(wasmPath, readFileSync(minified));
    rmSync(minified);
  }
}

/** The unsigned LEB128 number at `at` in `bytes`: `[value, the offset after it]`. */
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

// Rewrites the wasm's function names (the `name` section's subsection 1), if it has them, to
// the key its functions are then sorted by: their place in `functionOrder`. Returns whether
// there were names.
function sortableNames(path) {
  const bytes = readFileSync(path);
  const rank = functionOrder(bytes);
  const leb = (at) => readLeb(bytes, at);
  const uleb = (value) => {
    const out = [];
    do {
      const byte = value % 128;
      value = Math.floor(value / 128);
      out.push(value > 0 ? byte | 0x80 : byte);
    } while (value > 0);
    return Buffer.from(out);
  };
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, body] = leb(at + 1);
    const end = body + size;
    const [nameLength, nameAt] = id === 0 ? leb(body) : [0, body];
    if (id === 0 && bytes.toString('utf8', nameAt, nameAt + nameLength) === 'name') {
      const subsections = [];
      for (let sub = nameAt + nameLength; sub < end;) {
        const [length, content] = leb(sub + 1);
        let data = bytes.subarray(content, content + length);
        if (bytes[sub] === 1) {
          const [count, first] = leb(content);
          const entries = [uleb(count)];
          for (let i = 0, p = first; i < count; i++) {
            const [index, lengthAt] = leb(p);
            const [length, text] = leb(lengthAt);
            const key = Buffer.from(String(rank.get(index) ?? index).padStart(7, '0'));
            entries.push(uleb(index), uleb(key.length), key);
            p = text + length;
          }
          data = Buffer.concat(entries);
        }
        subsections.push(Buffer.from([bytes[sub]]), uleb(data.length), data);
        sub = content + length;
      }
      const payload = Buffer.concat([uleb(nameLength), Buffer.from('name'), ...subsections]);
      writeFileSync(path, Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), uleb(payload.length),
        payload, bytes.subarray(end)]));
      return true;
    }
    at = end;
  }
  return false;
}

// The order the functions are put in for gzip and brotli: next comes the function most like
// any of the last six placed (the share of 4-byte sequences in common, estimated by 1024 MinHash
// values: fewer were noisy), among those not placed yet, with a small pull towards the current
// one's neighbours in the order of names without angle brackets (`<T as Trait>::method` with
// T's crate): similar code then sits within the compressors' window. Comparing with the last six
// rather than the last one alone, and 1024 values rather than 128: 2.6 KB gzip of the
// applicant's first load (255.0 -> 252.4 KB; 8-12 s of build). A function index to its rank; an
// empty map where the wasm has no names.
function functionOrder(bytes) {
  const leb = (at) => readLeb(bytes, at);
  let imported = 0;
  const bodies = [];
  const names = new Map();
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, body] = leb(at + 1);
    const end = body + size;
    if (id === 2) {
      let [count, p] = leb(body);
      for (let i = 0; i < count; i++) {
        let length;
        [length, p] = leb(p);
        [length, p] = leb(p + length);
        p += length;
        const kind = bytes[p++];
        let flags = 0;
        if (kind === 0) [, p] = leb(p);
        else if (kind === 1) [flags, p] = leb(p + 1);
        else if (kind === 2) [flags, p] = leb(p);
        else if (kind === 3) p += 2;
        else throw new Error(`unknown import kind ${kind}`);
        if (kind === 0) imported++;
        if (kind === 1 || kind === 2) {
          [, p] = leb(p);
          if (flags & 1) [, p] = leb(p);
        }
      }
    } else if (id === 10) {
      let [count, p] = leb(body);
      for (let i = 0; i < count; i++) {
        const [length, code] = leb(p);
        bodies.push(bytes.subarray(code, code + length));
        p = code + length;
      }
    } else if (id === 0) {
      const [nameLength, nameAt] = leb(body);
      if (bytes.toString('utf8', nameAt, nameAt + nameLength) === 'name') {
        for (let sub = nameAt + nameLength; sub < end;) {
          const [length, content] = leb(sub + 1);
          if (bytes[sub] === 1) {
            let [count, p] = leb(content);
            for (let i = 0; i < count; i++) {
              let index, textLength;
              [index, p] = leb(p);
              [textLength, p] = leb(p);
              names.set(index, bytes.toString('utf8', p, p + textLength).replace(/[<>]/g, ''));
              p += textLength;
            }
          }
          sub = content + length;
        }
      }
    }
    at = end;
  }
  const count = bodies.length;
  if (names.size === 0 || count === 0) return new Map();
  const key = (f) => `${names.get(f) ?? ''} ${f}`;
  const byName = [...Array(count).keys()].map((i) => i + imported)
    .map((f) => [key(f), f]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
  const K = 1024;
  const PULL = 0.03;
  const WINDOW = 6;
  let seed = 12345;
  const next = () => (seed = (seed * 48271) % 2147483647);
  const mul = [];
  const xor = [];
  for (let k = 0; k < K; k++) {
    mul.push(next() | 1);
    xor.push(next());
  }
  const sig = new Int32Array(count * K);
  bodies.forEach((body, j) => {
    const shingles = new Set();
    for (let i = 0; i + 4 <= body.length; i++) {
      shingles.add(((body[i] | body[i + 1] << 8 | body[i + 2] << 16) >>> 0) * 256 + body[i + 3]);
    }
    if (shingles.size === 0) shingles.add(body.length + 1);
    const hs = [...shingles].map((h) => h | 0);
    for (let k = 0; k < K; k++) {
      let min = 0xffffffff;
      for (const h of hs) {
        let v = Math.imul(h ^ xor[k], mul[k]);
        v ^= v >>> 15;
        v = Math.imul(v, 0x2c1b3c6d);
        v = (v ^ v >>> 12) >>> 0;
        if (v < min) min = v;
      }
      sig[j * K + k] = min | 0;
    }
  });
  const place = new Int32Array(count);
  byName.forEach((f, k) => { place[f - imported] = k; });
  const placed = new Uint8Array(count);
  const rank = new Map();
  // likeness[s % WINDOW][j]: of function j to the one placed at step s, for the last steps.
  const likeness = Array.from({ length: WINDOW }, () => new Float32Array(count));
  let current = byName[0] - imported;
  for (let step = 0; current >= 0; step++) {
    placed[current] = 1;
    rank.set(current + imported, step);
    const now = likeness[step % WINDOW];
    let best = -1;
    let bestScore = -Infinity;
    for (let j = 0; j < count; j++) {
      if (placed[j]) continue;
      let same = 0;
      for (let k = 0; k < K; k++) if (sig[j * K + k] === sig[current * K + k]) same++;
      now[j] = same / K;
      let like = 0;
      for (let back = 0; back < WINDOW && back <= step; back++) {
        like = Math.max(like, likeness[(step - back) % WINDOW][j]);
      }
      const score = like - PULL * Math.min(Math.abs(place[j] - place[current]), 50) / 50;
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    current = best;
  }
  return rank;
}

const COMPRESSIBLE = /\.(wasm|js|css|html|svg|json|webmanifest)$/;

// Every directory, for wasm-bindgen's JS snippets under snippets/.
function precompress(dir = staging) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) precompress(path);
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const raw = readFileSync(path);
    writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
    writeFileSync(`${path}.br`, brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }));
  }
}

dropForeignSnippets();
minifyWasmNames();
minifyScripts();
externaliseLoader();
refreshIntegrity();
precompress();
console.log('post-build: scripts minified, loader externalised, foreign snippets dropped, assets precompressed (br, gz)');
