// Sanity check after wasm-opt: the module must still compile in V8 (node's WebAssembly is the same
// engine as Chromium's) with the features it uses. Prints import/export counts.
//   node scripts/check-wasm.mjs path/to/x_bg.wasm
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/check-wasm.mjs FILE.wasm');
  process.exit(2);
}
const bytes = readFileSync(file);
try {
  const mod = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(mod);
  const exports = WebAssembly.Module.exports(mod);
  console.log(`[check-wasm] ${file}: compiles OK (${imports.length} imports, ${exports.length} exports)`);
} catch (err) {
  console.error(`[check-wasm] ${file}: does NOT compile: ${err.message}`);
  process.exit(1);
}
