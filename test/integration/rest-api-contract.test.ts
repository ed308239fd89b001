/**
 * The REST API's answers match its OpenAPI 3.1 document (served at /api/v1/openapi.json and
 * generated from the routes' own schemas): every operation of the document is called against a
 * real server, and each answer's status must be documented and its body must validate (JSON
 * Schema 2020-12, ajv) against the documented schema. An operation the test does not call fails it.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, rest, type Answer } from '../helpers/rest.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };

describe('REST API contract (OpenAPI 3.1)', () => {
  let server: TestServer;
  let doc: Doc;
  let plan: string;
  let write: string;
  let read: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const called = new Set<string>();

  beforeAll(async () => {
    server = await startServer();
    plan = await server.createPlan('Contract');
    const admin = server.token(plan, 'admin', 'Admin', 86_400);
    write = (await makeKey(server.url, plan, admin, { name: 'w', access: 'write' })).secret;
    read = (await makeKey(server.url, plan, admin, { name: 'r', access: 'read' })).secret;
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await server.stop();
  });

  /** Calls a route and checks the answer against the document's operation for it. */
  async function call(method: string, template: string, params: Record<string, string>, key: string | null, body?: unknown, headers?: Record<string, string>): Promise<Answer> {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name]);
    const answer = await rest(server.url, method, path, key, body, headers);
    const op = doc.paths[template]?.[method.toLowerCase()];
    expect(op, `${method} ${template} is in the document`).toBeTruthy();
    called.add(op.operationId);
    const response = op.responses[String(answer.status)];
    expect(response, `${method} ${template} → ${answer.status} is documented (${JSON.stringify(answer.json)})`).toBeTruthy();
    const schema = response.content?.['application/json']?.schema;
    if (!schema) {
      expect(answer.json).toBeNull();
      return answer;
    }
    const validate = ajv.compile({ ...schema, components: doc.components });
    const ok = validate(answer.json);
    expect(ok, `${method} ${template} → ${answer.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.json)}`).toBe(true);
    return answer;
  }

  const samples: Record<string, { create: Record<string, unknown>; update: Record<string, unknown> }> = {
    cards: { create: { title: 'Contract card', labels: ['api'], points: 2 }, update: { status: 'doing', points: 5 } },
    sprints: { create: { name: 'S1', goal: 'Ship', start: '2026-12-01', end: '2026-12-14' }, update: { state: 'active' } },
    raid: { create: { kind: 'risk', title: 'Vendor late', likelihood: 4, impact: 5 }, update: { likelihood: 2 } },
    milestones: { create: { name: 'Beta', kind: 'release', start: '2026-12-20' }, update: { end: '2026-12-22' } },
    decisions: { create: { title: 'Use Postgres', date: '2026-12-03', options: ['Postgres', 'MySQL'] }, update: { status: 'decided' } },
    members: { create: { name: 'Ana', timeZone: 'Europe/Lisbon', defaultCapacity: 8 }, update: { workStart: '08:00' } }
  };

  it('the document is OpenAPI 3.1 and every schema in it compiles', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => ajv.compile({ ...(schema as object), components: doc.components }), name).not.toThrow();
    }
  });

  it('every operation answers as documented', async () => {
    await call('GET', '/plans/{plan}', { plan }, read);
    await call('GET', '/plans/{plan}', { plan: 'no-such-plan' }, read);
    for (const [resource, sample] of Object.entries(samples)) {
      const list = `/plans/{plan}/${resource}`;
      const one = `/plans/{plan}/${resource}/{id}`;
      const created = await call('POST', list, { plan }, write, sample.create);
      expect(created.status).toBe(201);
      const id = created.json.id as string;
      await call('POST', list, { plan }, write, { nonsense: true });
      await call('POST', list, { plan }, read, sample.create);
      expect((await call('GET', list, { plan }, read)).json.items.length).toBeGreaterThan(0);
      await call('GET', one, { plan, id }, read);
      await call('GET', one, { plan, id: 'missing' }, read);
      const etag = (await call('PATCH', one, { plan, id }, write, sample.update)).headers.get('etag')!;
      await call('PATCH', one, { plan, id }, write, sample.update, { 'if-match': '"stale"' });
      await call('DELETE', one, { plan, id }, write, undefined, { 'if-match': '"stale"' });
      await call('DELETE', one, { plan, id }, write, undefined, { 'if-match': etag });
      await call('DELETE', one, { plan, id }, write);
      await call('GET', list, { plan }, null);
    }
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op: any) => op.operationId as string));
    expect(operations.filter((op) => !called.has(op))).toEqual([]);
  });
});
