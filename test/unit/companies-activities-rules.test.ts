import { describe, expect, it } from 'vitest';
import { activityKeys } from '../../functions/activities/items.ts';
import type { Activity, ActivityInput } from '../../functions/activities/schemas.ts';
import { logActivityBody } from '../../functions/activities/schemas.ts';
import { recordActivity } from '../../functions/activities/timeline.ts';
import type { Company } from '../../functions/companies/schemas.ts';
import { companyService } from '../../functions/companies/service.ts';
import { contactsApi } from '../../functions/contacts/api.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { contactFixture, failure } from '../support/domain.ts';
import { memoryActivities } from '../support/fakes/activities.ts';
import { memoryCompanies } from '../support/fakes/companies.ts';

const ctx: RequestContext = { tenantId: 'acme', userId: 'u-1', roles: ['admin'] };

describe('companies', () => {
  const setup = (members = new Set<string>()) => {
    const fake = memoryCompanies();
    const service = companyService(fake.repo, { hasCompanyMembers: async ({ companyId }) => members.has(companyId) });
    const create = (body: Record<string, unknown>) =>
      service.createCompany({ params: undefined, query: undefined, body: body as never }, ctx) as Promise<Company>;
    return { ...fake, service, create, members };
  };

  it('answers 409 with the existing id when a domain is taken, on create and on update', async () => {
    const { create, service, companies } = setup();
    const acme = await create({ name: 'Acme', domain: 'acme.com' });
    expect(await failure(create({ name: 'Acme 2', domain: 'acme.com' }))).toEqual({
      kind: 'conflict',
      existingId: acme.id,
      field: 'domain',
    });
    expect(companies.size).toBe(1);
    const other = await create({ name: 'Other', domain: 'other.com' });
    expect(
      await failure(service.updateCompany({ params: { id: other.id }, query: undefined, body: { domain: 'acme.com' } as never }, ctx)),
    ).toEqual({ kind: 'conflict', existingId: acme.id, field: 'domain' });
    // The domain moves once its company lets it go.
    await service.updateCompany({ params: { id: acme.id }, query: undefined, body: { domain: 'acme.org' } as never }, ctx);
    expect(await failure(create({ name: 'Acme 3', domain: 'acme.com' }))).toBeUndefined();
  });

  it('answers 409 to a delete while the company has contacts, and deletes it once it has none', async () => {
    const { create, service, companies, members } = setup();
    const acme = await create({ name: 'Acme' });
    members.add(acme.id);
    const remove = () => service.deleteCompany({ params: { id: acme.id }, query: undefined, body: undefined }, ctx);
    expect(await failure(remove())).toMatchObject({ kind: 'conflict' });
    expect(companies.size).toBe(1);
    members.delete(acme.id);
    expect(await failure(remove())).toBeUndefined();
    expect(companies.size).toBe(0);
  });

  it('answers 412 when If-Match names an old version', async () => {
    const { create, service } = setup();
    const acme = await create({ name: 'Acme' });
    expect(
      await failure(service.updateCompany({ params: { id: acme.id }, query: undefined, body: { name: 'B' } as never, ifMatch: 9 }, ctx)),
    ).toEqual({ kind: 'precondition-failed' });
  });
});

describe('the timeline', () => {
  const contact = contactFixture({ id: '01J000000000000000000000C1' });
  const setup = () => {
    const contacts = new Map([[contact.id, structuredClone(contact)]]);
    const fake = memoryActivities({ contacts, companies: ['01J000000000000000000000K1'] });
    const find = async (_t: string, id: string) => structuredClone(contacts.get(id));
    const record = (entry: ActivityInput, options?: { engages?: boolean; dedupeKey?: string }, contactId = contact.id) =>
      recordActivity(fake.repo, find, 'acme', contactId, entry, 'u-1', options);
    return { ...fake, contacts, record };
  };

  it('keeps entries in the contact partition, sorting before the contact item, as the one-query timeline needs', () => {
    const { partition, contactSortKey, isContact } = contactsApi.timelinePartition({ tenantId: 'acme', contactId: 'c1' });
    const entry = activityKeys.activity('acme', 'c1', '01J00000000000000000000000');
    expect(entry.PK).toBe(partition);
    expect(entry.SK < contactSortKey && activityKeys.activityPrefix < contactSortKey).toBe(true);
    expect(isContact({ PK: partition, SK: contactSortKey, entity: 'CONTACT' })).toBe(true);
    expect(isContact({ ...entry, entity: 'ACTIVITY' })).toBe(false);
  });

  it('refuses an occurredAt more than five minutes ahead, and takes one a minute ahead', () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    expect(logActivityBody.safeParse({ type: 'call', occurredAt: at(60 * 60_000) }).success).toBe(false);
    expect(logActivityBody.safeParse({ type: 'call', occurredAt: at(60_000) }).success).toBe(true);
  });

  it('records the same dedupe key once: the second call answers the first entry and writes nothing', async () => {
    const { record, entries, events } = setup();
    const entry: ActivityInput = { type: 'survey', occurredAt: '2026-02-01T10:00:00.000Z', subject: 'NPS 9' };
    const first = await record(entry, { dedupeKey: 'survey/s-1' });
    const again: Activity = await record(entry, { dedupeKey: 'survey/s-1' });
    expect(again.id).toBe(first.id);
    expect(entries.size).toBe(1);
    expect(events).toHaveLength(1);
    // Without a key every call is a new entry.
    await record(entry);
    await record(entry);
    expect(entries.size).toBe(3);
  });

  it('moves engagement forward only for engaging entries, retrying when the contact changed since it was read', async () => {
    const { record, contacts, repo } = setup();
    await record({ type: 'email', occurredAt: '2026-03-01T00:00:00.000Z' }, { engages: false });
    expect(contacts.get(contact.id)?.lastActivityAt).toBeUndefined();
    // The contact changed between our read and our write (we read version 1, it is at 2): the next attempt reads it again.
    contacts.get(contact.id)!.version = 2;
    let reads = 0;
    const stale = async (_t: string, id: string) =>
      reads++ === 0 ? { ...structuredClone(contacts.get(id)!), version: 1 } : structuredClone(contacts.get(id));
    await recordActivity(repo, stale, 'acme', contact.id, { type: 'call', occurredAt: '2026-03-02T00:00:00.000Z' }, 'u-1');
    expect(reads).toBe(2);
    expect(contacts.get(contact.id)?.lastActivityAt).toBe('2026-03-02T00:00:00.000Z');
  });

  it('answers 422 for an unknown company and 404 for an unknown contact', async () => {
    const { record } = setup();
    expect(await failure(record({ type: 'note', companyId: '01J000000000000000000000XX' }))).toEqual({
      kind: 'unprocessable',
      errors: { 'body.companyId': ['no company with this id'] },
    });
    expect(await failure(record({ type: 'note' }, {}, '01J000000000000000000000C9'))).toEqual({ kind: 'not-found' });
  });
});
