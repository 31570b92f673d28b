// `web-ext lint` on the Firefox build, with the warnings README.md ("Firefox") explains allowed and
// anything else failing: exit 1 on any error, and on any warning not in EXPLAINED.
//   node scripts/lint-firefox.mjs [dist/firefox]
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] || join(root, 'dist/firefox'));

// code → file it may appear in (see README.md, section Firefox, "web-ext lint").
const EXPLAINED = {
  BACKGROUND_SERVICE_WORKER_IGNORED: 'manifest.json',
  KEY_FIREFOX_ANDROID_UNSUPPORTED_BY_MIN_VERSION: 'manifest.json',
  UNSAFE_VAR_ASSIGNMENT: 'pkg/panel.js',
};

const r = spawnSync(join(root, 'node_modules/.bin/web-ext'), ['lint', '--source-dir', dir, '--output', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
let report;
try {
  report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
} catch {
  console.error(`web-ext lint gave no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  process.exit(1);
}
const line = (m) => `  ${m._type.padEnd(7)} ${m.code} ${m.file ?? ''}${m.line ? `:${m.line}` : ''} ${m.message}`;
const unexplained = report.warnings.filter((w) => EXPLAINED[w.code] !== w.file);
console.log(`[web-ext lint] ${dir}: ${report.errors.length} errors, ${report.warnings.length} warnings (${report.warnings.length - unexplained.length} explained in README), ${report.notices.length} notices`);
for (const m of [...report.errors, ...report.warnings, ...report.notices]) console.log(line(m));
if (report.errors.length || unexplained.length) {
  if (unexplained.length) console.error('[web-ext lint] warnings not explained in README.md (Firefox section):\n' + unexplained.map(line).join('\n'));
  process.exit(1);
}
