import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { CHANNELS } from './src/main/core/channel-map';

// The channel names from the one channel map, inlined into the preload and the renderer, which may
// not load main's code (nor, for the sandboxed preload, zod) at runtime.
const channelNames = { __PROMPTDESK_CHANNELS__: JSON.stringify(CHANNELS) };

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // The Electron shell and the headless CLI share one core; the CLI never imports electron.
          electron: resolve('src/main/electron/index.ts'),
          cli: resolve('src/main/headless/cli.ts'),
          // The exact Logs statistics' worker thread (core/logs/log-stats-worker.ts loads it by file).
          'log-stats-thread': resolve('src/main/core/logs/log-stats-thread.ts'),
        },
      },
    },
  },
  preload: {
    define: channelNames,
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') } },
    },
  },
  renderer: {
    define: channelNames,
    root: resolve('src/renderer'),
    build: {
      // electron-vite leaves the renderer unminified; minified, the first screen's JavaScript is a
      // third of the size (issue 15: initial renderer JS < 500 KB; `npm run bench:ui` prints it).
      minify: true,
      rolldownOptions: {
        input: { index: resolve('src/renderer/index.html') },
        output: {
          // Screens other than the Library are import()ed (src/renderer/src/app/lazy-screens.tsx);
          // these groups keep libraries whole in chunks of their own, so an app change does not
          // make the browser fetch React again, and CodeMirror arrives only with the editor.
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
              { name: 'codemirror', test: /node_modules[\\/](@codemirror|@lezer|style-mod|w3c-keyname|crelt|@marijn)[\\/]/ },
            ],
          },
        },
      },
    },
    plugins: [react()],
  },
});
