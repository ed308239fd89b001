/**
 * The webhook sender: its own loop, apart from the sync path. It claims due deliveries from the
 * store (a lease, so with several servers each delivery is attempted by one at a time), sends at
 * most `concurrency` at once, each under a timeout, and records every attempt. A 2xx ends a
 * delivery; anything else is retried with exponential backoff and jitter until `maxAttempts`, then
 * it is `failed` (an admin can redeliver). At least once is the contract: a receiver dedupes by
 * the `plenary-event-id` header. A slow or failing endpoint costs only this loop's slots.
 */
import type { Logger } from '../observability/logger.ts';
import type { PlenaryStore } from '../persistence/access-store.ts';
import type { Delivery } from '../persistence/webhook-store.ts';
import { SIGNATURE_HEADER, signatureHeader } from './sign.ts';

export type SenderOptions = {
  concurrency?: number;
  timeoutMs?: number;
  pollMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  random?: () => number;
};

/** The wait before retry n (1-based): base·2^(n-1), capped, times a jitter in [0.5, 1). */
export function backoff(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.round(Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + random() / 2));
}

export class WebhookSender {
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly o: Required<SenderOptions>;

  constructor(
    private readonly store: PlenaryStore,
    private readonly log: Logger,
    options: SenderOptions = {}
  ) {
    this.o = { concurrency: 4, timeoutMs: 5_000, pollMs: 500, maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 300_000, now: Date.now, random: Math.random, ...options };
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One claim round (the timer calls it; tests may too). */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const free = this.o.concurrency - this.inFlight;
      if (free <= 0) return;
      const now = this.o.now();
      const due = await this.store.claimDeliveries(now, now + this.o.timeoutMs * 2, free);
      for (const d of due) {
        this.inFlight++;
        void this.attempt(d)
          .catch((err) => this.log.warn({ err, delivery: d.id }, 'webhook attempt not recorded'))
          .finally(() => this.inFlight--);
      }
    } catch (err) {
      this.log.warn({ err }, 'webhook claim failed');
    } finally {
      this.polling = false;
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const hook = (await this.store.listWebhooks(d.plan)).find((h) => h.id === d.webhookId);
    const at = this.o.now();
    if (!hook) return this.store.recordAttempt(d.id, { at, status: null, ms: 0, error: 'subscription deleted' }, { status: 'failed', nextAt: at });
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'plenary-event-id': d.eventId, 'plenary-event': d.event, [SIGNATURE_HEADER]: signatureHeader(hook.secret, Math.floor(at / 1000), d.body) },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs)
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      error = err instanceof Error ? err.name === 'TimeoutError' ? 'timeout' : err.message : 'failed';
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const ok = status !== null && status >= 200 && status < 300;
    const tries = d.attempts.length + 1;
    const outcome = ok
      ? { status: 'delivered' as const, nextAt: at }
      : tries >= this.o.maxAttempts
        ? { status: 'failed' as const, nextAt: at }
        : { status: 'pending' as const, nextAt: this.o.now() + backoff(tries, this.o.baseDelayMs, this.o.maxDelayMs, this.o.random) };
    await this.store.recordAttempt(d.id, { at, status, ms, error }, outcome);
  }
}
