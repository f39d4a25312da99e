import { Badge } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import type { AccessCheckView } from "@/lib/access/schemas";
import { scopeName } from "./scope-name";

type Ref = NonNullable<AccessCheckView["decidedBy"]>;

const DECISION_TONE = { allowed: "success", denied: "danger", undetermined: "warning" } as const;

const where = (ref: Ref) =>
  `<${ref.element}> in the ${scopeName(ref.scope, ref.scopeId)}, line ${ref.line}${ref.fragment ? ` of fragment ${ref.fragment}` : ""}`;

/**
 * What APIM would do with the token tried: the decision, the statement that decided it, what
 * APIM answers a denied call, and the credential it attaches to a forwarded one. It never shows
 * the token or a claim value: the result holds neither.
 */
export function AccessCheckResult({ result }: { result: AccessCheckView }) {
  return (
    <div className="space-y-3 rounded-md border border-slate-200 p-4 text-sm" data-testid="access-check-result">
      <p className="text-base">
        <span className="font-semibold">Decision:</span>{" "}
        <Badge tone={DECISION_TONE[result.decision]}>{result.decision}</Badge>{" "}
        {result.productId === null ? "through no product" : `through product ${result.productId}`}
        {result.operationId === null ? "" : `, operation ${result.operationId}`}, at <DateTime value={result.at} />
      </p>
      <p>{result.summary}</p>
      <p className="font-semibold">{result.signature}</p>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        <dt className="font-semibold">Decided by</dt>
        <dd>{result.decidedBy === null ? "no statement: nothing checks the caller" : where(result.decidedBy)}</dd>
        {result.response ? (
          <>
            <dt className="font-semibold">APIM answers</dt>
            <dd>
              {result.response.status ?? "a status that cannot be determined"}
              {result.response.message ? ` “${result.response.message}”` : ""}
              {result.response.mayBeChangedBy.length > 0
                ? ` (may be changed by ${result.response.mayBeChangedBy.map(where).join(", ")})`
                : ""}
            </dd>
          </>
        ) : null}
        {result.backendCall ? (
          <>
            <dt className="font-semibold">Backend call</dt>
            <dd>
              to {result.backendCall.target}
              {result.backendCall.credentials.length === 0 ? (
                <span className="block">with no credential attached by APIM</span>
              ) : (
                <ul className="list-disc pl-5">
                  {result.backendCall.credentials.map((credential, index) => (
                    <li key={index}>
                      {credential.header ? `${credential.header}: ` : ""}
                      {credential.description}
                      {credential.setBy ? ` (set by ${where(credential.setBy)})` : ""}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        ) : null}
        <dt className="font-semibold">Scopes read</dt>
        <dd>
          <DateTime value={result.readAt} />
          {result.unreadable.length > 0
            ? `; unreadable: ${result.unreadable.map((scope) => scope.what).join(", ")}`
            : ""}
        </dd>
      </dl>
      {result.steps.length > 0 ? (
        <div>
          <p className="font-semibold">Checks, in the order APIM runs them</p>
          <ol className="list-decimal pl-5">
            {result.steps.map((step, index) => (
              <li key={index}>
                {where(step.statement)}: {step.result}
                {step.details.length > 0 ? ` — ${step.details.join("; ")}` : ""}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {result.assumptions.length > 0 ? (
        <div>
          <p className="font-semibold">Assumed</p>
          <ul className="list-disc pl-5">
            {result.assumptions.map((assumption) => (
              <li key={assumption}>{assumption}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.outcomes.length > 1 ? (
        <div>
          <p className="font-semibold">Possible outcomes (conditions that cannot be decided here)</p>
          <ul className="list-disc pl-5">
            {result.outcomes.map((outcome, index) => (
              <li key={index}>
                {outcome.decision}
                {outcome.decidedBy ? ` by ${where(outcome.decidedBy)}` : ""}
                {outcome.when.length > 0 ? ` when ${outcome.when.join(" and ")}` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
