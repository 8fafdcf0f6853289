import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/platform/openapi.ts';
import { routes } from '../../functions/routes.ts';
import { checkContract } from '../support/openapi-contract.ts';

const doc = openApiDocument(routes);
type Operation = {
  operationId: string;
  tags: string[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
};
const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item as Record<string, Operation>));
const op = (id: string) => operations.find((o) => o.operationId === id)!;
const statuses = (id: string) => Object.keys(op(id).responses);
const headerParams = (id: string) => (op(id).parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);

describe('the OpenAPI document', () => {
  it('passes redocly lint with the recommended rules', async () => {
    const config = await createConfig({
      extends: ['recommended'],
      // /contacts/by-email/{email} and /contacts/{id}/activities cannot both match: {id} is a ULID (its pattern), never "by-email".
      rules: { 'no-ambiguous-paths': 'off' },
    });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: '/openapi.json', config });
    // Page forms answer Post/Redirect/Get: a 303 to the page to show next is their only success (status 303 in the catalog).
    const redirectOnly = new Set(
      routes.filter((r) => r.status === 303).map((r) => `#/paths/${r.path.replaceAll('/', '~1')}/${r.method.toLowerCase()}/responses`),
    );
    const shown = problems.filter((p) => !(p.ruleId === 'operation-2xx-response' && redirectOnly.has(p.location[0]?.pointer ?? '')));
    expect(shown.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('has servers, a declared tag and a unique operationId on every operation', () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    const tags = new Set(doc.tags?.map((t) => t.name));
    for (const o of operations)
      expect(
        o.tags.every((t) => tags.has(t)),
        o.operationId,
      ).toBe(true);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(routes.length);
  });

  it('declares the statuses the pipeline and the services answer', () => {
    expect(statuses('upsertContactByEmail')).toEqual(expect.arrayContaining(['200', '201', '409', '412', '422']));
    expect(statuses('upsertContactByExternalId')).toEqual(expect.arrayContaining(['200', '201']));
    expect(statuses('ingestEvent')).toEqual(expect.arrayContaining(['200', '202', '422']));
    expect(statuses('addSuppression')).toEqual(expect.arrayContaining(['200', '201']));
    for (const id of ['updateContact', 'deleteCompany', 'deleteJourney', 'createCompany']) expect(statuses(id), id).toContain('409');
    for (const route of routes.filter((r) => r.body))
      expect(statuses(route.op), route.op).toEqual(expect.arrayContaining(['400', '413', '415']));
    for (const route of routes.filter((r) => r.method === 'POST' && r.roles.length)) {
      expect(statuses(route.op), route.op).toEqual(expect.arrayContaining(['409', '422']));
      expect(headerParams(route.op), route.op).toContain('Idempotency-Key');
    }
    expect(statuses('removeSuppression')).not.toContain('412');
    expect(statuses('health')).toEqual(['200', '429']);
  });

  it('declares If-Match where it is taken, and the response headers the pipeline sets', () => {
    for (const id of [
      'updateContact',
      'deleteContact',
      'updateCompany',
      'updateJourney',
      'updateTemplate',
      'updateTask',
      'updateMessagingSettings',
    ]) {
      expect(headerParams(id), id).toContain('If-Match');
      expect(statuses(id), id).toContain('412');
    }
    expect(headerParams('getContact')).toEqual([]);
    expect(op('getContact').responses['200']!.headers).toHaveProperty('ETag');
    expect(op('createContact').responses['201']!.headers).toEqual(
      expect.objectContaining({ ETag: expect.anything(), Location: expect.anything(), 'Idempotent-Replayed': expect.anything() }),
    );
    for (const o of operations)
      for (const [status, r] of Object.entries(o.responses))
        expect(r.headers, `${o.operationId} ${status}`).toHaveProperty('X-Correlation-Id');
  });

  it('names the main types and the problem, with what 409 and 400 bodies carry', () => {
    const schemas = doc.components?.schemas ?? {};
    for (const name of [
      'Contact',
      'Company',
      'Activity',
      'Journey',
      'Template',
      'Message',
      'Task',
      'Suppression',
      'SurveySend',
      'Problem',
      'ContactPage',
      'TaskPage',
    ])
      expect(schemas, name).toHaveProperty(name);
    expect(Object.keys((schemas.Problem as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['existingId', 'field', 'errors']),
    );
    expect(op('getContact').responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Contact' });
    expect(op('listContacts').responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/ContactPage' });
  });

  it('states the request rules the server checks in code', () => {
    const body = (id: string) =>
      (op(id) as unknown as { requestBody: { content: Record<string, { schema: Record<string, any> }> } }).requestBody.content[
        'application/json'
      ]!.schema;
    const contact = body('createContact');
    expect(contact.properties.email).toMatchObject({ format: 'email' });
    expect(contact.properties.phone).toHaveProperty('pattern');
    expect(contact.properties.locale).toHaveProperty('pattern');
    expect(contact.properties.timeZone).toHaveProperty('description');
    expect(contact.anyOf).toContainEqual({ required: ['email'] });
    expect(body('updateContact')).toMatchObject({ minProperties: 1 });
    expect(body('updateContact').properties.email.anyOf ?? [body('updateContact').properties.email]).toContainEqual(
      expect.objectContaining({ format: 'email' }),
    );
    expect(body('createCompany').properties.domain).toHaveProperty('pattern');
    expect(body('createTemplate').oneOf).toHaveLength(2);
    expect(body('updateTask')).toMatchObject({ minProperties: 1 });
  });
});

describe('the contract check', () => {
  const exchange = {
    method: 'GET',
    url: '/health',
    status: 200,
    contentType: 'application/json',
    headers: ['x-correlation-id'],
    body: { status: 'ok' },
  };

  it('accepts an answer that matches the document and skips paths outside it', () => {
    expect(checkContract(doc, [exchange, { ...exchange, url: '/dev/outbox' }])).toMatchObject({
      validated: 1,
      mismatches: [],
      undeclared: [],
    });
  });

  it('reports an undeclared status, a wrong media type and a body off its schema', () => {
    const report = checkContract(doc, [
      { ...exchange, status: 418 },
      { ...exchange, contentType: 'text/plain' },
      { ...exchange, body: { status: 'down' } },
      { ...exchange, url: '/contacts/01HZY0M7ZQ6V9K3Q4B5C6D7E8F', headers: ['x-correlation-id', 'etag'], body: { id: 'x' } },
    ]);
    expect(report.undeclared).toEqual(['GET /health 418']);
    expect(report.mismatches).toHaveLength(3);
    expect(report.mismatches[2]).toMatch(/^GET \/contacts\/\{id\} 200: /);
  });

  it('reports a declared header the answer lacks', () => {
    const report = checkContract(doc, [
      { ...exchange, method: 'POST', url: '/contacts', status: 201, headers: ['x-correlation-id', 'etag'], body: {} },
    ]);
    expect(report.mismatches).toContain('POST /contacts 201: no Location header');
  });

  it('picks the literal route over the parameter one', () => {
    const report = checkContract(doc, [{ ...exchange, url: '/journeys/templates', body: { id: 'not a template list' } }]);
    expect(report.mismatches[0]).toMatch(/^GET \/journeys\/templates 200/);
  });
});
