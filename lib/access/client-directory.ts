import { getConfig } from "../env";

/**
 * Display names of client applications, for showing an app id as a person knows it. Never
 * required: an id the directory does not know (or a directory that fails) is shown as the id.
 */
export interface ClientDirectory {
  /** Where the names come from, said beside the matrix. */
  source: "sandbox" | "graph" | "none";
  /** Names of the ids the directory knows; the others are left out. Never throws. */
  displayNames(appIds: readonly string[]): Promise<Map<string, string>>;
}

const none: ClientDirectory = { source: "none", displayNames: async () => new Map() };

const holder = globalThis as typeof globalThis & { __portcullisClientDirectory?: ClientDirectory };

/**
 * The directory this process uses: one configured (tests), else in sandbox mode the sandbox
 * identity provider's caller clients (the launcher hands them over, names included), else none.
 * Microsoft Graph is not looked up: GRAPH_LOOKUP is not implemented.
 */
export function clientDirectory(): ClientDirectory {
  if (holder.__portcullisClientDirectory) return holder.__portcullisClientDirectory;
  const config = getConfig();
  return config.sandbox ? sandboxDirectory(config.verification.sandboxCallerClients) : none;
}

/** Names from a list of known clients (the sandbox's); application ids compare without regard to case. */
export function sandboxDirectory(clients: ReadonlyArray<{ clientId: string; displayName: string }>): ClientDirectory {
  const names = new Map(clients.map((client) => [client.clientId.toLowerCase(), client.displayName]));
  return {
    source: "sandbox",
    displayNames: async (appIds) =>
      new Map(
        appIds.flatMap((appId) => {
          const name = names.get(appId.toLowerCase());
          return name === undefined ? [] : [[appId, name] as const];
        }),
      ),
  };
}

/** Sets the directory (at start, or in tests); undefined goes back to none. */
export function configureClientDirectory(directory: ClientDirectory | undefined): void {
  holder.__portcullisClientDirectory = directory;
}
