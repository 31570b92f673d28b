// The panel's preferences in storage.local: a pipe for ONE JSON text under one key (the record
// and its validation are Rust's, src/core/prefs.rs). Also reads and removes the panel's old
// localStorage keys, for the one-time migration.
const area = () => (globalThis.browser ?? globalThis.chrome)?.storage?.local;

// Calls `done` once with the stored text, or null (none, or storage unavailable).
// The panel waits for it: after 2 s without an answer it goes on with the defaults.
export async function loadPrefs(key, done) {
  let called = false;
  const once = (text) => {
    if (!called) {
      called = true;
      done(text);
    }
  };
  const timer = setTimeout(() => once(null), 2000);
  let text = null;
  try {
    const value = (await area().get(key))?.[key];
    if (typeof value === 'string') text = value;
  } catch {
    // Storage unavailable: the defaults.
  }
  clearTimeout(timer);
  once(text);
}

export async function savePrefs(key, text) {
  try {
    await area().set({ [key]: text });
  } catch {
    // Storage unavailable (the extension was reloaded): nothing to remember it in.
  }
}

// The keys of the panel's localStorage that start with `prefix`.
export function oldKeys(prefix) {
  try {
    return Object.keys(localStorage).filter((k) => k.startsWith(prefix));
  } catch {
    return [];
  }
}

export function oldValue(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function removeOld(keys) {
  try {
    for (const key of keys) localStorage.removeItem(key);
  } catch {
    // Not available: nothing to remove.
  }
}
