import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatApiProfileFile } from "../lib/profile-files/format-profile-file";
import { writtenProfileSchema } from "../lib/policy/profile-schema";
import { directoryChanges } from "./directory-changes";
import type { RestCall } from "./portcullis-client";

const API_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const INSTANCE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const profileWithTenant = (tenantId: string) =>
  writtenProfileSchema.parse({
    callerAuth: { mode: "entra", tenantId, clientApplicationIds: [API_ID] },
    backendAuth: { mode: "none" },
  });
const saved = profileWithTenant("contoso.onmicrosoft.com");

/** The REST answers directoryChanges reads: one instance, one API with profile `saved` (version 3). */
function server(current: { applied: boolean }): RestCall {
  const page = (items: unknown[]) => ({ status: 200, body: { items, nextCursor: null } });
  return async (method, resource) => {
    if (method === "GET" && resource.startsWith("/instances?"))
      return page([{ id: INSTANCE_ID, name: "dev", environment: null }]);
    if (method === "GET" && resource.startsWith(`/apis?instanceId=${INSTANCE_ID}`))
      return page([{ id: API_ID, apimName: "chat", gone: false, profileVersion: 3 }]);
    if (method === "GET" && resource === `/apis/${API_ID}/access-profile`)
      return {
        status: 200,
        body: { version: 3, profile: saved, written: null, adoptsHandWritten: false, ...current },
      };
    throw new Error(`unexpected ${method} ${resource}`);
  };
}

describe("what a directory changes", () => {
  let directory = "";
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "directory-changes-"));
    await mkdir(path.join(directory, "apis"));
  });
  afterEach(async () => rm(directory, { recursive: true, force: true }));

  const writeFileOf = (profile: typeof saved) =>
    writeFile(
      path.join(directory, "apis", "chat.yaml"),
      formatApiProfileFile({ api: "chat", instance: "dev", adopt: false, profile }),
    );

  it("sends nothing when the file is the saved version and APIM has it", async () => {
    await writeFileOf(saved);
    const changes = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(changes).toMatchObject({ ok: true, desired: [], files: [{ changes: [], unappliedVersion: null }] });
  });

  it("sends a file that is the saved version when APIM does not have it yet (an earlier plan saved it)", async () => {
    await writeFileOf(saved);
    const changes = await directoryChanges(server({ applied: false }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID, profile: saved, adopt: false }],
      files: [{ changes: [], unappliedVersion: 3 }],
    });
  });

  it("sends a file that differs from the saved version, naming each field", async () => {
    await writeFileOf(profileWithTenant("fabrikam.onmicrosoft.com"));
    const changes = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID }],
      files: [{ changes: ["callerAuth.tenantId: contoso.onmicrosoft.com → fabrikam.onmicrosoft.com"] }],
    });
  });
});
