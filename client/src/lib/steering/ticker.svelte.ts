/** A reactive clock for countdowns and "as of" stamps: server-corrected time, refreshed every `ms`. */
export class Ticker {
  now = $state(0);
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly clock: () => number,
    private readonly ms: number
  ) {
    this.now = clock();
  }

  start(): () => void {
    this.stop();
    this.now = this.clock();
    this.#timer = setInterval(() => (this.now = this.clock()), this.ms);
    return () => this.stop();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
