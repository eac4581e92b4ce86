import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Forge serves the resource from its own CDN path, so every asset URL must be relative.
export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: {
    // The shared contract lives in ../../src/shared and imports zod; resolve it (and React) from
    // this package so the bundle carries one copy even when the root node_modules exists too.
    dedupe: ['react', 'react-dom', 'zod'],
  },
  server: { fs: { allow: ['../..'] } },
  build: { outDir: 'build', emptyOutDir: true, chunkSizeWarningLimit: 3000, target: 'es2022' },
});
