import { mapLimited } from '../../shared/async.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { clock } from '../../shared/ports/clock.ts';
import { contactsApi } from '../contacts/api.ts';
import type { JourneyEngine } from './engine.ts';
import { liveEngine } from './live-engine.ts';
import { journeyRepository, type ScheduledJourney } from './repository.ts';
import { runRepository } from './run-repository.ts';
import { inSegment } from './segment.ts';

/** A sweep that did not run for a while catches up on this many days at most. */
const maxCatchUpDays = 7;
const enrolConcurrency = 10;

const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The days (UTC) a sweep covers: those after the last one swept, at most a week back, through today. */
export const sweepDays = (today: string, lastSwept?: string): string[] => {
  const days: string[] = [];
  for (let day = today; day > (lastSwept ?? shiftDay(today, -1)) && days.length < maxCatchUpDays; day = shiftDay(day, -1))
    days.unshift(day);
  return days;
};

/** Enrols into one scheduled journey the segment's contacts who became inactive on each day swept. */
export const sweepJourney = async (engine: JourneyEngine, entry: ScheduledJourney, today: string) => {
  const version = await runRepository.version(entry.tenantId, entry.journeyId, entry.version);
  if (!version) return;
  const { inactiveDays } = entry.segment;
  for (const day of sweepDays(today, entry.lastSweptDay)) {
    for await (const contacts of contactsApi.engagedOn({ tenantId: entry.tenantId, day: shiftDay(day, -inactiveDays) })) {
      const due = contacts.filter((c) => inSegment(c, entry.segment));
      await mapLimited(due, enrolConcurrency, (c) =>
        engine.enrol(
          version,
          entry.tenantId,
          c.id,
          { type: 'schedule', eventId: `sweep-${day}`, data: { inactiveDays, lastEngagedAt: c.lastEngagedAt } },
          c,
        ),
      );
    }
  }
  await journeyRepository.markSwept(entry, today);
};

/**
 * The daily win-back sweep (functions/schedules.ts; its event's `time` names the day): for every
 * active schedule-triggered journey of every tenant, enrols the contacts
 * whose last engagement is exactly `inactiveDays` old. It reads one GSI3 day
 * bucket per journey and day, so its cost follows the due contacts, not the
 * contacts a tenant has; a redelivered or repeated sweep enrols nobody twice.
 */
export const handler = async (event?: { time?: string }) => {
  const today = (event?.time ? new Date(event.time) : clock().now()).toISOString().slice(0, 10);
  // The events the sweep's enrolments cause correlate to the day swept.
  await withTrace({ actor: systemActor('journeys'), correlationId: `sweep-${today}` }, async () => {
    for await (const entries of journeyRepository.scheduled()) for (const entry of entries) await sweepJourney(liveEngine, entry, today);
  });
};
