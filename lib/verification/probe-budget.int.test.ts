import { describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "../db";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import type { ProbeBudgetOptions } from "./probe-budget";

const db = setupTestDatabase();
const MINUTE = 60_000;
const T0 = Date.parse("2026-12-04T10:00:00.000Z");
const LIMIT = 3;

/** A clock the test moves by hand; a probe's wait moves it, so no test waits for time to pass. */
function manualClock() {
  let now = T0;
  const waits: number[] = [];
  return {
    waits,
    at: (ms: number) => void (now = T0 + ms),
    options: {
      now: () => new Date(now),
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    },
  };
}

type Take = (gateway: string, options: ProbeBudgetOptions) => Promise<boolean>;

/**
 * Two Portcullis processes: each its own database client and its own copy of the module, so
 * nothing the module keeps in memory is shared between them, only the database.
 */
async function twoInstances(clock: ReturnType<typeof manualClock>) {
  const instance = async (client: PrismaClient) => {
    vi.resetModules();
    const { takeProbeSlot } = (await import("./probe-budget")) as { takeProbeSlot: Take };
    return (gateway: string) => takeProbeSlot(gateway, { db: client, limit: LIMIT, ...clock.options });
  };
  return [await instance(db.current.prisma), await instance(db.current.second)] as const;
}

const count = (results: boolean[]) => results.filter(Boolean).length;

describe("the probe budget shared by Portcullis instances", () => {
  it("lets two instances taking slots at the same moment send no more than the limit together", async () => {
    const clock = manualClock();
    const [first, second] = await twoInstances(clock);
    const gateway = "https://race.azure-api.net";

    const results = await Promise.all(
      Array.from({ length: 4 * LIMIT }, (_, index) => (index % 2 === 0 ? first : second)(gateway)),
    );

    expect(count(results)).toBe(LIMIT);
    // The budget is full for the whole next minute: the others are not sent rather than wait that long.
    expect(clock.waits).toEqual([]);
    expect(await first("https://another.azure-api.net")).toBe(true);
  });

  it("frees each slot a minute after it was taken, for every instance", async () => {
    const clock = manualClock();
    const [first, second] = await twoInstances(clock);
    const gateway = "https://sliding.azure-api.net";
    const sent: number[] = [];
    const take = async (instance: typeof first) => {
      const taken = await instance(gateway);
      if (taken) sent.push(clock.options.now().getTime() - T0);
      return taken;
    };

    expect(await take(first)).toBe(true);
    clock.at(20_000);
    expect([await take(second), await take(first)]).toEqual([true, true]);
    clock.at(30_000);
    // Full until the first slot (taken at 0 s) leaves the minute: the second instance waits 30 s for it.
    expect(await take(second)).toBe(true);
    expect(clock.waits).toEqual([30_000]);
    // At 60 s the slots of 20 s fill the minute again; the next frees up at 80 s.
    expect(await take(first)).toBe(true);
    expect(clock.waits).toEqual([30_000, 20_000]);
    expect(sent).toEqual([0, 20_000, 20_000, 60_000, 80_000]);
    for (const [index, time] of sent.entries())
      expect(sent.slice(index).filter((later) => later < time + MINUTE).length).toBeLessThanOrEqual(LIMIT);
  });

  it("does not send a probe that would wait a minute or longer, and keeps no slot for it", async () => {
    const clock = manualClock();
    const [first, second] = await twoInstances(clock);
    const gateway = "https://busy.azure-api.net";
    expect(await Promise.all([first(gateway), first(gateway), second(gateway)])).toEqual([true, true, true]);

    expect(await second(gateway)).toBe(false);
    expect(clock.waits).toEqual([]);
    const [row] = await db.current.prisma.probeBudget.findMany({ where: { gateway } });
    expect(row!.sentAt).toHaveLength(LIMIT);
  });

  it("keeps only the last minute's slots of a gateway", async () => {
    const clock = manualClock();
    const [first] = await twoInstances(clock);
    const gateway = "https://pruned.azure-api.net";
    for (const ms of [0, 10_000, 70_000]) {
      clock.at(ms);
      expect(await first(gateway)).toBe(true);
    }
    const [row] = await db.current.prisma.probeBudget.findMany({ where: { gateway } });
    expect(row!.sentAt.map((time) => time.getTime() - T0)).toEqual([70_000]);
  });

  it("stamps slots with the database's clock when none is given", async () => {
    vi.resetModules();
    const { takeProbeSlot } = await import("./probe-budget");
    const gateway = "https://database-clock.azure-api.net";
    const databaseNow = async () => {
      const [row] = await db.current.prisma.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
      return row.now.getTime();
    };
    const waits: number[] = [];
    const options = {
      db: db.current.prisma,
      limit: 1,
      // Stops the second take at its wait: the test does not wait for the minute to pass.
      sleep: async (ms: number) => {
        waits.push(ms);
        throw new Error("asked to wait");
      },
    };

    const before = await databaseNow();
    expect(await takeProbeSlot(gateway, options)).toBe(true);
    const after = await databaseNow();
    const [row] = await db.current.prisma.probeBudget.findMany({ where: { gateway } });
    // Stored to the millisecond: the stamp may round half a millisecond beyond either bound.
    expect(row!.sentAt[0]!.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(row!.sentAt[0]!.getTime()).toBeLessThanOrEqual(after + 1);

    // The one slot frees up when a minute of the database's clock has passed since it was taken.
    await expect(takeProbeSlot(gateway, options)).rejects.toThrow("asked to wait");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(MINUTE);
  });
});
