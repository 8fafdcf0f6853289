import type { Member, Team } from './schemas.ts';

/** Skills and ticket words compare case- and width-insensitively (the same folding as tags). */
export const normalizeSkill = (s: string) => s.trim().normalize('NFKC').toLowerCase();

/** What a ticket says of itself that routing reads. */
export interface RoutedTicket {
  category?: string;
  tags: string[];
}

/** The ticket's category and tags that name a skill some member of the team has. */
export const wantedSkills = (team: Team, ticket: RoutedTicket): string[] => {
  const known = new Set(team.members.flatMap((m) => m.skills.map(normalizeSkill)));
  const words = [ticket.category, ...ticket.tags].filter((w): w is string => !!w).map(normalizeSkill);
  return [...new Set(words)].filter((w) => known.has(w));
};

/** 0: has every wanted skill (or none is wanted), 1: has some, 2: has none. */
export const skillTier = (member: Member, wanted: string[]): number => {
  if (!wanted.length) return 0;
  const has = new Set(member.skills.map(normalizeSkill));
  const matched = wanted.filter((w) => has.has(w)).length;
  return matched === wanted.length ? 0 : matched > 0 ? 1 : 2;
};

/** Members who can take tickets: active, with a capacity above 0. */
export const activeMembers = (team: Team): Member[] => team.members.filter((m) => m.active && m.capacity > 0);

/**
 * The order in which routing tries the members for a ticket: skill match first
 * (all wanted skills, then some, then the rest), then by the team's mode —
 * round robin: the team's member order rotated by the turn (1 for the first
 * routing), so consecutive turns start at consecutive members; load balanced:
 * fewest open tickets first, ties in the same rotated order. Routing tries them
 * in turn and takes the first whose counter is below capacity.
 */
export const candidateOrder = (team: Team, ticket: RoutedTicket, turn: number, loads?: Map<string, number>): Member[] => {
  const members = activeMembers(team);
  const n = members.length;
  if (!n) return [];
  const start = (((turn - 1) % n) + n) % n;
  const rotation = new Map(members.map((m, i) => [m.userId, (i - start + n) % n]));
  const wanted = wantedSkills(team, ticket);
  const open = (m: Member) => (team.mode === 'load_balanced' ? (loads?.get(m.userId) ?? 0) : 0);
  return [...members].sort(
    (a, b) => skillTier(a, wanted) - skillTier(b, wanted) || open(a) - open(b) || rotation.get(a.userId)! - rotation.get(b.userId)!,
  );
};

/** The member entry of a user in a team, when active. */
export const activeMember = (team: Team, userId: string): Member | undefined => activeMembers(team).find((m) => m.userId === userId);
