/**
 * Webhook signatures, the way Stripe signs (and Standard Webhooks similarly): HMAC-SHA256 over
 * `<timestamp>.<body>` with the subscription's secret, sent as
 * `Plenary-Signature: t=<unix seconds>,v1=<hex>`. A receiver recomputes it and refuses old
 * timestamps, so a captured delivery cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'plenary-signature';

export const signature = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export const signatureHeader = (secret: string, timestamp: number, body: string) => `t=${timestamp},v1=${signature(secret, timestamp, body)}`;

/** For receivers (and the tests): whether a header signs this body within `toleranceSec` of `nowSec`. */
export function verifySignature(secret: string, header: string, body: string, nowSec: number, toleranceSec = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSec - t) > toleranceSec || typeof parts.v1 !== 'string') return false;
  const want = Buffer.from(signature(secret, t, body), 'hex');
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
