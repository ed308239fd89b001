/** The extensions every Plenary server runs, in order. Feature issues add theirs here. */
import type { RoomExtension } from './extension.ts';

export const EXTENSIONS: readonly RoomExtension[] = [];
