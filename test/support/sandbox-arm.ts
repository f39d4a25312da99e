import type { AccessProfileInput } from "../../lib/policy";
import { ARM_AUDIENCE, type SandboxCoordinates } from "../../sandbox/sandbox-coordinates";

/**
 * ARM requests to the simulated service as the automation client: an administrator changing
 * APIM behind Portcullis's back, or setting up what a test needs. A named value write is a
 * long-running operation: its first poll completes it.
 */
export function sandboxArm(coordinates: () => SandboxCoordinates) {
  return async function arm(method: string, servicePath: string, body?: unknown): Promise<Response> {
    const c = coordinates();
    const token = await fetch(`${c.authorityHost}/${c.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: c.automationClient.clientId,
        client_secret: c.automationClient.clientSecret,
        scope: `${ARM_AUDIENCE}.default`,
      }),
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    const url = new URL(
      `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ApiManagement/service/${c.serviceName}${servicePath}`,
      c.armEndpoint,
    );
    url.searchParams.set("api-version", "2024-06-01-preview");
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`${method} ${servicePath}: ${response.status} ${await response.text()}`);
    const location = response.headers.get("location");
    if (location) await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    return response;
  };
}

/** An API in front of the sandbox's Azure OpenAI account with one chat operation, as an APIM import makes it. */
export async function createChatApi(arm: ReturnType<typeof sandboxArm>, apiId: string): Promise<void> {
  await arm("PUT", `/apis/${apiId}`, {
    properties: {
      displayName: apiId,
      path: apiId,
      protocols: ["https"],
      serviceUrl: "https://portcullis-sandbox-aoai.openai.azure.com/openai",
      subscriptionRequired: false,
    },
  });
  await arm("PUT", `/apis/${apiId}/operations/chat`, {
    properties: {
      displayName: "Chat",
      method: "POST",
      urlTemplate: "/deployments/{deployment-id}/chat/completions?api-version={api-version}",
      templateParameters: [
        { name: "deployment-id", type: "string", required: true, values: [] },
        { name: "api-version", type: "string", required: true, values: [] },
      ],
    },
  });
}

/**
 * A profile for such an API that the whole sandbox can prove: the key in `namedValue` sent by the
 * policy, and the sandbox's first caller client let in with an Entra token for the LLM APIs.
 */
export function provableKeyProfile(c: SandboxCoordinates, namedValue: string): AccessProfileInput {
  return {
    backendAuth: { mode: "apiKey", namedValue, headerName: "api-key", delivery: "setHeader" },
    callerAuth: {
      mode: "entra",
      tenantId: c.tenantId,
      clientApplicationIds: [c.callerClients[0]!.clientId],
      audiences: [c.llmApiAudience],
    },
  };
}
