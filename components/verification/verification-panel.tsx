import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { PROBE_LABELS } from "@/lib/verification/probe-kinds";
import type { ProbeView, VerificationView } from "@/lib/verification/schemas";

const STATUS: Record<VerificationView["status"], { tone: BadgeTone; word: string }> = {
  proven: { tone: "success", word: "Proven" },
  unproven: { tone: "warning", word: "Not proven" },
  failed: { tone: "danger", word: "Failed" },
  error: { tone: "danger", word: "Could not verify" },
};

const OUTCOME: Record<ProbeView["outcome"], { tone: BadgeTone; word: string }> = {
  passed: { tone: "success", word: "as expected" },
  failed: { tone: "danger", word: "failed" },
  not_probed: { tone: "neutral", word: "not probed" },
  error: { tone: "danger", word: "not finished" },
};

function expectation(probe: ProbeView): string {
  if (probe.expected === null) return "—";
  if (probe.expected.decision === "allowed") return "reaches the model (2xx)";
  return probe.expected.status === null ? "refused" : `refused with ${probe.expected.status}`;
}

/** The latest verification of an API: the verdict with when and by whom, then every probe, failures first. */
export function VerificationPanel({ verification }: { verification: VerificationView | null }) {
  if (verification === null)
    return (
      <p className="text-sm text-slate-600">
        Not verified yet: verifying sends a few probes through the gateway to prove who gets in and that the model
        accepts APIM&apos;s credential.
      </p>
    );
  const status = STATUS[verification.status];
  const order: ProbeView["outcome"][] = ["failed", "error", "passed", "not_probed"];
  const probes = [...verification.probes].sort(
    (a, b) => order.indexOf(a.outcome) - order.indexOf(b.outcome) || a.seq - b.seq,
  );
  return (
    <div className="space-y-3">
      <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="verification-verdict">
        <Badge tone={status.tone}>{status.word}</Badge>
        <span>
          <DateTime value={verification.finishedAt ?? verification.startedAt} /> by {verification.startedBy}
        </span>
      </p>
      <p className="text-sm">{verification.summary}</p>
      {verification.target ? (
        <p className="text-xs text-slate-600">
          {verification.target.method} {verification.gatewayUrl}
          {verification.target.path} (operation {verification.target.operationId})
        </p>
      ) : null}
      {probes.length > 0 ? (
        <DataTable
          caption="Probes of the latest verification"
          columns={["Probe", "Caller", "Expected", "Answer", "Result", "Latency", "Gateway request id"]}
        >
          {probes.map((probe) => (
            <tr key={probe.seq} className="border-t border-slate-100 align-top">
              <th scope="row" className="px-3 py-2 font-medium">
                {PROBE_LABELS[probe.kind]}
              </th>
              <td className="px-3 py-2">{probe.caller ?? "—"}</td>
              <td className="px-3 py-2">{expectation(probe)}</td>
              <td className="px-3 py-2">{probe.actualStatus ?? "—"}</td>
              <td className="px-3 py-2">
                <Badge tone={OUTCOME[probe.outcome].tone}>{OUTCOME[probe.outcome].word}</Badge>
                {probe.detail ? <p className="mt-1 text-xs text-slate-700">{probe.detail}</p> : null}
              </td>
              <td className="px-3 py-2">{probe.latencyMs === null ? "—" : `${probe.latencyMs} ms`}</td>
              <td className="px-3 py-2 font-mono text-xs">{probe.gatewayRequestId ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {verification.notes.length > 0 ? (
        <ul className="list-disc pl-5 text-xs text-slate-600">
          {verification.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
