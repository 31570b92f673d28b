// `make package` (scripts/package.sh): store archives whose bytes depend only on the sources.
// Packs twice from the already built wasm (target/pkg) into two temp dirs and compares every
// archive byte for byte; checks each archive's entries and manifests. Fast: no cargo, no browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = path.join(ROOT, 'target/pkg');
const version = execFileSync(process.execPath, [path.join(ROOT, 'scripts/manifest.mjs'), 'version'], { encoding: 'utf8' }).trim();
const NAME = `chat-widget-inspector-${version}`;

/** {name → Buffer} of a zip written by scripts/zip.mjs (stored or deflated entries). */
function readZip(file) {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, `${file}: no end of central directory`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const elen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const body = buf.subarray(start, start + csize);
    out.set(name, method === 8 ? zlib.inflateRawSync(body) : Buffer.from(body));
    p += 46 + nlen + elen + clen;
  }
  return out;
}

const sha = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const dirs = [];
let runs;

before(() => {
  if (!fs.existsSync(path.join(PKG, 'panel_bg.wasm'))) throw new Error('no built wasm in target/pkg (run make dist)');
  runs = [0, 1].map(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwi-package-'));
    dirs.push(dir);
    const out = path.join(dir, 'packages');
    execFileSync('bash', [path.join(ROOT, 'scripts/package.sh'), out, PKG], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    return out;
  });
});
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

test('make package writes the Chrome zip, the AMO xpi, the source zip and SHA256SUMS', () => {
  assert.deepEqual(fs.readdirSync(runs[0]).sort(),
    [`${NAME}-chrome.zip`, `${NAME}-firefox.xpi`, `${NAME}-source.zip`, 'SHA256SUMS'].sort());
});

test('packaging twice gives byte-identical archives', () => {
  for (const f of fs.readdirSync(runs[0])) {
    assert.equal(sha(path.join(runs[1], f)), sha(path.join(runs[0], f)), `${f} differs between two runs`);
  }
});

test('both store archives hold the same files; only the manifests differ, as intended', () => {
  const chrome = readZip(path.join(runs[0], `${NAME}-chrome.zip`));
  const firefox = readZip(path.join(runs[0], `${NAME}-firefox.xpi`));
  assert.deepEqual([...chrome.keys()], [...firefox.keys()]);
  for (const need of ['manifest.json', 'panel.html', 'panel.js', 'devtools.html', 'devtools.js', 'background/background.js',
    'pageScript/hook.js', 'contentScript/relay.js', 'pkg/panel_bg.wasm', 'pkg/panel.js', 'pkg/background_bg.wasm', 'pkg/background.js']) {
    assert.ok(chrome.has(need), `missing ${need}`);
  }
  for (const [name, data] of chrome) {
    if (name !== 'manifest.json') assert.ok(data.equals(firefox.get(name)), `${name} differs between the Chrome and Firefox archives`);
  }
  for (const wasm of ['panel_bg.wasm', 'background_bg.wasm']) {
    assert.ok(chrome.get(`pkg/${wasm}`).equals(fs.readFileSync(path.join(PKG, wasm))), `pkg/${wasm} is the built one`);
  }

  const cm = JSON.parse(chrome.get('manifest.json'));
  const fm = JSON.parse(firefox.get('manifest.json'));
  assert.equal(cm.version, version, 'Chrome manifest version = Cargo.toml version');
  assert.equal(fm.version, version, 'Firefox manifest version = Cargo.toml version');
  assert.equal(cm.browser_specific_settings, undefined, 'no Firefox-only keys in the Chrome build');
  const gecko = fm.browser_specific_settings.gecko;
  assert.match(gecko.id, /@/);
  assert.ok(Number.parseFloat(gecko.strict_min_version) >= 140, 'data_collection_permissions needs Firefox 140');
  assert.deepEqual(gecko.data_collection_permissions, { required: ['none'] });
  for (const m of [cm, fm]) {
    // No `webRequest`, not even optional: holding it made Chromium route every request of every
    // page through the browser process, 5-13 ms before each page's first script (README "Toolbar button").
    assert.deepEqual(m.permissions, ['storage', 'scripting', 'cookies'], 'the permissions README explains, and no other');
    assert.equal(m.optional_permissions, undefined);
    assert.ok(cm.content_scripts.every((c) => c.world === 'MAIN' && c.js.join() === 'pageScript/hook.js'),
      'one static content script, the hook: the discovery script is registered only when the user turns it on');
    assert.ok(chrome.has('contentScript/discovery.js'));
    assert.equal(m.background.service_worker, 'background/background.js');
    assert.deepEqual(m.background.scripts, ['background/background.js']);
  }
  const { browser_specific_settings: _, ...rest } = fm;
  assert.deepEqual(rest, cm, 'the manifests differ only by browser_specific_settings');
});

