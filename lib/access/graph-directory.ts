import type { ClientDirectory, DirectoryAnswer } from "./client-directory";

/**
 * Client application names from Microsoft Graph: the service principals of the asked application
 * ids (`GET /v1.0/servicePrincipals?$filter=appId in (…)&$select=appId,displayName`), with a token
 * from the app's own credential for Graph's `.default` scope (Application.Read.All). Graph allows
 * at most 15 values in one `in` over directory objects, so ids are asked 15 at a time. Names (and
 * ids Graph does not know) are kept an hour; a failure is not kept, and leaves the ids unnamed with
 * the reason, never failing the page that asked.
 */
export interface GraphDirectoryOptions {
  /** `https://graph.microsoft.com`, another cloud's Graph, or the sandbox's stand-in. */
  endpoint: string;
  /** A token for Graph, from the app's own credential; throws when none can be had. */
  token: () => Promise<string>;
  /** Tests: a clock. */
  now?: () => number;
}

const IN_LIMIT = 15;
const KEEP_MS = 60 * 60 * 1000;
const TIMEOUT_MS = 5_000;
// Application ids are GUIDs; anything else (a named value's odd text) is never put into a filter.
const APP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function graphDirectory(options: GraphDirectoryOptions): ClientDirectory {
  const now = options.now ?? Date.now;
  // By lower-case app id: its name, or null when Graph has no service principal for it.
  const kept = new Map<string, { name: string | null; until: number }>();

  return {
    source: "graph",
    async displayNames(appIds) {
      const wanted = [...new Set(appIds.filter((id) => APP_ID.test(id)).map((id) => id.toLowerCase()))];
      const missing = wanted.filter((id) => (kept.get(id)?.until ?? 0) <= now());
      let problem: string | null = null;
      if (missing.length > 0) {
        try {
          const token = await options.token();
          const batches = chunks(missing, IN_LIMIT);
          const found = await Promise.all(batches.map((batch) => servicePrincipals(options.endpoint, token, batch)));
          const names = new Map(found.flat().map((sp) => [sp.appId.toLowerCase(), sp.displayName]));
          for (const id of missing) kept.set(id, { name: names.get(id) ?? null, until: now() + KEEP_MS });
        } catch (error) {
          problem = `Microsoft Graph could not name the client applications, so they are shown by id: ${(error as Error).message}`;
        }
      }
      const names = new Map<string, string>();
      for (const appId of appIds) {
        const name = kept.get(appId.toLowerCase())?.name;
        if (name) names.set(appId, name);
      }
      return { names, problem } satisfies DirectoryAnswer;
    },
  };
}

interface ServicePrincipal {
  appId: string;
  displayName: string;
}

/** One page is enough: at most 15 ids, and one service principal per application in a tenant. */
async function servicePrincipals(endpoint: string, token: string, appIds: string[]): Promise<ServicePrincipal[]> {
  const filter = `appId in (${appIds.map((id) => `'${id}'`).join(",")})`;
  const url = `${endpoint}/v1.0/servicePrincipals?$filter=${encodeURIComponent(filter)}&$select=appId,displayName`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch (error) {
    throw new Error(`${endpoint} could not be reached (${(error as Error).name})`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    value?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  if (!response.ok) {
    const code = typeof body.error?.code === "string" ? ` ${body.error.code}` : "";
    const message = typeof body.error?.message === "string" ? `: ${body.error.message}` : "";
    const hint = response.status === 403 ? " (the app needs the Application.Read.All permission)" : "";
    throw new Error(`${response.status}${code}${message}${hint}`);
  }
  if (!Array.isArray(body.value)) throw new Error("Graph's answer had no list of service principals");
  return body.value.filter(
    (item): item is ServicePrincipal =>
      typeof item === "object" &&
      item !== null &&
      typeof (item as ServicePrincipal).appId === "string" &&
      typeof (item as ServicePrincipal).displayName === "string",
  );
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
