/** Where client application names come from, said beside every list of client applications. */
export const DIRECTORY_NOTES = {
  sandbox: "Client application names come from the sandbox identity provider.",
  graph: "Client application names come from Microsoft Graph.",
  none: "Client applications are shown by id (no directory lookup is configured: GRAPH_LOOKUP).",
} as const;
