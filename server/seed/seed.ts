/** Seeds the demo plan into a store once; later starts find it and leave it alone. */
import type { DocStore } from '../persistence/store.ts';
import { storeNewRoom } from '../plans.ts';
import { buildDemoPlan, DEMO_ROOM } from './demo-plan.ts';

export async function seedDemo(store: DocStore, now = Date.now()): Promise<string> {
  if (await store.getRoom(DEMO_ROOM)) return DEMO_ROOM;
  const doc = buildDemoPlan(now);
  try {
    await storeNewRoom(store, DEMO_ROOM, 'plan', doc, 'seed', now);
  } finally {
    doc.destroy();
  }
  return DEMO_ROOM;
}
