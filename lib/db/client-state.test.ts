import { describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "./generated/client";

const client = () => ({}) as PrismaClient;

/** A fresh instance of a lib/db module, as another copy of lib/ in the process loads it. */
async function anotherCopy<M>(load: () => Promise<M>): Promise<M> {
  vi.resetModules();
  return load();
}

describe("state kept per database client", () => {
  it("is one for every copy of lib/ loaded in the process", async () => {
    const first = await anotherCopy(() => import("./client-state"));
    const second = await anotherCopy(() => import("./client-state"));
    expect(second).not.toBe(first);
    const db = client();
    const made = first.clientState(db, "thing", () => ({ made: 1 }));
    expect(second.clientState(db, "thing", () => ({ made: 2 }))).toBe(made);
    expect(second.findClientState(client(), "thing")).toBeUndefined();
  });

  it("lets a copy that did not open the database use the driver the opening copy registered", async () => {
    const opening = await anotherCopy(() => import("./driver-sql"));
    const other = await anotherCopy(() => import("./driver-sql"));
    const db = client();
    const driver = { query: vi.fn(async () => [{ one: 1 }]) };
    opening.registerDriverSql(db, driver as never);
    expect(other.driverSqlOf(db)).toBe(driver);
  });
});
