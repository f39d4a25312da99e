import { azureCredential } from "../apim/client-for-instance";
import { getConfig } from "../env";
import { graphDirectory } from "./graph-directory";

/** Names of the asked ids the directory knows (the others are left out), and why some may be missing. */
export interface DirectoryAnswer {
  names: Map<string, string>;
  /** Set when the lookup failed: the ids are shown as they are, with this reason beside them. */
  problem: string | null;
}

/**
 * Display names of client applications, for showing an app id as a person knows it. Never
 * required: an id the directory does not know (or a directory that fails) is shown as the id.
 */
export interface ClientDirectory {
  /** Where the names come from, said beside the matrix. */
  source: "graph" | "none";
  /** Never throws: a failure is the answer's `problem`. */
  displayNames(appIds: readonly string[]): Promise<DirectoryAnswer>;
}

/** What the Portcullis probe (Portcullis's own app registration) is called wherever its client id is shown. */
export const PROBE_CLIENT_NAME = "Portcullis probe";

const none: ClientDirectory = { source: "none", displayNames: async () => ({ names: new Map(), problem: null }) };

const holder = globalThis as typeof globalThis & {
  __portcullisClientDirectory?: ClientDirectory;
  __portcullisGraphDirectory?: ClientDirectory;
};

/**
 * The directory this process uses: one configured (tests), else Microsoft Graph when GRAPH_LOOKUP
 * is on (in the sandbox, its identity provider's stand-in for Graph), else none. Whichever it is,
 * Portcullis's own client id is named "Portcullis probe": that is what it is in an allowed-client
 * list, whatever the app registration is called in the directory.
 */
export function clientDirectory(): ClientDirectory {
  const config = getConfig();
  const directory = holder.__portcullisClientDirectory ?? (config.graph ? sharedGraphDirectory() : none);
  return config.entra ? namingProbe(directory, config.entra.clientId) : directory;
}

/** One per process, so its names are kept across requests. */
function sharedGraphDirectory(): ClientDirectory {
  const graph = getConfig().graph!;
  holder.__portcullisGraphDirectory ??= graphDirectory({
    endpoint: graph.endpoint,
    token: async () => {
      const token = await azureCredential().getToken(graph.scope);
      if (!token) throw new Error("the app's credential gave no token for Microsoft Graph");
      return token.token;
    },
  });
  return holder.__portcullisGraphDirectory;
}

/** `directory`, except that `probeClientId` is always "Portcullis probe" (and never asked for). */
export function namingProbe(directory: ClientDirectory, probeClientId: string): ClientDirectory {
  const probe = probeClientId.toLowerCase();
  return {
    source: directory.source,
    async displayNames(appIds) {
      const others = appIds.filter((id) => id.toLowerCase() !== probe);
      const answer = others.length > 0 ? await directory.displayNames(others) : { names: new Map(), problem: null };
      for (const id of appIds) if (id.toLowerCase() === probe) answer.names.set(id, PROBE_CLIENT_NAME);
      return answer;
    },
  };
}

/** Sets the directory (tests); undefined goes back to the configured one. */
export function configureClientDirectory(directory: ClientDirectory | undefined): void {
  holder.__portcullisClientDirectory = directory;
}
