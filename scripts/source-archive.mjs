// The source archive addons.mozilla.org asks for when an add-on contains compiled code (our wasm):
// every git-tracked file of the working tree (as it is on disk, so it matches what `make dist` just
// built) plus SOURCE-README.md with the exact build steps and tool versions. Reproducible: the
// README is generated from the lock files only (no dates, no machine facts) and scripts/zip.mjs
// writes fixed timestamps and sorted entries.
//   node scripts/source-archive.mjs OUT.zip
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/source-archive.mjs OUT.zip');
  process.exit(2);
}

const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
let files;
try {
  files = git('ls-files', '-z').split('\0').filter(Boolean);
} catch (e) {
  console.error(`source-archive: needs a git checkout (${e.message.split('\n')[0]})`);
  process.exit(1);
}
// Tracked files deleted in the working tree are not part of it; symlinks are not expected.
files = files.filter((f) => existsSync(join(root, f)) && lstatSync(join(root, f)).isFile());
const dirty = git('status', '--porcelain', '--untracked-files=no').trim();
if (dirty) {
  console.warn(`[source] WARNING: the working tree differs from the commit (${dirty.split('\n').length} tracked files);`
    + ' the source archive holds the working tree. Package from a clean checkout for a store upload.');
}

const lockVersion = (lock, name) => {
  const m = readFileSync(join(root, lock), 'utf8').match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`));
  return m ? m[1] : '?';
};
const npmLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const npmVersion = (name) => npmLock.packages?.[`node_modules/${name}`]?.version ?? '?';
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const rustVersion = (cargo.match(/^rust-version\s*=\s*"([^"]+)"/m) || [])[1] || '?';
const version = execFileSync(process.execPath, [join(root, 'scripts/manifest.mjs'), 'version'], { encoding: 'utf8' }).trim();

const readme = `# Chat Widget Inspector ${version}: source code for review

This archive holds every source file of the extension (the project's git tree). The extension's
JavaScript under \`extension/\` ships as written (not minified, not bundled). The file
The two wasm modules \`pkg/panel_bg.wasm\` (the Yew panel) and \`pkg/background_bg.wasm\` (the
background hub), with their loaders \`pkg/panel.js\` and \`pkg/background.js\`, are compiled from the
Rust code in \`src/\` (through the thin crates \`wasm/panel\` and \`wasm/background\`) by rustc,
wasm-bindgen and wasm-opt.

## Build environment

- Debian 12 (bookworm), x86_64; any Linux with the tools below works.
- Rust (rustup) ${rustVersion} or newer, with the target \`wasm32-unknown-unknown\`
  (\`rustup target add wasm32-unknown-unknown\`). Built and reviewed with rustc 1.95.
- wasm-bindgen-cli ${lockVersion('Cargo.lock', 'wasm-bindgen')} exactly (must equal the \`wasm-bindgen\`
  crate in Cargo.lock): \`cargo install wasm-bindgen-cli --version ${lockVersion('Cargo.lock', 'wasm-bindgen')} --root .tools\`
- Node.js 20 and npm; \`npm ci\` installs the pinned build tools from package-lock.json, among them
  binaryen ${npmVersion('binaryen')} (\`wasm-opt\`, runs on Node) and the zip writer's dependencies
  (none: \`scripts/zip.mjs\` uses Node's zlib).
- GNU make, bash, git.

## Build steps

\`\`\`sh
make tools   # the wasm32 target, wasm-bindgen-cli (into .tools/), npm ci (browsers are optional)
make dist    # cargo build --release --target wasm32-unknown-unknown (-p each wasm/ crate); wasm-bindgen; scripts/wasm-names.mjs; wasm-opt -Oz;
             # assembles dist/chrome/ and dist/firefox/ (+ .zip)
make package # the store archives in dist/packages/ (this archive included)
\`\`\`

\`dist/firefox/\` is then the add-on as uploaded: \`dist/packages/chat-widget-inspector-${version}-firefox.xpi\`
holds exactly its files. The build is reproducible: the same sources and tool versions give
byte-identical \`pkg/*.wasm\`, \`pkg/*.js\` and archives (fixed timestamps, sorted entries), wherever
the checkout and \`CARGO_HOME\` are (the Makefile remaps those paths with \`--remap-path-prefix\`).

Where each shipped file comes from:

| shipped file | source |
|---|---|
| \`manifest.json\` | \`manifest.json\` (version from \`Cargo.toml\`; see \`scripts/manifest.mjs\`) |
| \`background/\`, \`contentScript/\`, \`pageScript/\`, \`devpanel/\`, \`icons/\`, \`*.html\`, \`*.js\` | \`extension/\`, copied unchanged |
| \`pkg/panel_bg.wasm\`, \`pkg/panel.js\`, \`pkg/background_bg.wasm\`, \`pkg/background.js\`, \`pkg/snippets/\` | \`src/\` and \`wasm/\` via the Makefile's \`dist\` target |
`;

const stage = mkdtempSync(join(tmpdir(), 'cwi-source-'));
try {
  for (const f of files) {
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    copyFileSync(join(root, f), join(stage, f));
  }
  writeFileSync(join(stage, 'SOURCE-README.md'), readme);
  execFileSync(process.execPath, [join(root, 'scripts/zip.mjs'), stage, resolve(out)], { stdio: 'inherit' });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
