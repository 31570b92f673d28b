import init, { start_panel } from './pkg/chat_widget_inspector.js';

await init({ module_or_path: new URL('./pkg/chat_widget_inspector_bg.wasm', import.meta.url) });
start_panel();
