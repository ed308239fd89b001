import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// The client build. Tests have their own config (vitest.config.ts): the SvelteKit plugin needs the
// app template and would refuse to run from the test projects.
export default defineConfig({
  plugins: [sveltekit()],
  // The plugin timing block says how long Svelte compiles (most of any build): noise for a reader.
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
  server: {
    proxy: {
      '/sync': { target: 'ws://127.0.0.1:3000', ws: true },
      '/api': 'http://127.0.0.1:3000',
      // OIDC sign-in: the start and callback routes are the server's, not the SPA's.
      '/auth': 'http://127.0.0.1:3000'
    }
  }
});
