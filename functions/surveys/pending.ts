import { surveyUrl } from './link.ts';
import { surveyRepository } from './repository.ts';

/** How many of a contact's newest sends are looked at for ones still waiting: one query. */
const recentSends = 25;

/**
 * A contact's surveys still waiting for an answer (sent or waiting out quiet hours, unanswered, link not
 * expired), newest first, each with the address of its page.
 */
export const pendingSurveys = async ({ tenantId, contactId, now }: { tenantId: string; contactId: string; now: Date }) => {
  const { items } = await surveyRepository.listByContact(tenantId, contactId, recentSends);
  const open = items.filter(
    (s) => !s.response && (s.outcome?.status === 'sent' || s.outcome?.status === 'deferred') && Date.parse(s.linkExpiresAt) > now.getTime(),
  );
  return Promise.all(
    open.map(async (s) => ({
      id: s.id,
      kind: s.kind,
      question: s.question,
      url: await surveyUrl(tenantId, s.id, new Date(s.linkExpiresAt)),
      createdAt: s.createdAt,
      linkExpiresAt: s.linkExpiresAt,
    })),
  );
};
