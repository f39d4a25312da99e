import type { PublicAuditEvent } from "@/lib/audit/stored-event";

const OUTCOME_STYLE: Record<string, string> = {
  success: "bg-green-100 text-green-900",
  failure: "bg-red-100 text-red-900",
  denied: "bg-amber-100 text-amber-950",
};

/** One audit event: the essentials in the row, before/after and hashes behind a disclosure. */
export function AuditEventRow({ event }: { event: PublicAuditEvent }) {
  return (
    <tr className="border-t border-slate-200 align-top">
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{event.seq}</td>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">
        <time dateTime={event.time}>{event.time.replace("T", " ").replace("Z", " UTC")}</time>
      </td>
      <td className="px-3 py-2 text-sm">
        <span className="font-medium">{event.actor.name}</span>
        <span className="block font-mono text-xs text-slate-500">
          {event.actor.type} {event.actor.oid}
        </span>
      </td>
      <td className="px-3 py-2 font-mono text-xs">{event.action}</td>
      <td className="px-3 py-2 font-mono text-xs">
        {event.target.type}:{event.target.id}
      </td>
      <td className="px-3 py-2">
        <span className={`rounded px-2 py-0.5 text-xs font-semibold ${OUTCOME_STYLE[event.outcome] ?? "bg-slate-100"}`}>
          {event.outcome}
        </span>
      </td>
      <td className="px-3 py-2 text-xs">
        <details>
          <summary className="cursor-pointer text-blue-700">Details</summary>
          <dl className="mt-2 space-y-1">
            {event.requestId ? <Fact term="Request id" value={event.requestId} /> : null}
            {event.armCorrelationId ? <Fact term="ARM correlation id" value={event.armCorrelationId} /> : null}
            {event.clientIp ? <Fact term="Client IP" value={event.clientIp} /> : null}
            <Fact term="Hash" value={event.hash} />
            <Fact term="Previous hash" value={event.prevHash} />
          </dl>
          {event.before !== null ? <Json label="Before" value={event.before} /> : null}
          {event.after !== null ? <Json label="After" value={event.after} /> : null}
        </details>
      </td>
    </tr>
  );
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <div>
      <dt className="inline font-semibold">{term}: </dt>
      <dd className="inline break-all font-mono">{value}</dd>
    </div>
  );
}

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <figure className="mt-2">
      <figcaption className="font-semibold">{label}</figcaption>
      <pre className="mt-1 max-h-64 max-w-xl overflow-auto rounded bg-slate-50 p-2 font-mono text-xs">
        {JSON.stringify(value, null, 2)}
      </pre>
    </figure>
  );
}
