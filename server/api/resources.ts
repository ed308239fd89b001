/**
 * Every REST resource of a plan, in the order the OpenAPI document lists them. Extension point: a
 * new resource (e.g. people's resources from the resource-planning work) is a module exporting a
 * `Resource` (server/api/resource.ts) and one entry here; routes and OpenAPI follow from it.
 */
import { cardResource } from './cards.ts';
import { decisionResource } from './decisions.ts';
import { memberResource } from './members.ts';
import { milestoneResource } from './milestones.ts';
import { raidResource } from './raid.ts';
import type { Resource } from './resource.ts';
import { sprintResource } from './sprints.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list of resources whose item types differ
export const RESOURCES: readonly Resource<any>[] = [cardResource, sprintResource, raidResource, milestoneResource, decisionResource, memberResource];
