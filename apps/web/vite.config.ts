import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `pnpm --filter @qiao/web dev`: the app on :5173, API calls proxied to the server on :3000 (`npm start`).
const api = process.env['QIAO_API'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/trpc': api, '/api': api, '/healthz': api },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
});
