/** Latencies (ms) of `total` calls of `task`, `concurrency` at a time, and the wall time of the whole run. */
export interface PoolResult {
  latencies: number[];
  wallMs: number;
}

/** Runs task(0) … task(total - 1) with at most `concurrency` in flight. */
export const runPool = async (total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<PoolResult> => {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const started = performance.now();
      await task(i);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { latencies, wallMs: performance.now() - started };
};
