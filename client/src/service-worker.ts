/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The offline start: the built client (the SPA shell, every hashed chunk, the static files) is
 * cached when this worker installs, so a reload with no network still opens the app, which then
 * opens the plan from this browser's local store (y-indexeddb) and syncs when the network is back.
 *
 * - One cache per build (`plenary-<version>`); activating a new build deletes the older caches.
 * - Hashed assets (`_app/immutable/…`) and static files: from the cache, else the network.
 * - Page loads (navigations): the network first, so a deploy is seen at once; the cached shell
 *   when the network fails. Every path of the app is the same SPA shell.
 * - Everything else (the API, the sync socket, OIDC sign-in) is left to the network untouched.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `plenary-${version}`;
const SHELL = '/index.html';
const ASSETS = new Set([...build, ...files, SHELL]);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...ASSETS]))
      .then(() => sw.skipWaiting())
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('plenary-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim())
  );
});

async function fromCacheFirst(request: Request, path: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(path);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(path, response.clone());
  return response;
}

async function pageLoad(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (err) {
    const shell = await (await caches.open(CACHE)).match(SHELL);
    if (shell) return shell;
    throw err;
  }
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (request.mode === 'navigate') {
    if (url.pathname.startsWith('/auth/') || url.pathname.startsWith('/api/')) return;
    event.respondWith(pageLoad(request));
  } else if (ASSETS.has(url.pathname)) {
    event.respondWith(fromCacheFirst(request, url.pathname));
  }
});
