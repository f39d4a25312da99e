import { describe, expect, it } from "vitest";
import { limitConcurrency } from "./limit-concurrency";

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("limitConcurrency", () => {
  it("never runs more than the limit", async () => {
    const limit = limitConcurrency(2);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    };
    const first = Array.from({ length: 5 }, () => limit(task));
    await tick();
    // Late arrivals race with the hand-over of freed slots.
    const late = Array.from({ length: 5 }, () => limit(task));
    await Promise.all([...first, ...late]);
    expect(peak).toBe(2);
  });

  it("hands a freed slot to the oldest waiter, not to a task arriving as it is freed", async () => {
    const limit = limitConcurrency(1);
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const track = async (work: Promise<unknown>) => {
      running += 1;
      peak = Math.max(peak, running);
      try {
        await work;
      } finally {
        running -= 1;
      }
    };
    let first!: Promise<void>;
    const a = limit(() => (first = track(gate.promise)));
    const b = limit(() => track(tick()));
    // Runs right after the limiter frees the first slot, before the waiter resumes.
    const c = first.then(() => limit(() => track(tick())));
    gate.resolve();
    await Promise.all([a, b, c]);
    expect(peak).toBe(1);
  });

  it("starts waiting tasks in arrival order", async () => {
    const limit = limitConcurrency(1);
    const gate = deferred();
    const started: number[] = [];
    const runs = [0, 1, 2, 3].map((n) =>
      limit(async () => {
        started.push(n);
        if (n === 0) await gate.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0]);
    gate.resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("settles like the task and frees the slot when it fails", async () => {
    const limit = limitConcurrency(1);
    await expect(limit(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limit(async () => 42)).resolves.toBe(42);
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => limitConcurrency(0)).toThrow(/positive integer/);
    expect(() => limitConcurrency(1.5)).toThrow(/positive integer/);
  });
});
