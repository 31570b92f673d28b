// Static server for the offline HubSpot simulator site.
//
//   node tests/site/server.mjs [--port N]      (N = 0, the default, picks a free port)
//
// Prints exactly one line, `listening http://localhost:<port>/`, once ready.
// Binds 127.0.0.1: pages are opened as http://localhost:PORT/ and the simulated chat iframe is
// served from http://127.0.0.1:PORT/, which makes it cross-origin to the page.
//
// Besides files it answers the simulated widget-data request
//   GET /livechat-public/v1/message/public?portalId=…&messagesUtk=…[&email=…][&identificationToken=…]
//   header X-HubSpot-Messages-Uri: <page URL>
// (also under /hs/…) with 200 + JSON (render), or 204 when the page URL has `chat=none` in its
// query string or is diagnose.html?case=no-chat-on-page ("no chat on this page"), or 200
// `{"@type":"HIDE_WIDGET"}` for `chat=hidden`. CORS + Timing-Allow-Origin, so the page's resource
// timing entry shows the status (responseStatus in Chromium).
//
// The chat iframe document is answered after 50–150 ms (HubSpot's takes about that long): calls
// made between its insertion and its load reach the blank initial document.
//
// An HTML page gets a Content-Security-Policy header when its URL asks for one: `?csp=<policy>`
// (the text `{hubspot}` in it is replaced by the simulated HubSpot origin), or the presets of
// diagnose.html?case=csp-blocked (see CSP_PRESETS); a Content-Security-Policy-Report-Only header for
// `?csp-report-only=<policy>` (blocks nothing, only reports).

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
  '.map': 'application/json; charset=utf-8',
};

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': 'X-HubSpot-Messages-Uri, Content-Type',
  'Access-Control-Max-Age': '600',
  'Timing-Allow-Origin': '*',
};

const WIDGET_DATA_PATHS = ['/livechat-public/v1/message/public', '/hs/livechat-public/v1/message/public'];
const CHAT_FRAME_PATH = '/hs/chat-iframe.html';

// diagnose.html?case=csp-blocked[&variant=script|frame|connect][&healthy=1]: the policy restricts
// one directive only (nothing else of the page is affected). Healthy: connect-src allows the
// widget-data path but not the bundle's source map (what DevTools fetches, see diagnose.js).
const CSP_PRESETS = {
  script: "script-src 'self'",
  frame: "frame-src 'self'",
  connect: "connect-src 'self'",
  healthy: "connect-src 'self' {hubspot}/livechat-public/",
};

// The host the simulated HubSpot resources come from for a page on `host` (see the loader).
function hubspotOrigin(req) {
  const host = (req.headers.host || 'localhost').replace(/:\d+$/, '');
  const port = req.socket.localPort;
  const scheme = req.socket.encrypted ? 'https' : 'http';
  return `${scheme}://${host === 'localhost' ? '127.0.0.1' : 'localhost'}:${port}`;
}

function pagePolicy(req, url) {
  let policy = url.searchParams.get('csp');
  if (!policy && url.pathname === '/diagnose.html' && url.searchParams.get('case') === 'csp-blocked') {
    policy = url.searchParams.get('healthy') === '1' ? CSP_PRESETS.healthy
      : CSP_PRESETS[url.searchParams.get('variant') || 'connect'] || CSP_PRESETS.connect;
  }
  return policy ? policy.replaceAll('{hubspot}', hubspotOrigin(req)) : null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function send(res, status, headers, body) {
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function widgetData(req, res, url) {
  if (req.method === 'OPTIONS') return send(res, 204, CORS);
  let chat = '';
  try {
    const page = new URL(req.headers['x-hubspot-messages-uri'] || '');
    chat = page.searchParams.get('chat') || '';
    if (!chat && page.pathname === '/diagnose.html' && page.searchParams.get('case') === 'no-chat-on-page' &&
        page.searchParams.get('healthy') !== '1') {
      chat = page.searchParams.get('variant') === 'hidden' ? 'hidden' : 'none';
    }
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

// `GET /hold?key=K` is answered (204) only at `GET /release?key=K`, or after HOLD_MS: a page whose
// `?hold=K` makes it load such an image (page-common.js) stays loading until the test says.
const HOLD_MS = 30000;
const held = new Map(); // key -> the responses waiting
function release(key) {
  for (const res of held.get(key) ?? []) send(res, 204, { 'Cache-Control': 'no-store' }, '');
  held.delete(key);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (WIDGET_DATA_PATHS.includes(url.pathname)) return widgetData(req, res, url);
  if (url.pathname === '/hold' || url.pathname === '/release') {
    const key = url.searchParams.get('key') ?? '';
    if (url.pathname === '/release') {
      release(key);
      return send(res, 204, { 'Cache-Control': 'no-store' }, '');
    }
    held.set(key, [...(held.get(key) ?? []), res]);
    setTimeout(() => release(key), HOLD_MS).unref();
    return;
  }
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
  const headers = { 'Content-Type': type, 'Content-Length': body.length };
  if (pathname === CHAT_FRAME_PATH) await sleep(50 + Math.random() * 100);
  const policy = type.startsWith('text/html') ? pagePolicy(req, url) : null;
  if (policy) headers['Content-Security-Policy'] = policy;
  const reportOnly = type.startsWith('text/html') ? url.searchParams.get('csp-report-only') : null;
  if (reportOnly) headers['Content-Security-Policy-Report-Only'] = reportOnly.replaceAll('{hubspot}', hubspotOrigin(req));
  return send(res, 200, headers, body);
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
