// Rewrites a wasm module's function names (the `name` section) in place without rustc's hashes:
// `foo::bar::h0123456789abcdef` becomes `foo::bar` (also before a wasm-bindgen suffix such as
// " externref shim"), `core[c5930c85a12de822]::x` becomes `core::x`.
//   node scripts/wasm-names.mjs FILE.wasm
// The Makefile runs it between wasm-bindgen and wasm-opt, whose --reorder-functions-by-name then
// puts the copies of one generic function side by side (gzip finds them within its window: the
// panel's wasm 1.6 KB smaller gzipped) in an order that depends on the code only, never on hashes.
// wasm-opt's --strip-debug removes the names afterwards (README "Wasm size").
import fs from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: node scripts/wasm-names.mjs FILE.wasm');
const wasm = fs.readFileSync(file);

function readLeb(at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = wasm[at.pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
}

function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

const withoutHashes = (name) => name.replace(/::h[0-9a-f]{16}(?=$| )/g, '').replace(/\[[0-9a-f]{16}\]/g, '');

/** The `name` section's body with its function names (subsection 1) rewritten. */
function rewriteNames(start, end) {
  const at = { pos: start };
  const parts = [];
  while (at.pos < end) {
    const subStart = at.pos;
    const id = wasm[at.pos++];
    const size = readLeb(at);
    const subEnd = at.pos + size;
    if (id === 1) {
      const count = readLeb(at);
      const items = [leb(count)];
      for (let i = 0; i < count; i++) {
        const index = readLeb(at);
        const length = readLeb(at);
        const name = Buffer.from(withoutHashes(wasm.subarray(at.pos, at.pos + length).toString('utf8')));
        at.pos += length;
        items.push(leb(index), leb(name.length), name);
      }
      const body = Buffer.concat(items);
      parts.push(Buffer.from([1]), leb(body.length), body);
    } else {
      parts.push(wasm.subarray(subStart, subEnd));
    }
    at.pos = subEnd;
  }
  return Buffer.concat(parts);
}

const out = [wasm.subarray(0, 8)];
const at = { pos: 8 };
let found = false;
while (at.pos < wasm.length) {
  const start = at.pos;
  const id = wasm[at.pos++];
  const size = readLeb(at);
  const body = at.pos;
  const end = body + size;
  if (id === 0) {
    const nameLength = readLeb(at);
    const sectionName = wasm.subarray(at.pos, at.pos + nameLength).toString('utf8');
    if (sectionName === 'name') {
      const rest = rewriteNames(at.pos + nameLength, end);
      const content = Buffer.concat([leb(nameLength), Buffer.from('name'), rest]);
      out.push(Buffer.from([0]), leb(content.length), content);
      found = true;
      at.pos = end;
      continue;
    }
  }
  out.push(wasm.subarray(start, end));
  at.pos = end;
}
if (!found) throw new Error(`${file}: no name section (was wasm-bindgen run with --remove-name-section?)`);
fs.writeFileSync(file, Buffer.concat(out));
