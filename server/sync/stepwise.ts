/**
 * Long work in turns: a large update or a cold load is checked and applied a few milliseconds at a
 * time, yielding to the event loop in between, so the other rooms of the server (their edits,
 * heartbeats, joins) are served while it runs. One room's order is kept by the room itself.
 */
import * as Y from 'yjs';
import { sliceUpdate, type ScannedUpdate } from './update-scan.ts';

/** Work done between two yields. */
export const TURN_MS = 8;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown when the owner of stepwise work went away (a room unloaded) before it finished. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

/** Runs a stepwise computation, yielding to the event loop every TURN_MS of work. */
export async function stepwise<T>(steps: Generator<void, T>, cancelled: () => boolean = () => false): Promise<T> {
  for (;;) {
    const started = performance.now();
    let r = steps.next();
    while (!r.done && performance.now() - started < TURN_MS) r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
    if (cancelled()) throw new Cancelled();
  }
}

/**
 * Applies scanned updates to `doc` in slices of `sliceStructs`, yielding between turns; small
 * updates share a turn. Throws what Yjs throws (the caller decides what a half-built doc means).
 */
export async function applyInSteps(doc: Y.Doc, scans: readonly ScannedUpdate[], sliceStructs: number, cancelled: () => boolean = () => false): Promise<void> {
  let started = performance.now();
  for (const scan of scans) {
    for (const slice of sliceUpdate(scan, sliceStructs)) {
      Y.applyUpdate(doc, slice);
      if (performance.now() - started >= TURN_MS) {
        await nextTurn();
        if (cancelled()) throw new Cancelled();
        started = performance.now();
      }
    }
  }
}
