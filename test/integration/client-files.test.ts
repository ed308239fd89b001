/**
 * The built client over HTTP: hashed assets compressed (brotli or gzip by Accept-Encoding) and
 * cached as immutable; the HTML shell and the service worker compressed but revalidated
 * (no-cache, ETag → 304). Served from a client folder made here, so it needs no client build.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../server/http/client-files.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** A GET with exactly these headers (fetch would decode the body and hide what was sent). */
function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('client files: compression and cache headers', () => {
  let server: TestServer;
  const clientDir = tempDataDir();
  const js = `export const views = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: i, label: `view ${i}` })))};\n`;
  const html = `<!doctype html><html><head><title>Plenary</title></head><body>${'<div></div>'.repeat(200)}</body></html>`;
  const asset = '/_app/immutable/chunks/board.Bx7c1a2Q.js';

  beforeAll(async () => {
    fs.mkdirSync(path.join(clientDir, '_app/immutable/chunks'), { recursive: true });
    fs.writeFileSync(path.join(clientDir, asset), js);
    fs.writeFileSync(path.join(clientDir, 'index.html'), html);
    fs.writeFileSync(path.join(clientDir, 'service-worker.js'), 'self.addEventListener("install", () => {});\n'.repeat(20));
    server = await startServer({ clientDir });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a hashed asset is immutable and brotli-compressed when the browser accepts br', async () => {
    const res = await get(server.url + asset, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toContain('Accept-Encoding');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(js);
    expect(res.body.length).toBeLessThan(js.length / 3);
  });

  it('gzip for a browser without brotli, plain bytes for one accepting neither', async () => {
    const gz = await get(server.url + asset, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toBe(js);
    const plain = await get(server.url + asset, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    expect(plain.headers['cache-control']).toContain('immutable');
  });

  it('the compressed bytes are made once and served again as they were', async () => {
    const a = await get(server.url + asset, { 'accept-encoding': 'br' });
    const b = await get(server.url + asset, { 'accept-encoding': 'br' });
    expect(b.body.equals(a.body)).toBe(true);
  });

  it("the build's precompressed sibling is served when current, ignored when older than the file", async () => {
    const dir = path.join(clientDir, '_app/immutable/chunks');
    fs.writeFileSync(path.join(dir, 'pre.a1.js'), js);
    fs.writeFileSync(path.join(dir, 'pre.a1.js.br'), zlib.brotliCompressSync('// made at build time\n'));
    fs.writeFileSync(path.join(dir, 'stale.b2.js.gz'), zlib.gzipSync('// an older build\n'));
    fs.writeFileSync(path.join(dir, 'stale.b2.js'), js);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'stale.b2.js.gz'), old, old);
    const pre = await get(`${server.url}/_app/immutable/chunks/pre.a1.js`, { 'accept-encoding': 'br' });
    expect(zlib.brotliDecompressSync(pre.body).toString()).toBe('// made at build time\n');
    const stale = await get(`${server.url}/_app/immutable/chunks/stale.b2.js`, { 'accept-encoding': 'gzip' });
    expect(zlib.gunzipSync(stale.body).toString()).toBe(js);
  });

  it('the HTML shell is no-cache (also as the SPA fallback), compressed, and revalidates with 304', async () => {
    for (const p of ['/', '/p/some-plan?view=board']) {
      const res = await get(server.url + p, { 'accept-encoding': 'br, gzip' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(zlib.brotliDecompressSync(res.body).toString()).toBe(html);
      const again = await get(server.url + p, { 'accept-encoding': 'br, gzip', 'if-none-match': String(res.headers.etag) });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
  });

  it('the service worker is no-cache, so a new build is picked up on the next visit', async () => {
    const res = await get(server.url + '/service-worker.js', { 'accept-encoding': 'gzip' });
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-encoding']).toBe('gzip');
  });

  it('a missing build file is a 404, not the HTML shell; paths cannot leave the client folder', async () => {
    expect((await get(server.url + '/_app/immutable/chunks/gone.js')).status).toBe(404);
    const escape = await get(server.url + '/%2e%2e/%2e%2e/etc/passwd');
    expect(escape.body.toString()).not.toContain('root:');
  });

  it('Accept-Encoding is read with its q-values', () => {
    expect(chooseEncoding(undefined)).toBe('identity');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('gzip;q=1.0, br;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('deflate')).toBe('identity');
  });
});
