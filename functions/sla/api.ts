import { businessTime, calendarTime, minuteMs } from './business-time.ts';
import { slaRepository } from './repository.ts';

/** What other contexts may ask of the SLA context (service reports count first-response and resolution times in business time). */
export const slaApi = {
  /**
   * Whole business minutes between two instants in a tenant's calendar (the
   * default one when no id is given); calendar minutes when there is none.
   */
  async businessMinutesBetween({ tenantId, calendarId, from, to }: { tenantId: string; calendarId?: string; from: Date; to: Date }) {
    const id = calendarId ?? (await slaRepository.defaultCalendarId(tenantId));
    const calendar = id ? await slaRepository.getCalendar(tenantId, id) : undefined;
    return Math.floor((calendar ? businessTime(calendar) : calendarTime).msBetween(from, to) / minuteMs);
  },
};
export type SlaApi = typeof slaApi;
