// Writes the manifest of one browser build from the single source manifest.json:
//   node scripts/manifest.mjs chrome|firefox OUT/manifest.json
//   node scripts/manifest.mjs version          (prints the version: Cargo.toml's)
// - version: always the `version` of the [package] in Cargo.toml (the one version of the project);
// - chrome: without `browser_specific_settings` (Firefox-only; Chromium 156 ignores it without an
//   install warning, older Chromes listed it as an unknown key);
// - firefox: as written (both background keys: Firefox runs `scripts` as an event page and ignores
//   `service_worker`; Chrome does the opposite). `browser_specific_settings.gecko` must be there.
// Output: JSON with 2-space indentation and a final newline, keys in source order (reproducible).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [browser, out] = process.argv.slice(2);
if (!(['chrome', 'firefox'].includes(browser) && out) && browser !== 'version') {
  console.error('usage: node scripts/manifest.mjs chrome|firefox OUT/manifest.json | version');
  process.exit(2);
}

/** `version = "x.y.z"` of the [package] table of Cargo.toml. */
function cargoVersion(text) {
  let inPackage = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inPackage = line === '[package]';
    const m = inPackage && line.match(/^version\s*=\s*"([^"]+)"/);
    if (m) return m[1];
  }
  throw new Error('no version in the [package] table of Cargo.toml');
}

const version = cargoVersion(readFileSync(join(root, 'Cargo.toml'), 'utf8'));
// Extension versions are 1-4 dot-separated integers (no pre-release suffixes in either store).
if (!/^\d+(\.\d+){0,3}$/.test(version)) {
  console.error(`Cargo.toml version ${version} is not a valid extension version (1-4 integers)`);
  process.exit(1);
}
if (browser === 'version') {
  console.log(version);
  process.exit(0);
}
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
manifest.version = version;
if (browser === 'chrome') {
  delete manifest.browser_specific_settings;
} else if (!manifest.browser_specific_settings?.gecko?.id) {
  console.error('manifest.json: browser_specific_settings.gecko.id is required for Firefox');
  process.exit(1);
}
writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
