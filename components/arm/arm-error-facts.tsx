import type { ArmFacts } from "./arm-facts";

/** What ARM said about a failed call, with the ids Azure support asks for. */
export function ArmErrorFacts({ arm }: { arm: ArmFacts }) {
  return (
    <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-xs">
      <dt className="font-semibold">HTTP status</dt>
      <dd>{arm.status ?? "no answer"}</dd>
      {arm.code ? (
        <>
          <dt className="font-semibold">ARM error</dt>
          <dd className="font-mono">{arm.code}</dd>
        </>
      ) : null}
      {arm.message ? (
        <>
          <dt className="font-semibold">Message</dt>
          <dd>{arm.message}</dd>
        </>
      ) : null}
      {arm.details.map((detail, index) => (
        <div key={index} className="contents">
          <dt className="font-semibold">{detail.target ?? detail.code ?? "Detail"}</dt>
          <dd>
            {detail.message}
            {detail.line ? ` (line ${detail.line}${detail.column ? `, column ${detail.column}` : ""})` : ""}
          </dd>
        </div>
      ))}
      {arm.correlationId ? (
        <>
          <dt className="font-semibold">Correlation id</dt>
          <dd className="break-all font-mono">{arm.correlationId}</dd>
        </>
      ) : null}
      {arm.requestIds.length > 0 ? (
        <>
          <dt className="font-semibold">ARM request ids</dt>
          <dd className="break-all font-mono">{arm.requestIds.join(", ")}</dd>
        </>
      ) : null}
      {arm.mayHaveLanded ? (
        <>
          <dt className="font-semibold">Note</dt>
          <dd>The change may have reached APIM although the call failed; make a new plan to see where things stand.</dd>
        </>
      ) : null}
    </dl>
  );
}
