/** The public API of shared/: what client and server may import. */
export * from './protocol.ts';
export * from './schema.ts';
export * from './ids.ts';
export * from './rank.ts';
export * from './doc/origin.ts';
export * from './doc/fields.ts';
export { defineCollection, plainText, type Collection, type ItemMap } from './doc/collection.ts';
export * from './doc/plan.ts';
export * from './doc/statuses.ts';
export * from './doc/members.ts';
export * from './doc/sprints.ts';
export * from './doc/cards.ts';
export * from './doc/raid.ts';
export * from './doc/timeline.ts';
export * from './doc/decisions.ts';
export * from './doc/snapshot.ts';
export * from './doc/dependency-rules.ts';
export * as planning from './planning/index.ts';
