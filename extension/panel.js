import init, { start_panel } from './pkg/panel.js';
import { followTheme } from './devpanel/theme.js';

followTheme(); // before the first paint of the app: <html data-theme> from the devtools theme
await init({ module_or_path: new URL('./pkg/panel_bg.wasm', import.meta.url) });
start_panel();
