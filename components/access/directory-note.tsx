import { Alert } from "@/components/ui/alert";

/** Where client application names come from, said beside every list of client applications. */
export const DIRECTORY_NOTES = {
  graph: "Client application names come from Microsoft Graph; Portcullis's own client id is the Portcullis probe.",
  none: "Client applications are shown by id, except the Portcullis probe (set GRAPH_LOOKUP=true for names from Microsoft Graph).",
} as const;

/** Why client applications are shown by id only: the directory lookup failed (the page itself did not). */
export function DirectoryProblem({ problem }: { problem: string }) {
  return (
    <Alert tone="warning" title="Client application names are missing." live={false}>
      {problem}
    </Alert>
  );
}
