/** The instance-wide reads plans share in flight (lib/apim/coalesced-reads.ts), as they appear in the simulator's request log. */
export type InstanceWideRead = "service" | "global policy" | "named values" | "backends";

const BY_PATH: Record<string, InstanceWideRead> = {
  "": "service",
  "/policies/policy": "global policy",
  "/namedValues": "named values",
  "/backends": "backends",
};

/** Which instance-wide read a logged request is (any page of a list), or null for any other request. */
export function instanceWideReadOf(entry: { method: string; url: string }): InstanceWideRead | null {
  if (entry.method !== "GET") return null;
  const below = new URL(entry.url, "https://arm").pathname.replace(
    /^.*\/providers\/Microsoft\.ApiManagement\/service\/[^/]+/,
    "",
  );
  return BY_PATH[below] ?? null;
}
