/**
 * One REST resource of a plan (cards, sprints, RAID items, …): its schemas, its filters, and its
 * reads and writes through the shared typed accessors (shared/doc/*). server/api/routes.ts turns
 * every resource into list / get / create / update / delete routes and the OpenAPI document into
 * their description, from the same schemas, so the two cannot drift.
 *
 * Extension point: a new resource is one module exporting a `Resource` and one line in
 * server/api/resources.ts.
 */
import type * as Y from 'yjs';
import * as v from 'valibot';
import type { Editor } from '../../shared/doc/origin.ts';

/** Why a write was refused by the accessor's own rules (422 `refused`). */
export type Refusal = { refused: string };

export type Resource<T extends { id: string } = { id: string }> = {
  /** Path segment under /api/v1/plans/{plan}/. */
  path: string;
  /** Singular name, for the OpenAPI document. */
  title: string;
  /** What an item looks like in every answer. */
  item: v.GenericSchema<unknown, T>;
  create: v.GenericSchema;
  update: v.GenericSchema;
  /** Query parameters that narrow a list: name → does this item match the value. */
  filters: Record<string, { description: string; match: (item: T, value: string) => boolean }>;
  list(doc: Y.Doc): T[];
  get(doc: Y.Doc, id: string): T | null;
  /** The new item's id, or why not. */
  add(doc: Y.Doc, editor: Editor, input: unknown): string | Refusal;
  /** false: no such item. */
  change(doc: Y.Doc, editor: Editor, id: string, input: unknown): boolean | Refusal;
  remove(doc: Y.Doc, editor: Editor, id: string): boolean;
};

export const isRefusal = (value: unknown): value is Refusal => typeof value === 'object' && value !== null && 'refused' in value;

// Shared field schemas.
export const IsoDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'));
export const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
export const Ids = v.pipe(v.array(Id), v.maxLength(200));
export const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));
export const Title = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max));
export const Score = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5));

/** A filter on a plain field's string value. */
export const fieldIs = <T>(field: keyof T & string, description = `only items whose ${field} is this`) => ({
  description,
  match: (item: T, value: string) => String(item[field] ?? '') === value
});
