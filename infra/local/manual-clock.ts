import type { Clock } from '../../shared/ports/clock.ts';

/** Something that runs work at given times on a clock: the local scheduler. */
export interface Timed {
  /** When the earliest pending work is due, if any. */
  nextDue(): Date | undefined;
  /** Runs the earliest piece of work due at or before the clock's now. */
  runNext(): Promise<void>;
}

/** A clock that moves only when told, for tests: install it with useClock() and give it to the local scheduler. */
export class ManualClock implements Clock {
  #now: number;
  readonly #timed = new Set<Timed>();

  constructor(start: Date = new Date()) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  attach(timed: Timed): () => void {
    this.#timed.add(timed);
    return () => this.#timed.delete(timed);
  }

  /**
   * Moves time forward by `ms`, stopping at each due job to run it, in time
   * order, jobs scheduled while advancing included; ends at now + ms.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#earliest(end);
      if (!next) break;
      this.#now = Math.max(this.#now, next.at);
      await next.timed.runNext();
    }
    this.#now = end;
  }

  #earliest(end: number) {
    let earliest: { timed: Timed; at: number } | undefined;
    for (const timed of this.#timed) {
      const at = timed.nextDue()?.getTime();
      if (at !== undefined && at <= end && (!earliest || at < earliest.at)) earliest = { timed, at };
    }
    return earliest;
  }
}
