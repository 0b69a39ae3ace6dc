// Issue 15 target 4: the first screen loads only its own JavaScript, the other screens' code is
// fetched after it, and a screen that loads on demand is never taken for ready while its code is
// still on the way (src/renderer/src/app/lazy-screens.tsx).
import { join } from 'node:path';
import type { Route } from '@playwright/test';
import { readRendererBundle } from '../helpers/renderer-bundle';
import { bridge, nav, saveVersion } from './flows';
import { expect, openApp, screenshot, test } from './fixtures';

const RENDERER = join(__dirname, '..', '..', 'out', 'renderer');

test('the Library is ready before any other screen code arrives; after the prefetch, opening the editor fetches no code', async ({ page, server }) => {
  await bridge(server, 'prompts:create', { name: 'greeter', title: 'Greeter' });
  const bundle = readRendererBundle(RENDERER);
  const initial = new Set(bundle.js.filter((a) => a.initial).map((a) => a.file.replace(/^assets\//, '')));
  const requested: string[] = [];
  // A plain (non-team) host: the page's "is this a team server?" gets a normal answer, no 404 logged.
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('request', (request) => {
    const file = /\/assets\/([^/?#]+\.js)$/.exec(new URL(request.url()).pathname)?.[1];
    if (file) requested.push(file);
  });
  // Every chunk but the initial ones is held until the Library has said it is ready.
  const held: Route[] = [];
  let releasing = false;
  await page.route(/\/assets\/[^/]+\.js$/, async (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop()!;
    if (initial.has(file) || releasing) return route.continue();
    held.push(route);
  });

  await openApp(page, server);
  await expect(page.getByRole('link', { name: 'Greeter' })).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search prompts' })).toBeEditable();
  for (const file of initial) expect(requested, `${file} is loaded first`).toContain(file);
  expect([...initial].some((file) => /^(codemirror|EditorScreen|SettingsScreen|LogsView)-/.test(file))).toBe(false);
  // Ready while every other chunk was held: the prefetch asks for them once the first screen is up.
  await expect.poll(() => held.length).toBeGreaterThan(0);

  releasing = true;
  for (const route of held.splice(0)) await route.continue();
  await expect(page.locator('html[data-screens-prefetched="true"]')).toBeAttached();
  const before = requested.length;
  await page.getByRole('link', { name: 'Greeter' }).click();
  await expect(page.getByLabel('Template')).toBeVisible();
  await page.getByRole('tab', { name: 'Versions' }).click();
  await expect(page.getByRole('heading', { name: 'No versions yet' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  expect(requested.slice(before), 'no JavaScript fetched after the prefetch').toEqual([]);
  expect(consoleErrors, 'no console error from loading and using the app').toEqual([]);
});

test('a screen whose code is slow to arrive shows a calm loading indicator in its place, then the screen', async ({ page, server }) => {
  // A slow link: the Settings chunk takes 2.5 s (the prefetch and the click wait on the same fetch).
  await page.route(/\/assets\/SettingsScreen-[^/]+\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await route.continue();
  });
  await openApp(page, server);
  await nav(page, 'Settings');
  const main = page.getByRole('main');
  const indicator = main.locator('[data-lazy-placeholder]').getByRole('status');
  await expect(indicator).toHaveText('Loading…');
  await screenshot(page, 'lazy-slow-loading');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible({ timeout: 10_000 });
  await expect(main.locator('[data-lazy-placeholder]')).toHaveCount(0);
  await screenshot(page, 'lazy-slow-loaded');
});

/** In the page before its scripts: what the page showed at the moment html[data-app-ready] was set. */
const RECORD_AT_READY = `(() => {
  const observer = new MutationObserver(() => {
    if (document.documentElement?.dataset.appReady !== 'true') return;
    observer.disconnect();
    window.__atReady = {
      placeholders: document.querySelectorAll('[data-lazy-placeholder]').length,
      heading: document.querySelector('main h1')?.textContent ?? null,
      tabpanel: document.querySelector('[role="tabpanel"]')?.textContent?.trim().slice(0, 80) ?? null,
    };
  });
  // The document, not <html>: an init script may run before <html> exists.
  observer.observe(document, { attributes: true, subtree: true, attributeFilter: ['data-app-ready'] });
})();`;

// Each screen and tab that loads on demand, opened by a fresh page load straight onto it: the
// first render shows the placeholder, and the ready flag waits for the screen itself.
const ROUTES: Array<{ hash: string; heading: string; panel?: RegExp }> = [
  { hash: '#/settings', heading: 'Settings' },
  { hash: '#/logs', heading: 'Logs' },
  { hash: '#/chat', heading: 'Chat' },
  { hash: '#/prompts/greeter', heading: 'Greeter', panel: /Template/ },
  { hash: '#/prompts/greeter/versions', heading: 'Greeter', panel: /version/ },
  { hash: '#/prompts/greeter/history', heading: 'Greeter', panel: /./ },
  { hash: '#/prompts/greeter/sharing', heading: 'Greeter', panel: /./ },
  { hash: '#/prompts/greeter/api', heading: 'Greeter', panel: /./ },
];

test('a page loaded straight onto a lazy screen or tab is ready only once that screen shows', async ({ page, server }) => {
  await bridge(server, 'prompts:create', { name: 'greeter', title: 'Greeter' });
  await openApp(page, server);
  await page.getByRole('link', { name: 'Greeter' }).click();
  await page.getByLabel('Template').click();
  await page.keyboard.insertText('Hello {{name}}');
  await saveVersion(page, 'first', 1);
  await page.addInitScript({ content: RECORD_AT_READY });

  for (const route of ROUTES) {
    // A new document each time (the tab's session stays in sessionStorage), so nothing is loaded yet.
    await page.goto('about:blank');
    await page.goto(`${server.url}/${route.hash}`);
    await expect(page.locator('html[data-app-ready="true"]')).toBeAttached();
    const atReady = (await page.evaluate('window.__atReady')) as { placeholders: number; heading: string | null; tabpanel: string | null };
    expect(atReady.placeholders, `${route.hash}: no loading placeholder when ready`).toBe(0);
    expect(atReady.heading, `${route.hash}: its heading when ready`).toContain(route.heading);
    if (route.panel) expect(atReady.tabpanel ?? '', `${route.hash}: its tab when ready`).toMatch(route.panel);
  }
  await screenshot(page, 'lazy-api-tab-after-reload');
});

test('a screen whose code cannot be fetched offers a reload in its place; the rest of the window keeps working', async ({ page, server }) => {
  // As when the app was rebuilt under an open window: the Settings chunk's file is gone.
  await page.route(/\/assets\/SettingsScreen-[^/]+\.js$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await openApp(page, server);
  await expect(page.locator('html[data-screens-prefetched="true"]')).toBeAttached();
  await nav(page, 'Settings');
  await expect(page.getByRole('heading', { name: 'This screen could not be loaded' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await screenshot(page, 'lazy-load-failed');
  await nav(page, 'Logs');
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();
  await nav(page, 'Library');
  await expect(page.getByRole('searchbox', { name: 'Search prompts' })).toBeEditable();
});
