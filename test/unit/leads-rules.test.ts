import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { decayed, memberFor, parseFormId, publicFormId, scoreOf } from '../../functions/leads/rules.ts';
import { convertBody, createFormBody, createLeadBody, type LeadView, scoringBody, updateLeadBody } from '../../functions/leads/schemas.ts';
import { leadService } from '../../functions/leads/service.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { type FakeLeads, fakeLeadRepository } from '../support/fakes/leads.ts';

const tenantId = 'acme';
const ctx: RequestContext = { tenantId, userId: 'rep-1', roles: ['sales'] };
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
const none = { params: undefined, query: undefined, body: undefined } as const;

let fake: FakeLeads;
let service: ReturnType<typeof leadService>;

beforeEach(() => {
  useClock(clock);
  fake = fakeLeadRepository();
  service = leadService(fake.repo, fake.references);
});
afterAll(() => useClock(systemClock));

const capture = (fields: Record<string, unknown>) => service.createLead({ ...none, body: createLeadBody.parse(fields) }, ctx);
const bodyOf = (answer: unknown) => (answer instanceof Reply ? answer.body : answer) as LeadView & { matched?: unknown };

describe('lead dedupe', () => {
  it('creates a lead, then attaches a capture with the same email in another spelling to it', async () => {
    const first = bodyOf(await capture({ name: 'Ada', email: 'Ada@Example.com' }));
    expect(first).toMatchObject({ email: 'ada@example.com', status: 'new', source: 'api' });
    const again = await capture({ email: 'ADA@example.COM', name: 'Ada L.' });
    expect(again).toBeInstanceOf(Reply);
    expect((again as Reply).status).toBe(200);
    expect(bodyOf(again).matched).toEqual({ kind: 'lead', id: first.id });
    expect(fake.leads(tenantId)).toHaveLength(1);
  });

  it('matches on the normalised phone too', async () => {
    const first = bodyOf(await capture({ phone: '+1 415 555 0123' }));
    expect(first.phone).toBe('+14155550123');
    expect(bodyOf(await capture({ phone: '+14155550123', email: 'new@example.com' })).matched).toEqual({ kind: 'lead', id: first.id });
    expect(fake.leads(tenantId)).toHaveLength(1);
  });

  it('answers the contact an email already belongs to, and creates no lead', async () => {
    const contactId = newId();
    fake.addContact(tenantId, contactId, { email: 'known@example.com' });
    const answer = await capture({ email: 'known@example.com' });
    expect((answer as Reply).status).toBe(200);
    expect(bodyOf(answer).matched).toEqual({ kind: 'contact', id: contactId });
    expect(fake.leads(tenantId)).toHaveLength(0);
  });

  it('makes one lead of concurrent captures of one email; the others answer matched', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => capture({ email: 'race@example.com' })));
    const created = answers.filter((a) => !(a instanceof Reply));
    expect(created).toHaveLength(1);
    const id = bodyOf(created[0]).id;
    for (const a of answers.filter((x) => x instanceof Reply)) expect(bodyOf(a).matched).toEqual({ kind: 'lead', id });
    expect(fake.leads(tenantId)).toHaveLength(1);
    expect(fake.events.filter((e) => e.type === 'lead.created')).toHaveLength(1);
  });
});

describe('lead changes', () => {
  it('needs a reason to disqualify, emits lead.disqualified, and refuses an email another lead has', async () => {
    const lead = bodyOf(await capture({ email: 'a@example.com' }));
    await capture({ email: 'b@example.com' });
    const patch = (body: Record<string, unknown>) =>
      service.updateLead({ ...none, params: { id: lead.id }, body: updateLeadBody.parse(body) }, ctx) as Promise<LeadView>;
    await expect(patch({ status: 'disqualified' })).rejects.toMatchObject({
      status: 400,
      extra: { errors: { 'body.disqualifiedReason': expect.any(Array) } },
    });
    const out = await patch({ status: 'disqualified', disqualifiedReason: 'student' });
    expect(out).toMatchObject({ status: 'disqualified', disqualifiedReason: 'student', version: 2 });
    expect(fake.events.map((e) => e.type)).toContain('lead.disqualified');
    await expect(patch({ email: 'b@example.com' })).rejects.toMatchObject({ kind: 'conflict' });
    const moved = await patch({ email: 'c@example.com', status: 'working' });
    expect(moved.disqualifiedReason).toBeUndefined();
    // The old email is free again, the new one is taken.
    expect(bodyOf(await capture({ email: 'c@example.com' })).matched).toEqual({ kind: 'lead', id: lead.id });
    expect(bodyOf(await capture({ email: 'a@example.com' })).matched).toBeUndefined();
  });
});

