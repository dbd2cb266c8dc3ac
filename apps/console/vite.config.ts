/**
 * Vite builds the console into static files (`dist/`) that the gateway serves at `/`: no Node
 * server of its own, hashed asset names, and the same esbuild the SDK's browser test bundles with.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: consoleRoot,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  // The console is always built for production, even from inside vitest (which sets NODE_ENV=test
  // and would otherwise get React's development build).
  mode: 'production',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
});
