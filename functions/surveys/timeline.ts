import { systemActor } from '../../shared/domain/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import type { ConsumedEvent } from '../../shared/events/catalog.ts';
import type { ActivitiesApi } from '../activities/api.ts';
import type { SurveyRepository } from './repository.ts';
import { scales } from './schemas.ts';

/**
 * Puts a survey response on the contact's timeline, from its survey.responded
 * event, so a failure here is retried by the bus instead of being lost. The
 * entry's id follows from the send, so a repeated delivery, even after a crash
 * between writing the entry and noting it on the send, adds none.
 */
export const responseToTimeline =
  (surveys: SurveyRepository, record: ActivitiesApi['record']) =>
  async (event: Pick<ConsumedEvent<'survey.responded'>, 'tenantId' | 'data'>) => {
    const { tenantId } = event;
    const send = await surveys.get(tenantId, event.data.sendId, true);
    if (!send?.response || send.response.activityId) return;
    const { score, comment } = send.response;
    const { max } = scales[send.kind];
    try {
      const activity = await record({
        tenantId,
        contactId: send.contactId,
        entry: {
          type: 'survey',
          channel: 'web',
          direction: 'inbound',
          occurredAt: send.response.respondedAt,
          subject: `${send.kind.toUpperCase()} ${score}/${max}: ${send.question}`.slice(0, 300),
          body: comment,
          metadata: { kind: send.kind, score, comment: comment ?? null, sendId: send.id },
        },
        actor: systemActor('surveys'),
        dedupeKey: `survey-response/${send.id}`,
      });
      await surveys.linkActivity(tenantId, send.id, activity.id);
    } catch (error) {
      // The contact was deleted after answering: there is no timeline to write to.
      if (error instanceof DomainError && error.kind === 'not-found') return;
      throw error;
    }
  };
