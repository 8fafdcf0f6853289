import * as z from 'zod';
import { pastDateTime } from '../../shared/domain/fields.ts';
import { eventCatalog, ingestibleEvents } from '../../shared/events/catalog.ts';

const [first, ...rest] = ingestibleEvents.map((type) =>
  z.strictObject({
    type: z.literal(type),
    /** The source system's id for this fact: a resend with the same type and id is recognised and not published again. */
    sourceId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^#]+$/, 'must not contain #')
      .optional(),
    /** When it happened at the source; at most a few minutes ahead, so it cannot move engagement into the future. */
    occurredAt: pastDateTime.optional(),
    data: eventCatalog[type].data,
  }),
);

export const ingestEventBody = z.discriminatedUnion('type', [first!, ...rest]);

export const ingestEventResponse = z.object({ id: z.string(), type: z.string(), duplicate: z.boolean() }).meta({ id: 'IngestedEvent' });
