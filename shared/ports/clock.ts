/** Time source. The embedded runtime and tests swap in a controllable clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;
export const clock = (): Clock => current;
export const useClock = (c: Clock) => {
  current = c;
};
