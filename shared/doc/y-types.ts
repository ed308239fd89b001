/**
 * Yjs types "some shared type" (a map, an array, a text) as `AbstractType<any>`, and the events of
 * one with it; `unknown` does not fit its handler types. One place says so, for every module.
 */
import type * as Y from 'yjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs's own typing of any shared type
export type AnyShared = Y.AbstractType<any>;
export type SharedEvent = Y.YEvent<AnyShared>;
