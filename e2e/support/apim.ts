import { readFileSync } from "node:fs";
import https from "node:https";
import { clientCredentialsToken, sandbox } from "./sandbox";

/**
 * The e2e sandbox's APIM simulator, reached the way someone working behind Portcullis's back
 * would: ARM calls with a token of their own, and the simulator's fault controls.
 */
async function request(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const ca = readFileSync(sandbox().caCertPath);
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      url,
      {
        method: init.method,
        ca,
        headers: { ...init.headers, ...(init.body ? { "content-length": String(Buffer.byteLength(init.body)) } : {}) },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers as Record<string, string>, text }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(init.body);
  });
}

function servicePath(): string {
  const { armEndpoint, subscriptionId, resourceGroup, serviceName } = sandbox();
  return `${armEndpoint}/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/${serviceName}`;
}

/** Rewrites an API's policy directly in APIM (read, change, write with its ETag), as someone in the Azure portal would. */
export async function editPolicyInApim(apiName: string, change: (xml: string) => string): Promise<void> {
  const { webClient } = sandbox();
  const token = await clientCredentialsToken(webClient, "https://management.azure.com/.default");
  const url = `${servicePath()}/apis/${apiName}/policies/policy?api-version=2024-05-01&format=xml`;
  const read = await request(url, { method: "GET", headers: { authorization: `Bearer ${token}` } });
  if (read.status !== 200) throw new Error(`reading the policy of ${apiName}: ${read.status} ${read.text}`);
  const xml = (JSON.parse(read.text) as { properties: { value: string } }).properties.value;
  const changed = change(xml);
  if (changed === xml) throw new Error("the change did not change the policy");
  const written = await request(url, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "if-match": read.headers.etag! },
    body: JSON.stringify({ properties: { format: "xml", value: changed } }),
  });
  if (written.status !== 200 && written.status !== 201)
    throw new Error(`writing the policy of ${apiName}: ${written.status} ${written.text}`);
}

/** Replaces the simulator's fault rules (see sandbox/apim/README.md); an empty list clears them. */
export async function setApimFaults(rules: unknown[]): Promise<void> {
  const response = await request(`${sandbox().armEndpoint}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rules }),
  });
  if (response.status !== 200) throw new Error(`setting faults: ${response.status} ${response.text}`);
}
