import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The local UI Kit host page (ADR 0028): a development tool, so it builds apart from the admin page's
// resource (build/), which Forge deploys; scripts/uikit-host.ts serves it from build-uikit/.
export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: { dedupe: ['react', 'react-dom'] },
  build: {
    outDir: 'build-uikit',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    target: 'es2022',
    rollupOptions: { input: 'uikit.html' },
  },
});
