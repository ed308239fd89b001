import adapter from '@sveltejs/adapter-static';

/**
 * The client is a single-page app: the Hono server serves the static build and answers every
 * unknown path with the SPA fallback, so one process serves both the app and the sync endpoint.
 * @type {import('@sveltejs/kit').Config}
 */
export default {
  kit: {
    // precompress: `.br` and `.gz` beside each file, served by server/http/client-files.ts.
    adapter: adapter({ pages: 'build/client', assets: 'build/client', fallback: 'index.html', strict: false, precompress: true }),
    files: { src: 'client/src', assets: 'client/static', serviceWorker: 'client/src/service-worker' },
    alias: { $shared: 'shared' }
  }
};
