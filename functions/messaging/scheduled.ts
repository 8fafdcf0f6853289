import * as z from 'zod';
import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { resumeDeferred } from './send.ts';

const payload = z.object({ tenantId: z.string().min(1), messageId: z.string().min(1) });

/** EventBridge Scheduler (or the local scheduler) at the end of a message's quiet hours: send it now. */
export const handler = async (event: unknown) => {
  const { tenantId, messageId } = payload.parse(event);
  await withTrace({ actor: systemActor('messaging'), correlationId: messageId }, () => resumeDeferred(tenantId, messageId));
};
