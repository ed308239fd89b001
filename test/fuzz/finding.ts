/**
 * What a fuzz target reports: anything it throws is a finding (the fuzzer saves the input). A
 * FuzzFinding names the broken rule and keeps the original error as its cause, so the stack that
 * matters is printed with it.
 */
export class FuzzFinding extends Error {
  constructor(rule: string, cause?: unknown) {
    super(cause === undefined ? rule : `${rule}: ${describe(cause)}`, cause === undefined ? undefined : { cause });
    this.name = 'FuzzFinding';
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\n  caused by ${cause.stack}`;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 500);
  return String(err).slice(0, 500);
}
