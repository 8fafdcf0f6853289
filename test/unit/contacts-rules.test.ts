import { describe, expect, it } from 'vitest';
import type { Contact } from '../../functions/contacts/schemas.ts';
import { contactService } from '../../functions/contacts/service.ts';
import type { ContactSettings } from '../../functions/contacts/settings.ts';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { Reply } from '../../shared/http/reply.ts';
import { failure } from '../support/domain.ts';
import { memoryContacts } from '../support/fakes/contacts.ts';

const ctx: RequestContext = { tenantId: 'acme', userId: 'u-1', roles: ['admin'] };
const companyId = '01J0000000000000000000C0MP';

const setup = (settings: ContactSettings = {}) => {
  const fake = memoryContacts({ companies: [companyId] });
  const store = { get: async () => settings, replace: async (_t: string, s: ContactSettings) => s };
  return { ...fake, service: contactService(fake.repo, store) };
};

const create = (s: ReturnType<typeof setup>['service'], body: Record<string, unknown>) =>
  s.createContact({ params: undefined, query: undefined, body: body as never }, ctx) as Promise<Contact>;

describe('contact upserts', () => {
  it('two upserts of one new email at once: one creates the contact, the other updates it', async () => {
    const { service, hooks, contacts } = setup();
    // Both look the email up before either writes.
    let arrived = 0;
    let release!: () => void;
    const bothLooked = new Promise<void>((resolve) => {
      release = resolve;
    });
    hooks.afterIdByUnique = async () => {
      if (++arrived === 2) release();
      if (arrived <= 2) await bothLooked;
    };
    const upsert = (firstName: string) =>
      service.upsertContactByEmail(
        { params: { email: 'ann@example.com' }, query: undefined, body: { firstName } as never },
        ctx,
      ) as Promise<Reply>;
    const replies = await Promise.all([upsert('Ann'), upsert('Anna')]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(contacts.size).toBe(1);
    const [stored] = [...contacts.values()];
    expect(stored!.email).toBe('ann@example.com');
    expect(stored!.version).toBe(2);
    expect(replies.map((r) => (r.body as Contact).id)).toEqual([stored!.id, stored!.id]);
  });

  it('an upsert of a known email updates that contact and answers 200', async () => {
    const { service } = setup();
    const first = await create(service, { email: 'bo@example.com', firstName: 'Bo' });
    const reply = (await service.upsertContactByEmail(
      { params: { email: 'bo@example.com' }, query: undefined, body: { lastName: 'Berg' } as never },
      ctx,
    )) as Reply;
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: first.id, firstName: 'Bo', lastName: 'Berg', version: 2 });
  });
});

describe('contact write conflicts', () => {
  it('answers 409 with the existing id and the field when an email or phone is taken', async () => {
    const { service } = setup();
    const ann = await create(service, { email: 'ann@example.com', phone: '+442079460958' });
    expect(await failure(create(service, { email: 'ann@example.com' }))).toEqual({ kind: 'conflict', existingId: ann.id, field: 'email' });
    expect(await failure(create(service, { email: 'other@example.com', phone: '+442079460958' }))).toEqual({
      kind: 'conflict',
      existingId: ann.id,
      field: 'phone',
    });
    const bo = await create(service, { email: 'bo@example.com' });
    expect(
      await failure(service.updateContact({ params: { id: bo.id }, query: undefined, body: { email: 'ann@example.com' } as never }, ctx)),
    ).toEqual({ kind: 'conflict', existingId: ann.id, field: 'email' });
  });

  it('answers 422 naming body.companyId when the company does not exist', async () => {
    const { service } = setup();
    expect(await failure(create(service, { email: 'ann@example.com', companyId: '01J0000000000000000000NONE' }))).toEqual({
      kind: 'unprocessable',
      errors: { 'body.companyId': ['no company with this id'] },
    });
    expect(await failure(create(service, { email: 'ann@example.com', companyId }))).toBeUndefined();
  });

  it('answers 412 when If-Match names an old version, or a change lands between the read and the write', async () => {
    const { service, hooks, repo } = setup();
    const ann = await create(service, { email: 'ann@example.com' });
    const patch = (body: Record<string, unknown>, ifMatch?: number) =>
      service.updateContact({ params: { id: ann.id }, query: undefined, body: body as never, ifMatch }, ctx);
    expect(await failure(patch({ firstName: 'A' }, 7))).toEqual({ kind: 'precondition-failed' });

    // Someone else writes after our read: with If-Match that is a lost update (412), and nothing is written.
    let raced = false;
    hooks.beforeUpdate = async (before) => {
      if (raced) return;
      raced = true;
      await repo.update('acme', before, { ...before, version: before.version + 1, lastName: 'Other' }, {} as never);
    };
    expect(await failure(patch({ firstName: 'Lost' }, 1))).toEqual({ kind: 'precondition-failed' });
    expect((await repo.get('acme', ann.id))?.firstName).toBeUndefined();

    // Without If-Match the lost race is retried on fresh data, keeping the other writer's change.
    raced = false;
    const after = (await patch({ firstName: 'Kept' })) as Contact;
    expect(after).toMatchObject({ firstName: 'Kept', lastName: 'Other', version: 4 });
  });

  it('gives up with the write conflict after three lost races without If-Match', async () => {
    const { service, hooks, repo } = setup();
    const ann = await create(service, { email: 'ann@example.com' });
    let races = 0;
    hooks.beforeUpdate = async (before) => {
      hooks.beforeUpdate = undefined;
      races++;
      await repo.update('acme', before, { ...before, version: before.version + 1 }, {} as never);
      hooks.beforeUpdate = restore;
    };
    const restore = hooks.beforeUpdate;
    const error = await service
      .updateContact({ params: { id: ann.id }, query: undefined, body: { firstName: 'X' } as never }, ctx)
      .catch((e: unknown) => e);
    expect(isWriteConflict(error, 'VERSION')).toBe(true);
    expect(races).toBe(3);
  });
});

