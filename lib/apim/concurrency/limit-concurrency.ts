/**
 * A limiter for fan-out (sync of many APIs, drift scans of hundreds): `limit(task)` starts
 * the task when fewer than `concurrency` limited tasks are running, first come first
 * served, and settles like the task.
 *
 *   const limit = limitConcurrency(8);
 *   await Promise.all(apis.map((api) => limit(() => client.getApiPolicy(api.name))));
 */
export function limitConcurrency(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a positive integer, not ${concurrency}`);
  let running = 0;
  const waiting: Array<() => void> = [];

  // A finished task hands its slot straight to the oldest waiter; freeing it first would let
  // a task arriving in between take it too, and one more than `concurrency` would run.
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };

  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < concurrency) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
