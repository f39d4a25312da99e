/**
 * The call the probes make: an operation of the API (its chat completions operation, else its
 * first POST), its URL template filled with the deployment and an api-version, and the smallest
 * request the model accepts (max_tokens 1).
 */
import type { ApimApi, ApimOperation } from "../apim";

export const PROBE_API_VERSION = "2024-10-21";
export const DEFAULT_DEPLOYMENT = "gpt-4o";

export interface ProbeCall {
  operation: ApimOperation;
  method: string;
  /** Below the gateway URL, query included. */
  path: string;
  body: string;
}

export function chooseOperation(operations: ApimOperation[], operationId?: string): ApimOperation | string {
  if (operationId !== undefined)
    return (
      operations.find((operation) => operation.name === operationId) ?? `the API has no operation '${operationId}'`
    );
  const posts = operations.filter((operation) => operation.method.toUpperCase() === "POST");
  return (
    posts.find((operation) => /chat\/completions/.test(operation.urlTemplate)) ??
    posts[0] ??
    "the API has no POST operation to probe"
  );
}

export function probeCall(api: ApimApi, operation: ApimOperation, deployment = DEFAULT_DEPLOYMENT): ProbeCall {
  const [template = "", query] = operation.urlTemplate.split("?", 2);
  const fill = (text: string) =>
    text.replace(/\{([^}]+)\}/g, (_whole, name: string) =>
      encodeURIComponent(
        /deployment/i.test(name) ? deployment : /api-version/i.test(name) ? PROBE_API_VERSION : "probe",
      ),
    );
  const search = new URLSearchParams(query === undefined ? "" : fill(query));
  if (!search.has("api-version")) search.set("api-version", PROBE_API_VERSION);
  const apiPath = api.path.replace(/^\/+|\/+$/g, "");
  const path = `${apiPath === "" ? "" : `/${apiPath}`}${fill(template.startsWith("/") ? template : `/${template}`)}`;
  const embeddings = /embeddings/.test(template);
  const body = embeddings
    ? { model: deployment, input: "ping" }
    : { model: deployment, messages: [{ role: "user", content: "ping" }], max_tokens: 1 };
  return {
    operation,
    method: operation.method.toUpperCase(),
    path: `${path}?${search.toString()}`,
    body: JSON.stringify(body),
  };
}
