// A single-page app: Yjs, IndexedDB and the socket exist only in the browser, and the server
// answers every page path with the SPA fallback, so nothing is rendered or prerendered on a server.
export const ssr = false;
export const prerender = false;
