import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { registerInstance } from "./register-instance";
import { updateInstanceEndpoint } from "./update-instance-endpoint";

const db = setupTestDatabase();
const admin = contextFor("admin");
const coordinates = {
  name: "weu",
  subscriptionId: "11111111-1111-1111-1111-111111111111",
  resourceGroup: "rg",
  serviceName: "apim-weu",
};

describe("registering and re-pointing instances", () => {
  it("is idempotent for the same coordinates and refuses the same name for another service", async () => {
    const first = await registerInstance(admin, coordinates);
    expect(await registerInstance(admin, coordinates)).toEqual(first);
    const clash = await registerInstance(admin, { ...coordinates, serviceName: "other" }).catch((e: unknown) => e);
    expect((clash as AppError).code).toBe("conflict");
    expect((clash as AppError).fields[0]?.path).toBe("name");
  });

  it("moves an instance to another ARM endpoint, audited with before and after", async () => {
    const instance = await registerInstance(admin, { ...coordinates, name: "moving", serviceName: "apim-moving" });

    const moved = await updateInstanceEndpoint(admin, {
      instanceId: instance.id,
      armEndpoint: "https://management.usgovcloudapi.net/",
    });

    expect(moved.armEndpoint).toBe("https://management.usgovcloudapi.net");
    const event = await db.current.prisma.auditEvent.findFirst({
      where: { action: "instance.update", targetId: instance.id },
    });
    expect(event?.before).toEqual({ armEndpoint: "https://management.azure.com" });
    expect(event?.after).toEqual({ armEndpoint: "https://management.usgovcloudapi.net" });
  });

  it("refuses plain http endpoints, endpoints that are not allowed, and readers", async () => {
    const instance = await registerInstance(admin, { ...coordinates, name: "guarded", serviceName: "apim-guarded" });
    const insecure = await updateInstanceEndpoint(admin, {
      instanceId: instance.id,
      armEndpoint: "http://arm.example.com",
    }).catch((e: unknown) => e);
    expect((insecure as AppError).fields[0]).toMatchObject({ path: "armEndpoint", message: "must be an https:// URL" });
    const elsewhere = await updateInstanceEndpoint(admin, {
      instanceId: instance.id,
      armEndpoint: "https://arm.attacker.example",
    }).catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ code: "bad_request", fields: [{ path: "armEndpoint" }] });
    const denied = await updateInstanceEndpoint(contextFor("reader"), {
      instanceId: instance.id,
      armEndpoint: "https://x.example.com",
    }).catch((e: unknown) => e);
    expect((denied as AppError).code).toBe("forbidden");
  });
});
