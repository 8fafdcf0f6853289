/** One step of what happened to tickets, in the order it happened: routing gave a ticket to an agent, or the ticket stopped counting. */
export type AssignmentStep = { kind: 'assigned'; ticketId: string; agentId: string } | { kind: 'freed'; ticketId: string };

export interface Violations {
  /** Assignments that left an agent holding more open tickets than their capacity. */
  overCapacity: number;
  /** Assignments of a ticket that was already assigned and open. */
  assignedTwice: number;
  /** Agents whose stored counter differs from the open tickets the steps leave them (when counters are given). */
  counterDrift: number;
  total: number;
}

/**
 * Counts capacity and double-assignment violations by replaying the steps
 * (e.g. the ticket.assigned events routing caused and the resolutions, or a
 * test's log of accepted assignments): every count must be 0. `capacity` is
 * per agent; `counters`, when given, are compared with what the replay leaves.
 */
export const countViolations = ({
  capacity,
  steps,
  counters,
}: {
  capacity: Readonly<Record<string, number>>;
  steps: readonly AssignmentStep[];
  counters?: Readonly<Record<string, number>>;
}): Violations => {
  const holder = new Map<string, string>();
  const held = new Map<string, Set<string>>();
  let overCapacity = 0;
  let assignedTwice = 0;
  for (const step of steps) {
    const current = holder.get(step.ticketId);
    if (step.kind === 'freed') {
      if (current) held.get(current)?.delete(step.ticketId);
      holder.delete(step.ticketId);
      continue;
    }
    if (current) {
      assignedTwice++;
      held.get(current)?.delete(step.ticketId);
    }
    holder.set(step.ticketId, step.agentId);
    const tickets = held.get(step.agentId) ?? new Set<string>();
    held.set(step.agentId, tickets.add(step.ticketId));
    if (tickets.size > (capacity[step.agentId] ?? 0)) overCapacity++;
  }
  const counterDrift = counters
    ? [...new Set([...Object.keys(counters), ...held.keys()])].filter((a) => (counters[a] ?? 0) !== (held.get(a)?.size ?? 0)).length
    : 0;
  return { overCapacity, assignedTwice, counterDrift, total: overCapacity + assignedTwice + counterDrift };
};

/** The steps ticket events tell, in the order given (e.g. as the bus delivered them): for countViolations over a run. */
export const stepsFromEvents = (events: readonly { type: string; data: Record<string, unknown> }[]): AssignmentStep[] =>
  events.flatMap((e): AssignmentStep[] => {
    const ticketId = String(e.data.ticketId);
    const open = !['resolved', 'closed'].includes(String(e.data.status));
    const agentId = typeof e.data.assigneeId === 'string' ? e.data.assigneeId : undefined;
    if ((e.type === 'ticket.assigned' || e.type === 'ticket.reopened') && agentId && open) return [{ kind: 'assigned', ticketId, agentId }];
    if (e.type === 'ticket.assigned' && !agentId) return [{ kind: 'freed', ticketId }];
    if (e.type === 'ticket.status_changed' && !open && !['resolved', 'closed'].includes(String(e.data.from)))
      return [{ kind: 'freed', ticketId }];
    return [];
  });
