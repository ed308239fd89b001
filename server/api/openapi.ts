/**
 * The OpenAPI 3.1 document of /api/v1, generated from the very schemas the routes validate with
 * and answer in (server/api/resources.ts), so the description cannot drift from the behaviour.
 * test/integration/rest-api-contract.test.ts checks every route's answers against it.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { PAGE } from './paging.ts';
import type { Resource } from './resource.ts';
import { RESOURCES } from './resources.ts';

type Json = Record<string, unknown>;

const schemaOf = (schema: v.GenericSchema, typeMode: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = toJsonSchema(schema, { target: 'draft-2020-12', typeMode, errorMode: 'ignore' }) as Json;
  return rest;
};

export const ErrorBody = v.strictObject({
  error: v.string(),
  message: v.string(),
  /** Field-level problems of a 422 `validation`. */
  fields: v.optional(v.array(v.object({ field: v.string(), message: v.string() }))),
  /** The item's current version, on a 412. */
  etag: v.optional(v.string())
});

export const PlanBody = v.strictObject({
  id: v.string(),
  name: v.string(),
  description: v.string(),
  timeZone: v.string(),
  /** ISO weekdays, 1 = Monday. */
  workingDays: v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7))),
  estimateUnit: v.picklist(['points', 'hours'])
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code], content: json(ref('Error')) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'bad request (plan name, unknown filter)',
  401: 'no API key, or an unknown or revoked one',
  403: 'the key is not for this plan, or may only read',
  404: 'no such plan or item',
  412: 'If-Match names an older version of the item',
  413: 'request body too large',
  422: 'the body breaks the schema (fields), or the plan’s rules (refused)'
};
const planParam = { name: 'plan', in: 'path', required: true, schema: { type: 'string' } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const ifMatch = { name: 'If-Match', in: 'header', required: false, description: 'the ETag of the version this change is based on', schema: { type: 'string' } };
const etag = { ETag: { description: 'the item’s version, for If-Match', schema: { type: 'string' } } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any resource, whatever its item type
function resourcePaths(r: Resource<any>): Json {
  const item = ref(r.title);
  const list = {
    get: {
      operationId: `list_${r.path}`,
      summary: `List ${r.path} (in id order)`,
      parameters: [
        planParam,
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: PAGE.max, default: PAGE.default } },
        { name: 'cursor', in: 'query', description: 'nextCursor of the previous page', schema: { type: 'string' } },
        ...Object.entries(r.filters).map(([name, f]) => ({ name, in: 'query', description: f.description, schema: { type: 'string' } }))
      ],
      responses: {
        200: { description: 'one page', content: json({ type: 'object', properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } }, required: ['items', 'nextCursor'], additionalProperties: false }) },
        ...errors(400, 401, 403, 404, 422)
      }
    },
    post: {
      operationId: `create_${r.path}`,
      summary: `Create a ${r.title}`,
      parameters: [planParam],
      requestBody: { required: true, content: json(ref(`${r.title}Create`)) },
      responses: { 201: { description: 'created', headers: etag, content: json(item) }, ...errors(400, 401, 403, 404, 413, 422) }
    }
  };
  const one = {
    get: {
      operationId: `get_${r.path}`,
      summary: `Get a ${r.title}`,
      parameters: [planParam, idParam],
      responses: { 200: { description: 'the item', headers: etag, content: json(item) }, ...errors(400, 401, 403, 404) }
    },
    patch: {
      operationId: `update_${r.path}`,
      summary: `Change a ${r.title} (the fields given)`,
      parameters: [planParam, idParam, ifMatch],
      requestBody: { required: true, content: json(ref(`${r.title}Update`)) },
      responses: { 200: { description: 'the item after the change', headers: etag, content: json(item) }, ...errors(400, 401, 403, 404, 412, 413, 422) }
    },
    delete: {
      operationId: `delete_${r.path}`,
      summary: `Delete a ${r.title}`,
      parameters: [planParam, idParam, ifMatch],
      responses: { 204: { description: 'deleted' }, ...errors(400, 401, 403, 404, 412) }
    }
  };
  return { [`/plans/{plan}/${r.path}`]: list, [`/plans/{plan}/${r.path}/{id}`]: one };
}

let cached: Json | null = null;

export function openApiDocument(): Json {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Plenary REST API', version: '1.0.0', description: 'Plans, cards, sprints, RAID items, milestones, decisions and members of one plan, with an API key.' },
    servers: [{ url: '/api/v1' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (plk_…) made by an admin of the plan' } },
      schemas: {
        Error: schemaOf(ErrorBody, 'output'),
        Plan: schemaOf(PlanBody, 'output'),
        ...Object.fromEntries(
          RESOURCES.flatMap((r) => [
            [r.title, schemaOf(r.item, 'output')],
            [`${r.title}Create`, schemaOf(r.create, 'input')],
            [`${r.title}Update`, schemaOf(r.update, 'input')]
          ])
        )
      }
    },
    paths: {
      '/plans/{plan}': {
        get: { operationId: 'get_plan', summary: 'The plan', parameters: [planParam], responses: { 200: { description: 'the plan', content: json(ref('Plan')) }, ...errors(400, 401, 403, 404) } }
      },
      ...Object.assign({}, ...RESOURCES.map(resourcePaths))
    }
  };
  return cached;
}
