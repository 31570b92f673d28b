// Deterministic zip of a directory (no `zip` binary needed): entries sorted by path, fixed
// timestamp (1980-01-01 00:00), fixed permissions (0644 files), no directory entries, no extra
// fields. The same input tree always yields the same bytes (for a given zlib).
//   node scripts/zip.mjs SRC_DIR OUT.zip
import { readdirSync, readFileSync, writeFileSync, renameSync, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import zlib from 'node:zlib';

const [srcDir, outFile] = process.argv.slice(2);
if (!srcDir || !outFile) {
  console.error('usage: node scripts/zip.mjs SRC_DIR OUT.zip');
  process.exit(2);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...walk(p));
    else if (st.isFile()) out.push(p);
    else throw new Error(`unsupported file type (symlink?): ${p}`);
  }
  return out;
}

const files = walk(srcDir)
  .map((p) => ({ abs: p, name: relative(srcDir, p).split(sep).join('/') }))
  .sort((a, b) => (Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))));

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, 2.0 (so external attributes carry a mode)
const EXTERNAL_ATTR = ((0o100644 << 16) >>> 0); // regular file, rw-r--r--

const chunks = [];
const central = [];
let offset = 0;

for (const f of files) {
  const data = readFileSync(f.abs);
  const nameBuf = Buffer.from(f.name, 'utf8');
  const utf8 = /[^\x20-\x7e]/.test(f.name);
  const flags = utf8 ? 0x0800 : 0;
  const deflated = zlib.deflateRawSync(data, { level: 9, memLevel: 9, strategy: zlib.constants.Z_DEFAULT_STRATEGY });
  const method = deflated.length < data.length ? 8 : 0;
  const body = method === 8 ? deflated : data;
  const crc = crc32(data);
  if (data.length >= 0xffffffff || offset >= 0xffffffff) throw new Error('zip64 not supported');

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(VERSION_NEEDED, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  chunks.push(local, nameBuf, body);

  const cen = Buffer.alloc(46);
  cen.writeUInt32LE(0x02014b50, 0);
  cen.writeUInt16LE(VERSION_MADE_BY, 4);
  cen.writeUInt16LE(VERSION_NEEDED, 6);
  cen.writeUInt16LE(flags, 8);
  cen.writeUInt16LE(method, 10);
  cen.writeUInt16LE(DOS_TIME, 12);
  cen.writeUInt16LE(DOS_DATE, 14);
  cen.writeUInt32LE(crc, 16);
  cen.writeUInt32LE(body.length, 20);
  cen.writeUInt32LE(data.length, 24);
  cen.writeUInt16LE(nameBuf.length, 28);
  cen.writeUInt16LE(0, 30); // extra
  cen.writeUInt16LE(0, 32); // comment
  cen.writeUInt16LE(0, 34); // disk
  cen.writeUInt16LE(0, 36); // internal attr
  cen.writeUInt32LE(EXTERNAL_ATTR, 38);
  cen.writeUInt32LE(offset, 42);
  central.push(cen, nameBuf);

  offset += local.length + nameBuf.length + body.length;
}

if (files.length > 0xffff) throw new Error('too many entries for a non-zip64 archive');
const cdSize = central.reduce((n, b) => n + b.length, 0);
const eocd = Buffer.alloc(22);
eocd.writeUInt32LE(0x06054b50, 0);
eocd.writeUInt16LE(0, 4);
eocd.writeUInt16LE(0, 6);
eocd.writeUInt16LE(files.length, 8);
eocd.writeUInt16LE(files.length, 10);
eocd.writeUInt32LE(cdSize, 12);
eocd.writeUInt32LE(offset, 16);
eocd.writeUInt16LE(0, 20);

const out = Buffer.concat([...chunks, ...central, eocd]);
writeFileSync(`${outFile}.tmp`, out);
renameSync(`${outFile}.tmp`, outFile);
console.log(`[zip] ${outFile}: ${files.length} files, ${out.length} bytes`);
