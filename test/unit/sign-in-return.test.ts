/**
 * Where a browser may be sent after signing in: a path on this site, nothing else. The return path
 * rides through the provider in a signed cookie, but it comes from a query string anyone can write.
 */
import { describe, expect, it } from 'vitest';
import { safeReturn } from '../../server/http/sign-in.ts';

describe('the return path after sign-in', () => {
  it('keeps a path on this site, with its query', () => {
    expect(safeReturn('/p/gpu-buildout')).toBe('/p/gpu-buildout');
    expect(safeReturn('/p/gpu-buildout/retro-7?view=board#x')).toBe('/p/gpu-buildout/retro-7?view=board#x');
  });

  it('drops anything that could leave the site or hide a host', () => {
    for (const bad of ['//evil.example/p', '/\\evil.example', 'https://evil.example/', 'p/relative', '/p/x\ny', '/p/ space', '', undefined, `/${'a'.repeat(600)}`]) {
      expect(safeReturn(bad)).toBeNull();
    }
  });
});
