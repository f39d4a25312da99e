import type { APIRequestContext } from "@playwright/test";
import { putApiInApim } from "./apim";
import { restCall, syncedSandboxInstance } from "./rest";
import { expect } from "./test";

/**
 * An API of the spec's own in the sandbox's APIM (one chat operation), synced into Portcullis, for
 * the `portcullis` command specs: each exports the instance and keeps only its own API's file.
 */
export async function cliSandboxApi(
  request: APIRequestContext,
  name: string,
): Promise<{ instanceId: string; apiId: string }> {
  await putApiInApim(
    name,
    {
      displayName: name,
      path: name,
      serviceUrl: "https://example.openai.azure.com/openai",
      subscriptionRequired: true,
    },
    { name: "chat", urlTemplate: "/chat" },
  );
  const instanceId = await syncedSandboxInstance(request);
  const apis = (await restCall(request, "GET", `/apis?instanceId=${instanceId}&search=${name}`)).body.items as Array<{
    id: string;
    apimName: string;
  }>;
  return { instanceId, apiId: apis.find((api) => api.apimName === name)!.id };
}

/**
 * Plans and applies the API's saved profile and waits until APIM has it: an exported file of an
 * applied API plans to nothing, while a saved version APIM does not have is a change.
 */
export async function applySavedProfile(request: APIRequestContext, apiId: string): Promise<void> {
  const plan = (await restCall(request, "POST", `/apis/${apiId}/plans`)).body.id as string;
  const deployment = (await restCall(request, "POST", `/plans/${plan}/apply`)).body.id as string;
  await expect
    .poll(async () => (await restCall(request, "GET", `/deployments/${deployment}`)).body.status, { timeout: 30_000 })
    .toBe("succeeded");
}
