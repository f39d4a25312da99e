import type { PlanOperation } from "@/lib/deployments/schemas";

const WHAT: Record<PlanOperation["kind"], string> = {
  "backend.create": "Create backend",
  "backend.update": "Update backend",
  "backend.delete": "Delete backend",
  "policy.create": "Create the API policy",
  "policy.update": "Update the API policy",
};

/** The ARM writes in the order they will run, each with the If-Match it will send. */
export function PlanOperations({ operations }: { operations: PlanOperation[] }) {
  return (
    <ol className="space-y-1 text-sm">
      {operations.map((operation) => (
        <li key={operation.seq} className="flex flex-wrap items-baseline gap-x-2">
          <span className="font-mono text-xs text-slate-500">{operation.seq}.</span>
          <span>
            {WHAT[operation.kind]} <code className="font-mono text-xs">{operation.target}</code>
          </span>
          <span className="text-xs text-slate-600">
            {operation.expected === "absent" ? (
              "new: sent without If-Match"
            ) : (
              <>
                If-Match <code className="font-mono">{operation.expected.etag}</code>
              </>
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}
