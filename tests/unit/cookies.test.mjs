// extension/background/cookies.js under node, with a fake chrome.cookies. Run: node --test tests/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COOKIES_URL = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extension/background/cookies.js'));

const cookie = (name, domain, extra = {}) => ({ name, value: 'v', domain, path: '/', hostOnly: !domain.startsWith('.'), storeId: '0', ...extra });

// A fake chrome.cookies: getAll answers like the browser (a domain query also returns subdomains'
// cookies); `refuse(query)` makes a query form throw, as an older browser does with unknown keys.
function fakeCookies({ jar = [], stores = [{ id: '0', tabIds: [1] }], refuse = () => false, refuseSet = () => false } = {}) {
  const listeners = [];
  const api = {
    queries: [],
    sets: [],
    async getAll(query) {
      api.queries.push(query);
      if (refuse(query)) throw new Error(`Unexpected property: ${Object.keys(query).join(',')}`);
      const d = query.domain;
      return jar.filter((c) => {
        const host = c.domain.replace(/^\./, '');
        return (host === d || host.endsWith(`.${d}`)) && (query.storeId === undefined || c.storeId === query.storeId);
      });
    },
    async getAllCookieStores() {
      if (stores instanceof Error) throw stores;
      return stores;
    },
    async set(details) {
      api.sets.push(details);
      if (refuseSet(details)) throw new Error('refused');
    },
    onChanged: { addListener: (f) => listeners.push(f) },
    change: (c) => listeners.forEach((f) => f({ cookie: c, removed: false, cause: 'explicit' })),
  };
  return api;
}

// A fresh copy of the module (its learnt query form is module state) bound to `api`.
let copies = 0;
async function load(api) {
  globalThis.chrome = { cookies: api };
  return import(`${COOKIES_URL}?copy=${++copies}`);
}

test('listCookies keeps only the exact domains asked for (getAll also returns subdomains\')', async () => {
  const api = fakeCookies({ jar: [cookie('a', '.example.test'), cookie('b', 'shop.example.test'), cookie('c', 'other.example.test'),
    cookie('d', '.deep.shop.example.test'), cookie('e', 'elsewhere.test')] });
  const { listCookies } = await load(api);
  const out = JSON.parse(await listCookies(1, 'https://shop.example.test/cart', ['shop.example.test', 'example.test']));
  assert.deepEqual(out.cookies.map((c) => c.name).sort(), ['a', 'b']);
  assert.deepEqual(api.queries.map((q) => q.domain), ['shop.example.test', 'example.test']);
  assert.equal(out.url, 'https://shop.example.test/cart');
  assert.equal(out.error, null);
});

test('listCookies asks the cookie store of the tab, or the default store when none lists it', async () => {
  const api = fakeCookies({ jar: [cookie('a', 'x.test'), cookie('b', 'x.test', { storeId: '1' })],
    stores: [{ id: '0', tabIds: [1] }, { id: '1', tabIds: [7, 8] }] });
  const { listCookies } = await load(api);
  const inStore = JSON.parse(await listCookies(8, 'https://x.test/', ['x.test']));
  assert.equal(inStore.store_id, '1');
  assert.deepEqual(inStore.cookies.map((c) => c.name), ['b']);
  assert.equal(api.queries[0].storeId, '1');
  const unknownTab = JSON.parse(await listCookies(99, 'https://x.test/', ['x.test']));
  assert.equal(unknownTab.store_id, null);
  assert.equal('storeId' in api.queries[1], false, 'no storeId: the default store');

  const broken = fakeCookies({ jar: [cookie('a', 'x.test')], stores: new Error('no stores API') });
  const fallback = JSON.parse(await (await load(broken)).listCookies(1, 'https://x.test/', ['x.test']));
  assert.deepEqual([fallback.store_id, fallback.cookies.length, fallback.error], [null, 1, null]);
});

