// The panel follows the devtools theme: in the REAL devtools panel, <html data-theme> is the
// devtools theme when the panel opens and follows every switch of it (Firefox:
// devtools.panels.onThemeChanged; Chromium: devtools.panels.setThemeChangeHandler), and the
// colours change with it. As a tab (no devtools) the panel sets no data-theme and follows the
// system's prefers-color-scheme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser } from '../harness/session.mjs';
import { simReady } from '../harness/site.mjs';
import { waitForPanelReady } from '../harness/panel-ui.mjs';
import { toExpression } from '../harness/driver.mjs';

const DARK_BG = 'rgb(32, 33, 36)'; // --bg of the dark theme (#202124)
const LIGHT_BG = 'rgb(255, 255, 255)';

function look(panel) {
  return panel.evaluate(() => ({
    theme: document.documentElement.getAttribute('data-theme'),
    bg: getComputedStyle(document.body).backgroundColor,
    systemDark: matchMedia('(prefers-color-scheme: dark)').matches,
  }));
}

function waitForTheme(panel, theme, bg) {
  const pred = toExpression(([t, b]) => document.documentElement.getAttribute('data-theme') === t
    && getComputedStyle(document.body).backgroundColor === b, [theme, bg]);
  return panel.waitFor(pred, { timeout: 10000, message: `data-theme="${theme}" and background ${bg}` })
    .catch(async (e) => { throw new Error(`${e.message}; panel: ${JSON.stringify(await look(panel))}`); });
}

forEachBrowser((browser, s) => {
  test(`${browser}: devtools panel: data-theme follows the devtools theme when it opens and when it changes`, async () => {
    const page = await s.h.newPage(s.url('index.html?theme'));
    await simReady(page);
    const dt = await s.h.openDevtoolsPanel(page);
    await waitForPanelReady(dt);
    await waitForTheme(dt, 'light', LIGHT_BG);

    await dt.setDevtoolsTheme('dark');
    await waitForTheme(dt, 'dark', DARK_BG);
    await dt.setDevtoolsTheme('light');
    await waitForTheme(dt, 'light', LIGHT_BG);
    await dt.setDevtoolsTheme('dark');
    await waitForTheme(dt, 'dark', DARK_BG);
    await dt.close();

    // A devtools window opened while the theme is dark starts dark.
    const again = await s.h.openDevtoolsPanel(page);
    await waitForPanelReady(again);
    await waitForTheme(again, 'dark', DARK_BG);
    await again.setDevtoolsTheme('light');
    await waitForTheme(again, 'light', LIGHT_BG);
    await again.close();
    await page.close();
  });

  test(`${browser}: panel tab: no data-theme; the colours follow prefers-color-scheme`, async () => {
    const page = await s.h.newPage(s.url('index.html?theme-tab'));
    await simReady(page);
    const tab = await s.h.openPanelTab(page);
    await waitForPanelReady(tab);
    const l = await look(tab);
    assert.equal(l.theme, null);
    assert.equal(l.bg, l.systemDark ? DARK_BG : LIGHT_BG, JSON.stringify(l));
    await tab.close();
    await page.close();
  });
});
