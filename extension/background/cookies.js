// The cookies API, for the Cookies tab (filled by the cookies work).

/** JSON text of the cookies the page at `url` in `tabId` can see. */
export async function listCookies(tabId, url) {
  void tabId;
  void url;
  return '[]';
}

/** Removes exactly these cookies ({url, name, storeId, partitionKey?} details). */
export async function removeCookies(details) {
  void details;
}

/** Calls `onChange(cookie)` for every cookie change in the browser. */
export function watchCookies(onChange) {
  void onChange;
}
