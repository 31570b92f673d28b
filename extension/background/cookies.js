// The cookies API, for the Cookies view. Only I/O lives here: which cookies belong to the page,
// and which may be deleted, is decided by the Rust hub (src/core/cookies.rs, src/core/hub/cookies.rs).
const api = globalThis.browser?.cookies ?? chrome.cookies;

/** The cookie store of the tab: Chrome's incognito store, a Firefox container, or the default. */
async function storeOf(tabId) {
  try {
    const stores = await api.getAllCookieStores();
    const store = stores.find((s) => (s.tabIds ?? []).includes(tabId));
    if (store) return store.id;
  } catch {
    // fall through to the default store
  }
  return null;
}

// How getAll is asked, learnt once: with `partitionKey: {}` (Chrome >= 119, Firefox: partitioned
// AND unpartitioned cookies), plain, or with `firstPartyDomain: null` (Firefox, first-party isolation).
const QUERY_FORMS = [
  (q) => ({ ...q, partitionKey: {} }),
  (q) => q,
  (q) => ({ ...q, firstPartyDomain: null, partitionKey: {} }),
  (q) => ({ ...q, firstPartyDomain: null }),
];
let queryForm = 0;

async function getAll(query) {
  let lastError;
  for (let i = queryForm; i < QUERY_FORMS.length; i++) {
    try {
      const found = await api.getAll(QUERY_FORMS[i](query));
      queryForm = i;
      return found;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * JSON text `{url, store_id, cookies, error}`: the cookies of the tab's store whose domain is one of
 * `domains` (the page host and its parent domains, never a bare TLD: the Rust hub says which), any
 * path, any partition: the hub filters exactly.
 */
export async function listCookies(tabId, url, domains) {
  try {
    const storeId = await storeOf(tabId);
    const cookies = [];
    for (const domain of domains) {
      const query = storeId === null ? { domain } : { domain, storeId };
      // getAll({domain}) also returns subdomains' cookies: keep only this exact domain here, so a
      // parent domain costs no more than its own cookies in the answer.
      for (const c of await getAll(query)) {
        if (c.domain.replace(/^\./, '').toLowerCase() === domain) cookies.push(c);
      }
    }
    return JSON.stringify({ url, store_id: storeId, cookies, error: null });
  } catch (error) {
    return JSON.stringify({ url, store_id: null, cookies: [], error: String(error?.message ?? error) });
  }
}

/**
 * Deletes exactly these cookies. Each entry is `cookies.set()` details that overwrite one cookie
 * (name, domain or host-only, path, store, partition) with an expiry in the past: `cookies.remove`
 * would delete EVERY cookie of that name sent to its URL (see RawCookie::removal_details).
 * Failures show up in the listing that follows (the hub reports cookies that are still there).
 */
export async function removeCookies(details) {
  for (const d of details) {
    try {
      await api.set(d);
    } catch (error) {
      console.warn('[Chat Widget Inspector] could not delete a cookie:', error?.message);
    }
  }
}

const COALESCE_MS = 100;

/**
 * A `cookies.onChanged` listener that calls `onChange(changes)` at most once per 100 ms with the
 * cookies that changed since the last call (`[{domain, hostOnly, storeId}]`, duplicates removed):
 * the hub lists again for each tab whose page sees one of them. The background adds and removes it.
 */
export function cookieListener(onChange) {
  let pending = new Map();
  let timer = null;
  let last = 0;
  const flush = () => {
    timer = null;
    last = Date.now();
    const changes = [...pending.values()];
    pending = new Map();
    if (changes.length) onChange(changes);
  };
  return ({ cookie }) => {
    if (!cookie) return;
    const change = { domain: cookie.domain, hostOnly: !!cookie.hostOnly, storeId: cookie.storeId };
    pending.set(`${change.storeId}\u0000${change.hostOnly}\u0000${change.domain}`, change);
    if (timer === null) timer = setTimeout(flush, Math.max(0, last + COALESCE_MS - Date.now()));
  };
}
