/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://localhost:3000';

/** Admin SPA: built into apps/api/public, served by the API with a history fallback (contract §5). */
export default defineConfig({
  root,
  base: '/',
  // `@app/contracts`: the request/response shapes and shared rules (libs/contracts), the SPA's only import from libs/.
  resolve: { alias: { '@': `${root}src`, '@app/contracts': `${root}../../libs/contracts/src` } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../api/public',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 450,
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Query / React Router mark modules "use client"; meaningless in a client-only SPA.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/v1': api,
      '/oauth': api,
      '/webhooks': api,
      '/canvas-kit': api,
      '/health': api,
    },
  },
  test: {
    root,
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
