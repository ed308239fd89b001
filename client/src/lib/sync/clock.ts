/**
 * The server's clock as seen from here. Each ack carries the server's time; the offset
 * `serverTime - Date.now()` is smoothed so one slow ack does not jerk the clock, and `now()` is what
 * every mutation stamps into history, so two people with skewed laptop clocks still order right.
 */
const SMOOTHING = 0.2;

export class ServerClock {
  #offset = 0;
  #samples = 0;

  /** Feeds one ack's server time, received at local time `receivedAt`. */
  sample(serverTime: number, receivedAt = Date.now()): void {
    const offset = serverTime - receivedAt;
    this.#offset = this.#samples === 0 ? offset : this.#offset + (offset - this.#offset) * SMOOTHING;
    this.#samples++;
  }

  get offset(): number {
    return Math.round(this.#offset);
  }

  /** Server-corrected time; plain local time until the first ack. */
  readonly now = (): number => Date.now() + Math.round(this.#offset);
}
