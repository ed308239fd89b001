/**
 * Who is calling the REST API: an API key, from `Authorization: Bearer plk_…`. A key reaches only
 * rooms its scope covers (its plan, and its retros when made so) and writes only when it is a
 * write key; every refusal is a named error.
 */
import type { Context } from 'hono';
import { scopeCovers } from '../../shared/protocol.ts';
import { HttpError } from '../http/errors.ts';
import type { ApiAccess, ApiKey } from '../persistence/api-key-store.ts';
import { KEY_PREFIX, type ApiKeys } from './keys.ts';

export async function apiKeyOf(keys: ApiKeys, c: Context, room: string, access: ApiAccess): Promise<ApiKey> {
  const header = c.req.header('authorization') ?? '';
  const secret = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!secret.startsWith(KEY_PREFIX)) throw new HttpError(401, 'apiKeyRequired', 'send an API key: Authorization: Bearer plk_…');
  const key = await keys.resolve(secret);
  if (key === 'apiKeyUnknown') throw new HttpError(401, key, 'this API key is not known');
  if (key === 'apiKeyRevoked') throw new HttpError(401, key, 'this API key was revoked');
  if (!scopeCovers(key.scope, room)) throw new HttpError(403, 'outOfScope', 'this API key is not for this plan');
  if (access === 'write' && key.access !== 'write') throw new HttpError(403, 'readOnlyKey', 'this API key may only read');
  return key;
}