describe('lead scoring', () => {
  it('halves behaviour points every half-life', () => {
    const at = '2026-06-01T00:00:00.000Z';
    expect(decayed(10, at, new Date(at), 14)).toBe(10);
    expect(decayed(10, at, new Date('2026-06-15T00:00:00Z'), 14)).toBeCloseTo(5);
    expect(decayed(10, at, new Date('2026-06-29T00:00:00Z'), 14)).toBeCloseTo(2.5);
    const score = scoreOf(
      { fit: 20, fitReasons: ['x: +20'], behaviour: [{ kind: 'form_submitted', points: 10, at }], halfLifeDays: 7 },
      new Date('2026-06-08T00:00:00Z'),
    );
    expect(score).toMatchObject({ fit: 20, behaviour: 5, total: 25 });
    expect(score.reasons).toHaveLength(2);
  });

  it('scores fit from the rules on fields and attributes, and behaviour that decays with time', async () => {
    await service.putScoring(
      {
        ...none,
        body: scoringBody.parse({
          fit: [
            { field: 'attributes.employees', operator: 'gte', value: 100, points: 30 },
            { field: 'companyName', operator: 'exists', points: 5 },
            { field: 'email', operator: 'contains', value: 'gmail', points: -10 },
          ],
          behaviour: { form_submitted: 20, email_clicked: 4, activity: 1 },
          halfLifeDays: 10,
        }),
      },
      { ...ctx, roles: ['marketing'] },
    );
    const lead = bodyOf(await capture({ email: 'cto@big.example', companyName: 'Big', attributes: { employees: 500 } }));
    expect(lead.score).toMatchObject({ fit: 35, behaviour: 0, total: 35 });
    expect(lead.score.reasons).toEqual(['attributes.employees gte 100: +30', 'companyName exists: +5']);
    await service.addBehaviour(tenantId, lead.id, 'email_clicked', 'msg-1');
    await service.addBehaviour(tenantId, lead.id, 'email_clicked', 'msg-1'); // a redelivery scores once
    expect(((await service.getLead({ ...none, params: { id: lead.id } }, ctx)) as LeadView).score.behaviour).toBe(4);
    await clock.advance(10 * 86_400_000);
    const later = (await service.getLead({ ...none, params: { id: lead.id } }, ctx)) as LeadView;
    expect(later.score).toMatchObject({ fit: 35, behaviour: 2, total: 37 });
  });
});

describe('round-robin assignment', () => {
  it('spreads concurrent captures evenly over the team, and keeps a given owner', async () => {
    await service.putRouting({ ...none, body: { members: ['ann', 'bob', 'cyd'] } }, ctx);
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => capture({ email: `p${i}@example.com` })));
    const owners = answers.map((a) => bodyOf(a).ownerId);
    expect(owners.filter((o) => o === 'ann')).toHaveLength(3);
    expect(owners.filter((o) => o === 'bob')).toHaveLength(3);
    expect(owners.filter((o) => o === 'cyd')).toHaveLength(3);
    expect(bodyOf(await capture({ email: 'mine@example.com', ownerId: 'dee' })).ownerId).toBe('dee');
    expect(fake.events.filter((e) => e.type === 'lead.assigned' && e.data.via === 'routing')).toHaveLength(9);
  });

  it('picks members in order, wrapping around', () => {
    expect([1, 2, 3, 4].map((t) => memberFor(['a', 'b', 'c'], t))).toEqual(['a', 'b', 'c', 'a']);
    expect(memberFor([], 1)).toBeUndefined();
  });
});

