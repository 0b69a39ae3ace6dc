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
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
