import { apiVersionMissing, apiVersionUnsupported } from "./front-door-errors";

/**
 * The api-versions the simulator serves: the two stable contracts of the reference and the
 * preview the AI-Gateway samples use for backend `credentials.managedIdentity`.
 */
export const supportedApiVersions = ["2022-08-01", "2024-05-01", "2024-06-01-preview"] as const;
export type ApiVersion = (typeof supportedApiVersions)[number];

export function requireApiVersion(query: URLSearchParams, resourceType: string): ApiVersion {
  const requested = query.get("api-version");
  if (requested === null || requested === "") throw apiVersionMissing();
  const known = supportedApiVersions.find((version) => version === requested);
  if (known === undefined) throw apiVersionUnsupported(requested, resourceType, supportedApiVersions);
  return known;
}

export function isPreview(apiVersion: ApiVersion): boolean {
  return apiVersion.endsWith("-preview");
}
