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

/** The directory this process uses (none until one is configured). */
export function clientDirectory(): ClientDirectory {
  return holder.__portcullisClientDirectory ?? none;
}

/** Sets the directory (at start, or in tests); undefined goes back to none. */
export function configureClientDirectory(directory: ClientDirectory | undefined): void {
  holder.__portcullisClientDirectory = directory;
}
