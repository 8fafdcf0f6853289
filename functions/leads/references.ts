import { activitiesApi } from '../activities/api.ts';
import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { dealsApi } from '../deals/api.ts';
import type { LeadReferences } from './service.ts';

/** What leads ask of contacts, companies, deals and the timeline: only through their APIs. */
export const leadReferences: LeadReferences = {
  contactByEmail: async (tenantId, email) => (await contactsApi.findByEmail({ tenantId, email }))?.id,
  contactByPhone: async (tenantId, phone) => (await contactsApi.findByPhone({ tenantId, phone }))?.id,
  createContact: async (tenantId, input, actor) => (await contactsApi.create({ tenantId, input, actor })).id,
  fillContact: async (tenantId, contactId, fields, actor) => {
    await contactsApi.fillEmpty({ tenantId, contactId, fields, actor });
  },
  companyByDomain: async (tenantId, domain) => (await companiesApi.findByDomain({ tenantId, domain }))?.id,
  createCompany: async (tenantId, input, actor) => (await companiesApi.create({ tenantId, input, actor })).id,
  createDeal: async (tenantId, { contactId, id, ...deal }, actor) =>
    (await dealsApi.create({ tenantId, input: { ...deal, contactIds: [contactId] }, actor, id })).id,
  recordConverted: async (tenantId, contactId, lead, actor) => {
    await activitiesApi.record({
      tenantId,
      contactId,
      actor,
      engages: false,
      dedupeKey: `lead-converted:${lead.id}`,
      entry: {
        type: 'note',
        subject: 'Converted from lead',
        body: [lead.name, lead.companyName, `source ${lead.source}`].filter(Boolean).join(' · '),
        metadata: { leadId: lead.id, source: lead.source, ...(lead.formId && { formId: lead.formId }) },
      },
    });
  },
};
