import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { getOverview } from "./get-overview";

const db = setupTestDatabase();
const reader = contextFor("reader");

async function seed() {
  const prisma = db.current.prisma;
  const instance = await prisma.instance.create({
    data: { name: "i", subscriptionId: "s", resourceGroup: "rg", serviceName: "svc", armEndpoint: "https://arm" },
  });
  const api = (name: string, goneAt: Date | null = null) =>
    prisma.api.create({ data: { instanceId: instance.id, apimName: name, displayName: name, path: name, goneAt } });
  const [ok, failedThenOk, conflicted, bare] = await Promise.all([
    api("a-ok"),
    api("b-recovered"),
    api("c-conflicted"),
    api("d-bare"),
  ]);
  await api("e-gone", new Date());
  for (const target of [ok!, failedThenOk!, conflicted!]) {
    await prisma.accessProfileVersion.create({ data: { apiId: target.id, version: 1, profile: {}, createdBy: "t" } });
  }
  const deploy = async (apiId: string, status: string, minutesAgo: number) => {
    const plan = await prisma.plan.create({ data: { apiId, operations: [], diff: {}, createdBy: "t" } });
    return prisma.deployment.create({
      data: { planId: plan.id, apiId, status, startedBy: "t", startedAt: new Date(Date.now() - minutesAgo * 60_000) },
    });
  };
  await deploy(ok!.id, "succeeded", 30);
  await deploy(failedThenOk!.id, "failed", 20);
  await deploy(failedThenOk!.id, "succeeded", 10);
  const latestConflict = await deploy(conflicted!.id, "conflicted", 5);
  return { instance, bare: bare!, conflicted: conflicted!, latestConflict };
}

describe("the overview", () => {
  it("counts APIs without a profile and those whose latest deployment did not succeed, and lists recent deployments", async () => {
    const { instance, bare, conflicted, latestConflict } = await seed();

    const overview = await getOverview(reader);

    expect(overview.apiCount).toBe(4);
    expect(overview.withoutProfile).toEqual({ count: 1, items: [{ id: bare.id, displayName: "d-bare" }] });
    expect(overview.troubled).toEqual({
      count: 1,
      items: [
        { id: conflicted.id, displayName: "c-conflicted", status: "conflicted", deploymentId: latestConflict.id },
      ],
    });
    expect(overview.recentDeployments.map((d) => [d.apiName, d.status])).toEqual([
      ["c-conflicted", "conflicted"],
      ["b-recovered", "succeeded"],
      ["b-recovered", "failed"],
      ["a-ok", "succeeded"],
    ]);
    expect(overview.deployedInstanceIds).toEqual([instance.id]);
  });

  it("needs a role", async () => {
    const error = await getOverview(contextFor("none")).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("forbidden");
  });
});