test('listCookies learns once which query form the browser takes (partitionKey, plain, firstPartyDomain)', async () => {
  // This browser knows neither partitionKey nor the plain form under first-party isolation.
  const api = fakeCookies({ jar: [cookie('a', 'x.test')], refuse: (q) => !('firstPartyDomain' in q) || 'partitionKey' in q });
  const { listCookies } = await load(api);
  const first = JSON.parse(await listCookies(1, 'https://x.test/', ['x.test']));
  assert.deepEqual(first.cookies.map((c) => c.name), ['a']);
  const forms = (qs) => qs.map((q) => Object.keys(q).filter((k) => k !== 'domain' && k !== 'storeId').sort().join('+') || 'plain');
  assert.deepEqual(forms(api.queries), ['partitionKey', 'plain', 'firstPartyDomain+partitionKey', 'firstPartyDomain']);
  api.queries.length = 0;
  await listCookies(1, 'https://x.test/', ['x.test', 'y.test']);
  assert.deepEqual(forms(api.queries), ['firstPartyDomain', 'firstPartyDomain'], 'the learnt form is asked first');
  assert.equal(api.queries[0].firstPartyDomain, null);
});

test('listCookies turns an error into the error field, with no cookies', async () => {
  const api = fakeCookies({ refuse: () => true });
  const { listCookies } = await load(api);
  const out = JSON.parse(await listCookies(1, 'https://x.test/', ['x.test']));
  assert.deepEqual(out, { url: 'https://x.test/', store_id: null, cookies: [], error: 'Unexpected property: domain,storeId,firstPartyDomain' });
  const notAList = JSON.parse(await listCookies(1, 'https://x.test/', undefined));
  assert.equal(typeof notAList.error, 'string');
  assert.deepEqual(notAList.cookies, []);
});

test('removeCookies sets each cookie as given, and goes on after a failure', async () => {
  const api = fakeCookies({ refuseSet: (d) => d.name === 'bad' });
  const { removeCookies } = await load(api);
  const warn = console.warn;
  const warnings = [];
  console.warn = (...a) => warnings.push(a.join(' '));
  try {
    await removeCookies([{ name: 'bad', url: 'https://x.test/' }, { name: 'messagesUtk', url: 'https://x.test/', expirationDate: 0 }]);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(api.sets, [{ name: 'bad', url: 'https://x.test/' }, { name: 'messagesUtk', url: 'https://x.test/', expirationDate: 0 }]);
  assert.equal(warnings.length, 1);
});

test('cookieListener reports the changes of 100 ms at once, without duplicates', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const api = fakeCookies();
  const { cookieListener } = await load(api);
  const calls = [];
  api.onChanged.addListener(cookieListener((changes) => calls.push(changes)));
  api.change(cookie('messagesUtk', '.x.test'));
  api.change(cookie('messagesUtk', '.x.test', { value: 'changed' }));
  api.change(cookie('hs-messages-is-open', 'x.test'));
  api.change(cookie('messagesUtk', '.x.test', { storeId: '1' }));
  t.mock.timers.tick(99);
  assert.deepEqual(calls, [], 'nothing before 100 ms');
  t.mock.timers.tick(1);
  assert.deepEqual(calls, [[
    { domain: '.x.test', hostOnly: false, storeId: '0' },
    { domain: 'x.test', hostOnly: true, storeId: '0' },
    { domain: '.x.test', hostOnly: false, storeId: '1' },
  ]]);
  // The next change waits for the rest of the 100 ms after the previous report.
  t.mock.timers.tick(30);
  api.change(cookie('a', 'y.test'));
  t.mock.timers.tick(69);
  assert.equal(calls.length, 1);
  t.mock.timers.tick(1);
  assert.deepEqual(calls[1], [{ domain: 'y.test', hostOnly: true, storeId: '0' }]);
  // An event without a cookie is ignored; after a quiet period, a change is reported at once.
  api.change(undefined);
  t.mock.timers.tick(500);
  assert.equal(calls.length, 2);
  api.change(cookie('b', 'z.test'));
  t.mock.timers.tick(0);
  assert.deepEqual(calls[2], [{ domain: 'z.test', hostOnly: true, storeId: '0' }]);
});
