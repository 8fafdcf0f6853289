/**
 * Runs `attempt` until it succeeds, `retryOn` says the error is not worth
 * another try, or `attempts` are spent; waits a jittered, growing pause between
 * tries so racing writers spread out. The last error is rethrown as is.
 */
export const retry = async <T>(
  attempt: (n: number) => Promise<T>,
  { attempts = 5, retryOn, pauseMs = 20 }: { attempts?: number; retryOn: (error: unknown) => boolean; pauseMs?: number },
): Promise<T> => {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= attempts || !retryOn(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * pauseMs * n));
    }
  }
};
