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

const armToken = () => clientCredentialsToken(sandbox().webClient, "https://management.azure.com/.default");

function resourceGroupPath(): string {
  const { armEndpoint, subscriptionId, resourceGroup } = sandbox();
  return `${armEndpoint}/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

function servicePath(): string {
  return `${resourceGroupPath()}/providers/Microsoft.ApiManagement/service/${sandbox().serviceName}`;
}

/** One ARM call with a token of the sandbox's web client (someone in the Azure portal); throws unless it answered 2xx. */
async function arm(method: string, url: string, body?: unknown): Promise<void> {
  const token = await armToken();
  const answered = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (answered.status >= 300) throw new Error(`${method} ${url}: ${answered.status} ${answered.text}`);
}

/** Creates (or replaces) an API in APIM with one POST operation, as someone in the Azure portal would. */
export async function putApiInApim(
  apiName: string,
  properties: { displayName: string; path: string; serviceUrl: string; subscriptionRequired: boolean },
  operation: { name: string; urlTemplate: string },
): Promise<void> {
  const api = `${servicePath()}/apis/${apiName}`;
  await arm("PUT", `${api}?api-version=2024-05-01`, { properties: { protocols: ["https"], ...properties } });
  const parameters = [...operation.urlTemplate.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    type: "string",
    required: true,
    values: [],
  }));
  await arm("PUT", `${api}/operations/${operation.name}?api-version=2024-05-01`, {
    properties: {
      displayName: operation.name,
      method: "POST",
      urlTemplate: operation.urlTemplate,
      templateParameters: parameters,
    },
  });
}

/** Azure RBAC at a sandbox model account (Microsoft.Authorization role assignments, as in the portal's Access control). */
function roleAssignmentUrl(account: string, assignment: string): string {
  return `${resourceGroupPath()}/providers/Microsoft.CognitiveServices/accounts/${account}/providers/Microsoft.Authorization/roleAssignments/${assignment}?api-version=2022-04-01`;
}

/** Assigns a role on a model account to a principal (e.g. APIM's managed identity). */
export async function assignModelRole(
  account: string,
  assignment: string,
  grant: { principalId: string; roleDefinitionGuid: string },
): Promise<void> {
  const { subscriptionId } = sandbox();
  await arm("PUT", roleAssignmentUrl(account, assignment), {
    properties: {
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${grant.roleDefinitionGuid}`,
      principalId: grant.principalId,
      principalType: "ServicePrincipal",
    },
  });
}

/** Removes a role assignment from a model account, behind Portcullis's back. */
export async function removeModelRole(account: string, assignment: string): Promise<void> {
  await arm("DELETE", roleAssignmentUrl(account, assignment));
}

/**
 * Rewrites an API's policy (or one of its operations') directly in APIM (read, change, write with
 * its ETag), as someone in the Azure portal would. `mustChange: false` lets a change that is
 * already made pass (putting a seeded policy back).
 */
export async function editPolicyInApim(
  apiName: string,
  change: (xml: string) => string,
  { mustChange = true, operation }: { mustChange?: boolean; operation?: string } = {},
): Promise<void> {
  const token = await armToken();
  const scope = `apis/${apiName}${operation === undefined ? "" : `/operations/${operation}`}`;
  const url = `${servicePath()}/${scope}/policies/policy?api-version=2024-05-01&format=xml`;
  const read = await request(url, { method: "GET", headers: { authorization: `Bearer ${token}` } });
  if (read.status !== 200) throw new Error(`reading the policy of ${apiName}: ${read.status} ${read.text}`);
  const xml = (JSON.parse(read.text) as { properties: { value: string } }).properties.value;
  const changed = change(xml);
  if (changed === xml) {
    if (mustChange) throw new Error("the change did not change the policy");
    return;
  }
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

/** The deliveries the simulator's webhook receiver `name` took (sandbox/apim/controls/webhook-receiver.ts). */
export async function webhooksReceived(
  name: string,
): Promise<Array<{ headers: Record<string, string>; body: string; status: number }>> {
  const response = await request(`${sandbox().armEndpoint}/_sandbox/webhooks?name=${encodeURIComponent(name)}`, {
    method: "GET",
  });
  if (response.status !== 200) throw new Error(`reading the webhook receiver: ${response.status} ${response.text}`);
  return (
    JSON.parse(response.text) as {
      deliveries: Array<{ headers: Record<string, string>; body: string; status: number }>;
    }
  ).deliveries;
}

/**
 * The seeded Azure OpenAI embeddings operation drops <base />, so a profile's caller check on the
 * API never runs for it and a plan with one is blocked. Specs that apply such a profile give it
 * its <base /> back first, as an administrator would after reading the finding, and take it away again after.
 */
const INBOUND_BASE = /(<inbound>)\s*<base \/>/;
export const embeddingsBase = {
  restore: () =>
    editPolicyInApim(
      "azure-openai",
      (xml) => (INBOUND_BASE.test(xml) ? xml : xml.replace("<inbound>", "<inbound>\n        <base />")),
      { operation: "embeddings_create", mustChange: false },
    ),
  drop: () =>
    editPolicyInApim("azure-openai", (xml) => xml.replace(INBOUND_BASE, "$1"), {
      operation: "embeddings_create",
      mustChange: false,
    }),
};