describe('contact updates by an actor', () => {
  it('records consent changes as api:<actor id>, for users and journeys alike', async () => {
    const { service } = setup();
    const ann = await create(service, { email: 'ann@example.com', consent: { email: { marketing: true } } });
    expect(ann.consent.email?.marketing?.source).toBe('api:u-1');
    const after = await service.update({
      tenantId: 'acme',
      id: ann.id,
      patch: { consent: { email: { marketing: false } } },
      actor: systemActor('journey', 'j-1'),
    });
    expect(after.consent.email?.marketing).toMatchObject({ granted: false, source: 'api:journey:j-1' });
    expect(after.consentHistory.map((h) => h.source)).toEqual(['api:u-1', 'api:journey:j-1']);
  });

  it('answers not found for an unknown contact', async () => {
    const { service } = setup();
    expect(
      await failure(service.update({ tenantId: 'acme', id: 'nope', patch: { firstName: 'X' }, actor: systemActor('journey', 'j') })),
    ).toEqual({
      kind: 'not-found',
    });
  });
});

describe('the q= parser', () => {
  const list = (s: ReturnType<typeof setup>['service'], query: Record<string, unknown>) =>
    s.listContacts({ params: undefined, query: { limit: 20, ...query } as never, body: undefined }, ctx) as Promise<{ items: Contact[] }>;

  it('reads an email through its guard, not an index', async () => {
    const { service, pages } = setup();
    const ann = await create(service, { email: 'ann@example.com', firstName: 'Ann' });
    expect((await list(service, { q: 'ANN@example.com' })).items.map((c) => c.id)).toEqual([ann.id]);
    expect((await list(service, { q: 'nobody@example.com' })).items).toEqual([]);
    // The other filters still apply to the one match.
    expect((await list(service, { q: 'ann@example.com', lifecycleStage: 'customer' })).items).toEqual([]);
    expect(pages).toEqual([]);
  });

  it('reads a phone number, international or in the tenant default region, through its guard', async () => {
    const { service, pages } = setup({ defaultRegion: 'GB' });
    const ann = await create(service, { phone: '+442079460958' });
    expect((await list(service, { q: '+44 20 7946 0958' })).items.map((c) => c.id)).toEqual([ann.id]);
    expect((await list(service, { q: '020 7946 0958' })).items.map((c) => c.id)).toEqual([ann.id]);
    expect((await list(service, { q: '(020) 7946-0958' })).items.map((c) => c.id)).toEqual([ann.id]);
    expect(pages).toEqual([]);
  });

  it('takes anything else as a folded name prefix, and tag/owner filters as index choices', async () => {
    const { service, pages } = setup();
    await create(service, { email: 'zoe@example.com', firstName: 'Zoë', lastName: 'Dupré', tags: ['vip'] });
    await create(service, { email: 'bob@example.com', firstName: 'Bob', tags: ['vip'] });
    expect((await list(service, { q: 'ZOE du' })).items.map((c) => c.firstName)).toEqual(['Zoë']);
    expect((await list(service, { tag: 'vip', ownerId: 'u-9' })).items).toEqual([]);
    expect((await list(service, { tag: 'vip' })).items).toHaveLength(2);
    // Too short for a phone number: a name.
    await list(service, { q: '12345' });
    expect(pages).toEqual([
      { kind: 'name', prefix: 'zoe' },
      { kind: 'tag', tag: 'vip' },
      { kind: 'tag', tag: 'vip' },
      { kind: 'name', prefix: '12345' },
    ]);
  });
});
