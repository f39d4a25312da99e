import { beforeAll, describe, expect, it } from "vitest";
import { apiIdOf, saveProfile } from "../../test/support/deployment-fixtures";
import { profileWrittenWithVariables, putInEnvironment } from "../../test/support/environment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { getAccessProfile } from "../profiles/get-access-profile";
import { createSecret } from "../secrets/create-secret";
import { switchReferences } from "./switch-references";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const APP = "11111111-1111-1111-1111-111111111111";
const NEW_NAME = "azure-openai-api-key-20261204";

/** Written with variables, the key's reference among them. */
const written = profileWrittenWithVariables(["api://llm"]);

let apiId = "";

beforeAll(async () => {
  await putInEnvironment(admin, sandbox.instance.id, "development", {
    keyName: "azure-openai-api-key",
    tenant: "dev.onmicrosoft.com",
    chatApp: APP,
  });
  apiId = await apiIdOf(admin, sandbox.instance.id, "azure-openai");
  await saveProfile(admin, apiId, written as never);
  // The rotation's new named value, as starting a rotation creates it.
  await createSecret(admin, { instanceId: sandbox.instance.id, name: NEW_NAME, value: "switch-key-5d2c-do-not-leak" });
});

describe("switching a rotated key's references", () => {
  it("replaces only the key's reference in a profile written with variables; the other fields keep theirs", async () => {
    const entries = await switchReferences(admin, {
      instanceId: sandbox.instance.id,
      from: "AZURE-OPENAI-API-KEY",
      to: NEW_NAME,
    });
    expect(entries.map((entry) => entry.apiId)).toEqual([apiId]);
    const saved = await getAccessProfile(admin, { apiId });
    expect(saved.written).toEqual({
      ...written,
      backendAuth: { ...written.backendAuth, namedValue: NEW_NAME },
    });
    expect(saved.profile).toMatchObject({
      backendAuth: { namedValue: NEW_NAME },
      callerAuth: { tenantId: "dev.onmicrosoft.com", clientApplicationIds: [APP] },
    });
  });
});
