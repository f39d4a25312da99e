import { describe, expect, it } from "vitest";
import { apimClientForInstance } from "../apim/client-for-instance";
import { createPlan } from "../deployments/create-plan";
import { detectDrift } from "../deployments/detect-drift";
import { getDeployment } from "../deployments/get-deployment";
import { getPlan } from "../deployments/get-plan";
import { startDeployment } from "../deployments/start-deployment";
import { getAccessProfile } from "../profiles/get-access-profile";
import { createKeyVaultSecret } from "../secrets/create-key-vault-secret";
import { getSecret } from "../secrets/get-secret";
import { apiIdOf, planAndApply, profiles, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { setKeyVaultSecret } from "../../test/support/simulated-key-vault";
import { StoredDataError } from "./parse-stored";

/**
 * Rows changed behind Portcullis's back (raw SQL here): the use cases that read them fail at
 * once with an error naming the record and the field, instead of crashing somewhere later.
 */

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const apim = () => apimClientForInstance(sandbox.instance);
const sql = () => sandbox.db.prisma;

async function newApi(prefix: string): Promise<string> {
  const [name] = await sandbox.controls.seedApis(1, { prefix, withPolicy: true });
  return apiIdOf(admin, sandbox.instance.id, name!);
}

/** The use case fails with a StoredDataError naming the record, the field and (first) the path of a problem in it. */
async function expectStoredDataError(promise: Promise<unknown>, record: string, field: string, path: string) {
  await expect(promise).rejects.toBeInstanceOf(StoredDataError);
  await expect(promise).rejects.toMatchObject({
    record,
    field,
    message: expect.stringContaining(`The database holds an invalid value in ${record}, field ${field}: ${path} `),
  });
}

describe("a row changed outside Portcullis", () => {
  it("plan operations: reading or applying the plan names the plan and the field, and nothing is started", async () => {
    const apiId = await newApi("stored-ops");
    await saveProfile(admin, apiId, profiles.headerKey());
    const plan = await createPlan(admin, { apiId });
    await sql()
      .$executeRaw`UPDATE plans SET operations = '[{"seq": 1, "kind": "policy.rewrite"}]'::jsonb WHERE id = ${plan.id}::uuid`;

    const record = `plan ${plan.id}`;
    await expectStoredDataError(getPlan(admin, { planId: plan.id }), record, "operations", "operations[0].kind");
    await expectStoredDataError(
      startDeployment(admin, { planId: plan.id }),
      record,
      "operations",
      "operations[0].kind",
    );
    expect(await sql().deployment.count({ where: { planId: plan.id } })).toBe(0);
  });

  it("plan desired state: the apply names the plan and the field, and nothing is started or written", async () => {
    const apiId = await newApi("stored-desired");
    await saveProfile(admin, apiId, profiles.headerKey());
    const plan = await createPlan(admin, { apiId });
    await sql().$executeRaw`UPDATE plans SET desired_state = '{}'::jsonb WHERE id = ${plan.id}::uuid`;
    await sandbox.controls.clearRequests();

    await expectStoredDataError(
      startDeployment(admin, { planId: plan.id }),
      `plan ${plan.id}`,
      "desiredState",
      "desiredState.profileVersion",
    );
    expect(await sql().deployment.count({ where: { planId: plan.id } })).toBe(0);
    const writes = (await sandbox.controls.requests()).filter((request) => request.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("deployment result: the deployment and the drift check against it name the deployment and the field", async () => {
    const apiId = await newApi("stored-result");
    await saveProfile(admin, apiId, profiles.headerKey());
    const { deployment } = await planAndApply(admin, apiId);
    expect(deployment.status).toBe("succeeded");
    await sql()
      .$executeRaw`UPDATE deployments SET result = jsonb_set(result, '{profileVersion}', '"one"') WHERE id = ${deployment.id}::uuid`;

    const record = `deployment ${deployment.id}`;
    await expectStoredDataError(
      getDeployment(admin, { deploymentId: deployment.id }),
      record,
      "result",
      "result.profileVersion",
    );
    await expectStoredDataError(detectDrift(admin, { apiId }), record, "result", "result.profileVersion");
  });

  it("step error: the deployment names the step", async () => {
    const apiId = await newApi("stored-step");
    await saveProfile(admin, apiId, profiles.headerKey());
    const { deployment } = await planAndApply(admin, apiId);
    await sql()
      .$executeRaw`UPDATE deployment_steps SET error = '{"code": 412}'::jsonb WHERE deployment_id = ${deployment.id}::uuid AND seq = 1`;

    const record = `step 1 of deployment ${deployment.id}`;
    await expectStoredDataError(getDeployment(admin, { deploymentId: deployment.id }), record, "error", "error.code");
  });

  it("access profile: reading it or planning from it names the profile version", async () => {
    const apiId = await newApi("stored-profile");
    await saveProfile(admin, apiId, profiles.headerKey());
    await sql()
      .$executeRaw`UPDATE access_profile_versions SET profile = '"not a profile"'::jsonb WHERE api_id = ${apiId}::uuid`;

    const record = `access profile version 1 of API ${apiId}`;
    await expectStoredDataError(getAccessProfile(admin, { apiId }), record, "profile", "profile");
    await expectStoredDataError(createPlan(admin, { apiId }), record, "profile", "profile");
  });

  it("a secret's Key Vault status, shown when APIM no longer has the named value", async () => {
    const identifier = "https://portcullis-it.vault.azure.net/secrets/stored-status";
    await setKeyVaultSecret(sandbox.coordinates.armEndpoint, { secretIdentifier: identifier, value: "kv-value" });
    const secret = await createKeyVaultSecret(admin, {
      instanceId: sandbox.instance.id,
      name: "stored-status",
      secretIdentifier: identifier,
    });
    await apim().deleteNamedValue("stored-status", { etag: (await apim().getNamedValue("stored-status")).value!.etag });
    await sql()
      .$executeRaw`UPDATE secrets SET last_status = '{"code": true, "message": null, "timeStampUtc": null}'::jsonb WHERE id = ${secret.id}::uuid`;

    await expectStoredDataError(
      getSecret(admin, { secretId: secret.id! }),
      `secret ${secret.id}`,
      "lastStatus",
      "lastStatus.code",
    );
  });
});
