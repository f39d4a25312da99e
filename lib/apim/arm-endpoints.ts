/**
 * Which ARM endpoints Portcullis may send its ARM bearer token to, and which token each gets.
 * The token authorises Portcullis on every APIM service it manages: an endpoint that is not
 * Azure's would receive it (a token sink) or make Portcullis call hosts it should not reach.
 * Pure: the allowed list is passed in (lib/env.ts builds it from the configuration).
 */

/** Azure's clouds (`az cloud list`): the ARM endpoint and the scope of a token for it. */
export const AZURE_CLOUDS = [
  { name: "AzureCloud", armEndpoint: "https://management.azure.com", scope: "https://management.azure.com/.default" },
  {
    name: "AzureUSGovernment",
    armEndpoint: "https://management.usgovcloudapi.net",
    scope: "https://management.usgovcloudapi.net/.default",
  },
  {
    name: "AzureChinaCloud",
    armEndpoint: "https://management.chinacloudapi.cn",
    scope: "https://management.chinacloudapi.cn/.default",
  },
] as const;

export type AzureCloudName = (typeof AZURE_CLOUDS)[number]["name"];

/** One endpoint Portcullis may call, and the cloud whose ARM token it is given. */
export interface AllowedArmEndpoint {
  origin: string;
  cloud: AzureCloudName;
}

export const AZURE_CLOUD_ENDPOINTS: readonly AllowedArmEndpoint[] = AZURE_CLOUDS.map((c) => ({
  origin: c.armEndpoint,
  cloud: c.name,
}));

/** The endpoint with its token scope, when `endpoint` is allowed; undefined otherwise. */
export function resolveArmEndpoint(
  endpoint: string,
  allowed: readonly AllowedArmEndpoint[],
): { origin: string; cloud: AzureCloudName; scope: string } | undefined {
  const origin = originOf(endpoint);
  const match = origin === undefined ? undefined : allowed.find((entry) => entry.origin === origin);
  if (!match) return undefined;
  return { ...match, scope: AZURE_CLOUDS.find((c) => c.name === match.cloud)!.scope };
}

/**
 * Parses ARM_ENDPOINTS_ALLOWED: a comma-separated list of `https://host[:port]`, each optionally
 * followed by `=<cloud>` (AzureCloud, AzureUSGovernment or AzureChinaCloud; AzureCloud when left
 * out) naming whose ARM token that endpoint receives. Returns the entries or the first problem.
 */
export function parseAllowedArmEndpoints(text: string): { entries: AllowedArmEndpoint[] } | { problem: string } {
  const entries: AllowedArmEndpoint[] = [];
  for (const item of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [url = "", cloud = "AzureCloud", ...rest] = item.split("=").map((part) => part.trim());
    const origin = originOf(url);
    if (origin === undefined || rest.length > 0 || !isBareOrigin(url)) {
      return {
        problem: `"${item}" is not an https:// origin (scheme, host and port only, e.g. https://arm.example.com)`,
      };
    }
    const known = AZURE_CLOUDS.find((c) => c.name === cloud);
    if (!known) {
      return {
        problem: `"${item}" names the cloud "${cloud}"; use ${AZURE_CLOUDS.map((c) => c.name).join(", ")} (the cloud whose ARM token it receives)`,
      };
    }
    entries.push({ origin, cloud: known.name });
  }
  return { entries };
}

function isBareOrigin(url: string): boolean {
  const { pathname, search, hash } = new URL(url);
  return pathname === "/" && search === "" && hash === "";
}

/** `https://host[:port]` of an https URL without credentials; undefined for anything else. */
function originOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" || parsed.username !== "" || parsed.password !== "") return undefined;
  return parsed.origin;
}
