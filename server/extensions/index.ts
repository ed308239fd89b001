/** The extensions every Plenary server runs, in order. Feature issues add theirs here. */
import type { RoomExtension } from './extension.ts';
import { pokerExtension } from './poker.ts';
import { retroExtension } from './retro.ts';

export const EXTENSIONS: readonly RoomExtension[] = [pokerExtension, retroExtension];
