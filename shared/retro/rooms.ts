/** Retro room names: `<plan>/retro-<id>`, made only by the server, so the name alone says "retro". */
import { isValidRoom } from '../protocol.ts';

export const RETRO_ROOM = /^([a-z0-9][a-z0-9_-]{0,62})\/retro-[a-z0-9]{4,40}$/;

export function isRetroRoom(room: string): boolean {
  return isValidRoom(room) && RETRO_ROOM.test(room);
}

/** The plan a retro room belongs to, or null for anything that is not a retro room. */
export function planOfRetro(room: string): string | null {
  return isRetroRoom(room) ? RETRO_ROOM.exec(room)![1] : null;
}
