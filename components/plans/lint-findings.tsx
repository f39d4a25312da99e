import { Badge } from "@/components/ui/badge";
import type { PlanDiff } from "@/lib/deployments/schemas";

/** What the policy linter found in the policy the plan would write; errors block applying. */
export function LintFindings({ findings }: { findings: PlanDiff["lint"]["findings"] }) {
  return (
    <ul className="space-y-2 text-sm">
      {findings.map((finding) => (
        <li key={`${finding.code}:${finding.line}:${finding.column}`} className="flex flex-wrap items-baseline gap-2">
          <Badge tone={finding.severity === "error" ? "danger" : "warning"}>{finding.severity}</Badge>
          <code className="font-mono text-xs">{finding.code}</code>
          <span>
            line {finding.line}: {finding.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
