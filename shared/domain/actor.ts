/**
 * Who caused a change: a signed-in user, or a part of Rapport acting on its
 * own (a journey step, the unsubscribe page, a subscriber). Contexts call each
 * other's api.ts with an actor instead of forging a user with roles.
 */
export type Actor = { type: 'user'; id: string } | { type: 'system'; id: string };

export const userActor = (userId: string): Actor => ({ type: 'user', id: userId });
/** `name` is the part acting (`journey`, `unsubscribe-link`, `contacts`), `of` what it acts for (a journey id). */
export const systemActor = (name: string, of?: string): Actor => ({ type: 'system', id: of ? `${name}:${of}` : name });

/** The id written where a change records who made it (`createdBy`, a consent change's source). */
export const actorId = (actor: Actor) => actor.id;