describe('web forms', () => {
  const makeForm = async (fields: Record<string, unknown> = {}) =>
    (await service.createForm(
      {
        ...none,
        body: createFormBody.parse({
          name: 'Demo',
          fields: ['email', 'name', 'budget'],
          thankYouUrl: 'https://example.com/thanks',
          ...fields,
        }),
      },
      { ...ctx, roles: ['marketing'] },
    )) as { id: string };
  const submit = (formId: string, body: Record<string, string>, formPost = false, ip = '10.0.0.1') =>
    service.submitForm({ params: { formId }, query: undefined, body, client: { ip, formPost } }, ctx);

  it('carries its tenant in its id', () => {
    const id = publicFormId('tenant-å', newId());
    expect(parseFormId(id)?.tenantId).toBe('tenant-å');
    expect(parseFormId(`x${id}`)).toBeUndefined();
  });

  it('makes a form lead from the accepted fields, attributes for the others, and redirects a browser post', async () => {
    const form = await makeForm({ defaultOwnerId: 'ann' });
    const answer = (await submit(form.id, { email: 'f@example.com', budget: '5000', ignored: 'x' })) as { leadId: string };
    const lead = fake.leads(tenantId).find((l) => l.id === answer.leadId)!;
    expect(lead).toMatchObject({ source: 'form', ownerId: 'ann', formId: form.id, attributes: { budget: '5000' } });
    expect(lead.score.behaviour).toHaveLength(1);
    const again = (await submit(form.id, { email: 'f@example.com' }, true)) as Reply;
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('https://example.com/thanks');
    // A second submission of the same email is form behaviour on the same lead.
    expect(fake.leads(tenantId)).toHaveLength(1);
    expect(fake.leads(tenantId)[0]!.score.behaviour).toHaveLength(2);
  });

  it('limits submissions per IP and per form in a fixed window', async () => {
    const form = await makeForm({ rateLimit: { perMinute: 3, perIpPerMinute: 2 } });
    const status = async (ip: string, i: number) => {
      const a = await submit(form.id, { email: `r${ip}${i}@example.com` }, false, ip);
      return a instanceof Reply ? a.status : 200;
    };
    expect([await status('1', 1), await status('1', 2), await status('1', 3)]).toEqual([200, 200, 429]);
    expect(await status('2', 1)).toBe(200);
    const limited = (await submit(form.id, { email: 'z@example.com' }, false, '3')) as Reply;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await clock.advance(60_000);
    expect(await status('1', 4)).toBe(200);
  });

  it('is not found with the id of a form of another tenant or a forged tenant', async () => {
    const form = await makeForm();
    const local = form.id.split('.')[1]!;
    await expect(submit(publicFormId('other', local), { email: 'x@example.com' })).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('lead conversion', () => {
  const convert = (id: string, body: Record<string, unknown> = {}) =>
    service.convertLead({ ...none, params: { id }, body: convertBody.parse(body) }, ctx) as Promise<{
      contactId: string;
      companyId?: string;
      dealId?: string;
    }>;

  it('makes one contact, company and deal, and a retry answers the same ids', async () => {
    const lead = bodyOf(await capture({ name: 'Ada Lovelace', email: 'ada@engines.example', consent: { marketing: true } }));
    const first = await convert(lead.id, { company: { name: 'Engines' }, deal: { name: 'Pilot' } });
    expect(first.companyId && first.dealId).toBeTruthy();
    expect(fake.contact(tenantId, first.contactId)).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@engines.example' });
    const again = await convert(lead.id, { company: { name: 'Engines' }, deal: { name: 'Pilot' } });
    expect(again).toEqual(first);
    expect(fake.made).toMatchObject({ contacts: 1, companies: 1 });
    expect(fake.made.deals).toHaveLength(1);
    expect(fake.events.filter((e) => e.type === 'lead.converted')).toHaveLength(1);
    expect(fake.leads(tenantId)[0]).toMatchObject({ status: 'converted' });
    // A later capture of the email answers the contact.
    expect(bodyOf(await capture({ email: 'ada@engines.example' })).matched).toEqual({ kind: 'contact', id: first.contactId });
    // The company is found by domain (from the email) the next time.
    const other = bodyOf(await capture({ email: 'bob@engines.example' }));
    expect((await convert(other.id, { company: {} })).companyId).toBe(first.companyId);
  });

  it('makes the deal once when a convert crashes after it and is retried', async () => {
    const lead = bodyOf(await capture({ name: 'Ada Lovelace', email: 'ada@engines.example' }));
    const record = fake.references.recordConverted;
    fake.references.recordConverted = async () => {
      throw new Error('the function timed out');
    };
    await expect(convert(lead.id, { deal: { name: 'Pilot' } })).rejects.toThrow('timed out');
    expect(fake.made.deals).toHaveLength(1);
    fake.references.recordConverted = record;
    const retried = await convert(lead.id, { deal: { name: 'Pilot' } });
    expect(retried.dealId).toBe(fake.made.deals[0]);
    expect(fake.made.deals).toHaveLength(1);
    expect(fake.made.contacts).toBe(1);
  });

  it('reuses a contact with the same phone, filling only its empty fields', async () => {
    const contactId = newId();
    const lead = bodyOf(await capture({ name: 'Grace Hopper', phone: '+14155550199', email: 'grace@navy.example' }));
    fake.addContact(tenantId, contactId, { firstName: 'G.', phone: '+14155550199' });
    const out = await convert(lead.id);
    expect(out.contactId).toBe(contactId);
    expect(fake.contact(tenantId, contactId)).toMatchObject({ firstName: 'G.', lastName: 'Hopper', email: 'grace@navy.example' });
    expect(fake.made.contacts).toBe(0);
    expect(fake.events.find((e) => e.type === 'lead.converted')?.data).toMatchObject({ reusedContact: true, contactId });
  });
});
