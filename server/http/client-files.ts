/**
 * The built client, served with the headers a browser needs to load it fast and keep it fresh:
 *
 * - **Compression** by `Accept-Encoding` (brotli preferred, then gzip; `q=0` refuses one). The
 *   build precompresses (adapter-static's `precompress`: `<file>.br` and `<file>.gz` beside each
 *   file, brotli at its best quality, which takes ~1.5 s for the largest chunk here: too slow to do
 *   while a visitor waits); those are used when they are at least as new as the file. A file
 *   without them is compressed once per encoding (node:zlib, off the event loop, brotli at
 *   quality 9). Either way the bytes are kept in memory with the file's size and mtime, so a
 *   request never recompresses; a rebuilt file (new mtime or size) is read again. The cache is
 *   bounded by the build itself: only files under the client directory are ever read.
 * - **Caching**: `_app/immutable/*` is content-hashed by Vite, so it is cached for a year and
 *   never revalidated; everything else (the HTML shell, the service worker, version.json, icons)
 *   is `no-cache`: the browser keeps it but asks (ETag → 304) before each use, so a deploy is
 *   seen on the next load.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { getMimeType } from 'hono/utils/mime';
import type { Context } from 'hono';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export type Encoding = 'br' | 'gzip' | 'identity';

/**
 * The best encoding this client accepts, from its `Accept-Encoding` header (RFC 9110 §12.5.3:
 * q-values, `*`, `q=0` as "not this one"). Brotli wins ties: it is ~15 % smaller on our JS.
 */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  const br = weight('br');
  const gzip = weight('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|manifest\+json|xml)|image\/svg\+xml)/;
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const SUFFIX = { br: '.br', gzip: '.gz' } as const;

function compress(bytes: Buffer, encoding: 'br' | 'gzip', mime: string): Promise<Buffer> {
  if (encoding === 'gzip') return gzip(bytes, { level: 9 });
  return brotli(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
      [zlib.constants.BROTLI_PARAM_MODE]: mime.startsWith('text/') || mime.includes('javascript') ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length
    }
  });
}

type Entry = { version: string; bytes: Promise<Buffer> };

export type ClientFiles = {
  /** Answers a GET/HEAD for a file of the build, or undefined when there is no such file. */
  serve: (c: Context, file: string) => Promise<Response | undefined>;
};

export function clientFiles(root: string): ClientFiles {
  const base = path.resolve(root);
  const cache = new Map<string, Entry>();

  /** The file under the build for a request path, or null for anything outside it or not a file. */
  function resolve(requestPath: string): { file: string; stat: fs.Stats } | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(requestPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    const file = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
    if (file !== base && !file.startsWith(base + path.sep)) return null;
    try {
      const stat = fs.statSync(file);
      return stat.isFile() ? { file, stat } : null;
    } catch {
      return null;
    }
  }

  function bytesFor(file: string, version: string, encoding: Encoding, mime: string): Promise<Buffer> {
    const key = `${file}\0${encoding}`;
    const hit = cache.get(key);
    if (hit && hit.version === version) return hit.bytes;
    const bytes = encoding === 'identity' ? fs.promises.readFile(file) : compressed(file, encoding, mime);
    cache.set(key, { version, bytes });
    // A failed read is not kept: the next request tries again.
    bytes.catch(() => {
      if (cache.get(key)?.bytes === bytes) cache.delete(key);
    });
    return bytes;
  }

  /** The build's precompressed sibling when it is current, else the file compressed here. */
  async function compressed(file: string, encoding: 'br' | 'gzip', mime: string): Promise<Buffer> {
    const sibling = file + SUFFIX[encoding];
    const [own, pre] = [fs.statSync(file), fs.statSync(sibling, { throwIfNoEntry: false })];
    if (pre?.isFile() && pre.mtimeMs >= own.mtimeMs) return fs.promises.readFile(sibling);
    return compress(await fs.promises.readFile(file), encoding, mime);
  }

  async function serve(c: Context, requestPath: string): Promise<Response | undefined> {
    const found = resolve(requestPath);
    if (!found) return undefined;
    const { file, stat } = found;
    const mime = getMimeType(file) ?? 'application/octet-stream';
    const relative = path.relative(base, file).split(path.sep).join('/');
    const immutable = relative.startsWith('_app/immutable/');
    const version = `${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}`;
    const encoding = COMPRESSIBLE.test(mime) ? chooseEncoding(c.req.header('accept-encoding')) : 'identity';
    const etag = `W/"${version}"`;
    const headers: Record<string, string> = {
      'content-type': mime,
      'cache-control': immutable ? IMMUTABLE : REVALIDATE,
      etag,
      vary: 'Accept-Encoding'
    };
    if (!immutable && c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    const bytes = await bytesFor(file, version, encoding, mime);
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    headers['content-length'] = String(bytes.length);
    return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(bytes), { status: 200, headers });
  }

  return { serve };
}
