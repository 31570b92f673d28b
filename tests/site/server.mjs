// Static server for the offline HubSpot simulator site.
//
//   node tests/site/server.mjs [--port N]      (N = 0, the default, picks a free port)
//
// Prints exactly one line, `listening http://localhost:<port>/`, once ready.
// Binds 127.0.0.1: pages are opened as http://localhost:PORT/ and the simulated chat iframe is
// served from http://127.0.0.1:PORT/, which makes it cross-origin to the page.
//
// Besides files it answers the simulated widget-data request
//   GET /hs/livechat-public/v1/message/public?portalId=…&messagesUtk=…
//   header X-HubSpot-Messages-Uri: <page URL>
// with 200 + JSON (render), or 204 when the page URL has `chat=none` in its query string
// ("no chat on this page"), or 200 `{"@type":"HIDE_WIDGET"}` for `chat=hidden`.

import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': 'X-HubSpot-Messages-Uri, Content-Type',
  'Access-Control-Max-Age': '600',
};

function send(res, status, headers, body) {
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function widgetData(req, res, url) {
  if (req.method === 'OPTIONS') return send(res, 204, CORS);
  let chat = '';
  try {
    chat = new URL(req.headers['x-hubspot-messages-uri'] || '').searchParams.get('chat') || '';
  } catch {
    // no or malformed page URL: treat as a page with chat
  }
  if (chat === 'none') return send(res, 204, CORS);
  const body = chat === 'hidden'
    ? { '@type': 'HIDE_WIDGET', portalId: Number(url.searchParams.get('portalId')) || null }
    : {
        '@type': 'WELCOME_MESSAGE',
        portalId: Number(url.searchParams.get('portalId')) || null,
        messagesUtk: url.searchParams.get('messagesUtk') || null,
        welcomeMessage: 'Hi! Questions about your order? We are here to help.',
        chatHeading: 'Acme Shop support',
      };
  return send(res, 200, { ...CORS, 'Content-Type': TYPES['.json'] }, JSON.stringify(body));
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/hs/livechat-public/v1/message/public') return widgetData(req, res, url);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': TYPES['.txt'] }, 'method not allowed\n');
  }

  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return send(res, 400, { 'Content-Type': TYPES['.txt'] }, 'bad request\n');
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.join(ROOT, pathname);
  if (!file.startsWith(ROOT + path.sep) || pathname.includes('\0')) {
    return send(res, 404, { 'Content-Type': TYPES['.txt'] }, 'not found\n');
  }

  let body;
  try {
    body = await fs.readFile(file);
  } catch {
    // Any portal id gets the generic portal script (it reads its id from its own src).
    if (/^\/hs\/hs-scripts\/\d+\.js$/.test(pathname)) {
      body = await fs.readFile(path.join(ROOT, 'hs/hs-scripts/12345.js'));
    } else {
      return send(res, 404, { 'Content-Type': TYPES['.txt'] }, 'not found\n');
    }
  }
  const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
  return send(res, 200, { 'Content-Type': type, 'Content-Length': body.length }, body);
}

/**
 * `tls: {key, cert}` (PEM text or Buffers) serves https instead of http, e.g. for pages under real
 * host names where Secure cookies matter (tests/harness/hosts.mjs makes a self-signed pair).
 */
export function startServer({ port = 0, tls = null } = {}) {
  const onRequest = (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { 'Content-Type': TYPES['.txt'] }, 'internal error\n');
      else res.destroy();
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  const scheme = tls ? 'https' : 'http';
  // Browsers keep connections alive; close() must not wait for them.
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        port: actual,
        url: `${scheme}://localhost:${actual}/`,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

function parsePort(argv) {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : (argv.find((a) => a.startsWith('--port=')) || '').slice(7);
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`invalid --port ${raw}`);
    process.exit(2);
  }
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { url } = await startServer({ port: parsePort(process.argv.slice(2)) });
  console.log(`listening ${url}`);
}
