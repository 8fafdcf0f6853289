import { describe, expect, it } from 'vitest';
import { type Ticket, ticketsApi } from '../../functions/tickets/api.ts';
import { userActor } from '../../shared/domain/actor.ts';
import type { Role } from '../../shared/http/route.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const teamBody = (members: { userId: string; capacity: number; skills?: string[]; active?: boolean }[], mode = 'round_robin') => ({
  name: 'Support EU',
  lead: { userId: 'lead-1', email: 'Lead@Example.com' },
  mode,
  members,
});

describe('teams', () => {
  it('creates, lists, reads, replaces and deletes a team, with versions', async () => {
    const tenant = uniqueTenant('teams-crud');
    const admin = as(tenant, 'admin');
    const made = await admin('POST', '/teams', teamBody([{ userId: 'agent-1', capacity: 3, skills: ['Billing'] }]));
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/teams/${made.body.id}`);
    expect(made.headers.get('etag')).toBe('"1"');
    expect(made.body).toMatchObject({
      version: 1,
      name: 'Support EU',
      mode: 'round_robin',
      lead: { userId: 'lead-1', email: 'lead@example.com' },
      members: [{ userId: 'agent-1', capacity: 3, skills: ['billing'], active: true }],
    });
    const support = as(tenant, 'support');
    expect((await support('GET', `/teams/${made.body.id}`)).body).toEqual(made.body);
    expect((await support('GET', '/teams')).body.items.map((t: any) => t.id)).toEqual([made.body.id]);

    const replaced = await admin(
      'PUT',
      `/teams/${made.body.id}`,
      teamBody(
        [
          { userId: 'agent-1', capacity: 2 },
          { userId: 'agent-2', capacity: 4, active: false },
        ],
        'load_balanced',
      ),
      { 'if-match': '"1"' },
    );
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');
    expect(replaced.body).toMatchObject({ version: 2, mode: 'load_balanced' });
    expect(replaced.body.members.map((m: any) => m.userId)).toEqual(['agent-1', 'agent-2']);

    const agents = await support('GET', `/teams/${made.body.id}/agents`);
    expect(agents.status).toBe(200);
    expect(agents.body.items).toEqual([
      { userId: 'agent-1', active: true, skills: [], capacity: 2, open: 0, available: 2 },
      { userId: 'agent-2', active: false, skills: [], capacity: 4, open: 0, available: 4 },
    ]);
    const queue = await support('GET', `/teams/${made.body.id}/queue`);
    expect(queue.body).toEqual({ items: [] });

    expect((await admin('DELETE', `/teams/${made.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await admin('DELETE', `/teams/${made.body.id}`, undefined, { 'if-match': '"2"' })).status).toBe(204);
    expect((await support('GET', `/teams/${made.body.id}`)).status).toBe(404);
    expect((await support('GET', `/teams/${made.body.id}/queue`)).status).toBe(404);
  });

  it('refuses bad bodies with 400 and writes nothing, a stale If-Match with 412', async () => {
    const tenant = uniqueTenant('teams-valid');
    const admin = as(tenant, 'admin');
    for (const body of [
      {},
      { ...teamBody([]), mode: 'random' },
      { ...teamBody([]), lead: { userId: 'lead-1', email: 'not-an-email' } },
      teamBody([{ userId: 'agent-1', capacity: -1 }]),
      teamBody([
        { userId: 'agent-1', capacity: 1 },
        { userId: 'agent-1', capacity: 2 },
      ]),
      teamBody(Array.from({ length: 41 }, (_, i) => ({ userId: `agent-${i}`, capacity: 1 }))),
      { ...teamBody([]), extra: true },
    ]) {
      const res = await admin('POST', '/teams', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await admin('GET', '/teams')).body.items).toEqual([]);

    const { body: team } = await admin('POST', '/teams', teamBody([{ userId: 'agent-1', capacity: 1 }]));
    const first = await admin('PUT', `/teams/${team.id}`, teamBody([{ userId: 'agent-1', capacity: 2 }]), { 'if-match': '"1"' });
    expect(first.status).toBe(200);
    const stale = await admin('PUT', `/teams/${team.id}`, teamBody([{ userId: 'agent-1', capacity: 3 }]), { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect((await admin('GET', `/teams/${team.id}`)).body.members[0].capacity).toBe(2);
    expect((await admin('PUT', `/teams/${team.id}`, { name: 'x' }, { 'if-match': '"2"' })).status).toBe(400);
    expect((await admin('GET', '/teams/not-an-id')).status).toBe(400);
  });

  it('lets admins write and support read, keeps tenants apart', async () => {
    const tenant = uniqueTenant('teams-roles');
    const { body: team } = await as(tenant, 'admin')('POST', '/teams', teamBody([]));
    for (const role of ['support', 'sales', 'analyst', 'marketing'] as const) {
      expect((await as(tenant, role)('POST', '/teams', teamBody([]))).status, role).toBe(403);
      expect((await as(tenant, role)('PUT', `/teams/${team.id}`, teamBody([]))).status, role).toBe(403);
      expect((await as(tenant, role)('DELETE', `/teams/${team.id}`)).status, role).toBe(403);
    }
    for (const role of ['sales', 'analyst', 'marketing'] as const)
      expect((await as(tenant, role)('GET', `/teams/${team.id}`)).status, role).toBe(403);
    const other = uniqueTenant('teams-other');
    expect((await as(other, 'admin')('GET', `/teams/${team.id}`)).status).toBe(404);
    expect((await as(other, 'admin')('GET', `/teams/${team.id}/agents`)).status).toBe(404);
    expect((await as(other, 'admin')('PUT', `/teams/${team.id}`, teamBody([]))).status).toBe(404);
    expect((await as(other, 'admin')('GET', '/teams')).body.items).toEqual([]);
  });

  it('replays a POST with the same Idempotency-Key', async () => {
    const tenant = uniqueTenant('teams-idem');
    const admin = as(tenant, 'admin');
    const first = await admin('POST', '/teams', teamBody([]), { 'idempotency-key': 'team-1' });
    const again = await admin('POST', '/teams', teamBody([]), { 'idempotency-key': 'team-1' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect((await admin('GET', '/teams')).body.items).toHaveLength(1);
  });
});

describe('ticket assignment', () => {
  it('assigns new tickets of a team within capacity, queues the rest and assigns the oldest when one is resolved', async () => {
    const tenant = uniqueTenant('routing-flow');
    const admin = as(tenant, 'admin');
    const support = as(tenant, 'support', 'agent-1');
    const { body: team } = await admin(
      'POST',
      '/teams',
      teamBody([
        { userId: 'agent-1', capacity: 1 },
        { userId: 'agent-2', capacity: 1 },
      ]),
    );
    const { body: contact } = await admin('POST', '/contacts', { firstName: 'Ada', email: 'ada@example.com' });
    const opened: Ticket[] = [];
    for (const subject of ['First', 'Second', 'Third']) {
      const { ticket } = await ticketsApi.open({
        tenantId: tenant,
        input: { contactId: contact.id, subject, body: 'Please help', channel: 'api', teamId: team.id },
        actor: userActor('support-user'),
      });
      opened.push(ticket);
    }
    const assignee = async (id: string) => (await ticketsApi.get({ tenantId: tenant, ticketId: id }))?.assigneeId;

    await eventually(async () => {
      expect((await support('GET', `/teams/${team.id}/queue`)).body.items.map((q: any) => q.ticketId)).toEqual([opened[2]!.id]);
    });
    expect([await assignee(opened[0]!.id), await assignee(opened[1]!.id)].sort()).toEqual(['agent-1', 'agent-2']);
    expect(await assignee(opened[2]!.id)).toBeUndefined();
    const agents = (await support('GET', `/teams/${team.id}/agents`)).body.items;
    expect(agents.map((a: any) => [a.userId, a.open, a.available])).toEqual([
      ['agent-1', 1, 0],
      ['agent-2', 1, 0],
    ]);

    // The agent holding the first ticket resolves it: the queued ticket goes to them.
    const first = (await ticketsApi.get({ tenantId: tenant, ticketId: opened[0]!.id }))!;
    const resolver = as(tenant, 'support', first.assigneeId);
    const resolved = await resolver('PATCH', `/tickets/${first.id}`, { status: 'resolved' }, { 'if-match': `"${first.version}"` });
    expect(resolved.status).toBe(200);
    await eventually(async () => expect(await assignee(opened[2]!.id)).toBe(first.assigneeId));
    expect((await support('GET', `/teams/${team.id}/queue`)).body.items).toEqual([]);
    const after = (await support('GET', `/teams/${team.id}/agents`)).body.items;
    expect(after.map((a: any) => a.open)).toEqual([1, 1]);
  });
});
