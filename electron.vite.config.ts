import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { CHANNELS } from './src/shared/contract/contract';

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
    // The channel names from the one contract map, inlined: the sandboxed preload cannot load zod.
    define: { __PROMPTDESK_CHANNELS__: JSON.stringify(CHANNELS) },
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