test('the source archive holds the git-tracked sources and SOURCE-README.md, and nothing built', () => {
  const src = readZip(path.join(runs[0], `${NAME}-source.zip`));
  const tracked = execFileSync('git', ['-C', ROOT, 'ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean)
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
  for (const f of tracked) assert.ok(src.has(f), `source archive misses tracked ${f}`);
  assert.ok(src.has('SOURCE-README.md'));
  for (const name of src.keys()) {
    assert.ok(!/^(target|dist|node_modules|\.tools)\//.test(name), `built or fetched file in the source archive: ${name}`);
  }
  const readme = src.get('SOURCE-README.md').toString();
  assert.match(readme, /make dist/);
  assert.match(readme, new RegExp(`wasm-bindgen-cli ${/name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(fs.readFileSync(path.join(ROOT, 'Cargo.lock'), 'utf8'))[1].replace(/\./g, '\\.')}`));
});

test('the wasm embeds no path of this machine (checkout, CARGO_HOME): rebuilt elsewhere it is the same', () => {
  const cargoHome = process.env.CARGO_HOME || path.join(os.homedir(), '.cargo');
  for (const name of ['panel_bg.wasm', 'background_bg.wasm']) {
    const wasm = fs.readFileSync(path.join(PKG, name));
    for (const local of [ROOT, cargoHome]) {
      assert.equal(wasm.indexOf(Buffer.from(`${local}/`)), -1, `${name} contains ${local}/ (Makefile: --remap-path-prefix)`);
    }
  }
});

// web-ext lint reports one UNSAFE_VAR_ASSIGNMENT (innerHTML) in the wasm-bindgen glue: it is Yew's
// VRaw node, reachable only through Html::from_html_unchecked. Keep it that way (README, Firefox).
test('src/ never renders raw HTML (the innerHTML web-ext lint warns about stays unused)', () => {
  const offenders = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.rs') && /from_html_unchecked|VRaw|set_inner_html|inner_html/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(ROOT, p));
    }
  };
  walk(path.join(ROOT, 'src'));
  assert.deepEqual(offenders, []);
});

// Two wasm modules (README "Wasm size"): neither carries the other's entry points.
test('the panel wasm holds the panel only, the background wasm the hub only', () => {
  const exportsOf = (name) => WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(path.join(PKG, name)))).map((e) => e.name);
  const panel = exportsOf('panel_bg.wasm');
  const background = exportsOf('background_bg.wasm');
  assert.ok(panel.includes('start_panel'), 'the panel wasm exports start_panel');
  assert.ok(!panel.some((n) => n.startsWith('backgroundhub_')), 'no BackgroundHub in the panel wasm');
  assert.ok(background.includes('backgroundhub_new'), 'the background wasm exports BackgroundHub');
  assert.ok(!background.includes('start_panel'), 'no panel in the background wasm');
  assert.ok(!/__wbg_[a-z_]*(createElement|setAttribute)/i.test(fs.readFileSync(path.join(PKG, 'background.js'), 'utf8')), 'no DOM glue in the background loader');
});
