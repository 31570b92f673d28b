// The panel follows the devtools theme (light/dark). Only the devtools page has the devtools API:
// it opens the panel as panel.html?tabId=N&theme=light|dark and announces changes on the
// BroadcastChannel "cwi-theme" ({type:"theme", tabId, theme}); a (re)loaded panel asks for the
// current one ({type:"ask", tabId}). The theme is set as <html data-theme> (see panel.css). As a
// tab (no `theme` parameter) nothing is set and panel.css follows prefers-color-scheme.
export const THEME_CHANNEL = 'cwi-theme';

export function followTheme(root = document.documentElement, search = location.search) {
  const params = new URLSearchParams(search);
  const initial = params.get('theme');
  if (!initial) return null;
  const tabId = Number(params.get('tabId'));
  const set = (theme) => {
    if (theme === 'dark' || theme === 'light') root.dataset.theme = theme;
  };
  set(initial);
  const channel = new BroadcastChannel(THEME_CHANNEL);
  channel.onmessage = ({ data }) => {
    if (data && data.type === 'theme' && data.tabId === tabId) set(data.theme);
  };
  channel.postMessage({ type: 'ask', tabId });
  return channel;
}
