import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import type { AccessPathView, EffectiveAccessView } from "@/lib/access/schemas";
import { ClientApplications } from "./client-applications";
import { FindingsTable } from "./findings-table";
import { scopeName } from "./scope-name";
import { UnreadableScopes } from "./unreadable-scopes";

type Analysed = Pick<AccessPathView, "scopes" | "statements" | "findings" | "notConcluded" | "notes">;

/**
 * An API's effective access: for each way a call reaches it (each product holding it, and no
 * product), the statements of every scope that decide who gets in and how APIM authenticates to
 * the backend, in the order they run, then the findings. A scope that could not be read is shown
 * with ARM's answer, and what it kept the analysis from concluding is said — never "no findings".
 */
export function EffectiveAccessPanel({ access }: { access: EffectiveAccessView }) {
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Scopes read from APIM <DateTime value={access.readTo} /> in {access.armRequests} ARM requests
        {access.profileVersion === null
          ? "; this API has no access profile."
          : `, compared with access profile version ${access.profileVersion}.`}{" "}
        Nothing here is stored: reload the page to read them again.
      </p>
      {access.blocking ? (
        <Alert tone="error" title="A blocking finding: the access profile is not what decides access here.">
          Another scope undoes what Portcullis writes (see the blocking findings below). A plan for this API is refused
          until the policy in APIM is fixed.
        </Alert>
      ) : null}
      {access.unreadable.length > 0 ? (
        <Alert tone="error" title="Some scopes could not be read: the conclusions below are incomplete.">
          <UnreadableScopes scopes={access.unreadable} />
        </Alert>
      ) : null}
      <NotConcluded items={access.notConcluded} />
      <ClientApplications access={access} title="Client applications the token validations accept" />
      {access.paths.length === 0 ? (
        <Alert tone="warning" title="No path to this API could be analysed." />
      ) : (
        access.paths.map((path) => <PathArticle key={path.key} path={path} />)
      )}
    </div>
  );
}

function PathArticle({ path }: { path: AccessPathView }) {
  const headingId = `access-path-${path.key || "none"}`;
  return (
    <article aria-labelledby={headingId} className="space-y-3 rounded-md border border-slate-200 p-4">
      <h3 id={headingId} className="font-semibold">
        Through {path.label}
      </h3>
      <Pipeline analysed={path} what={`calls through ${path.label}`} />
      {path.operations.length > 0 ? (
        <div className="space-y-3">
          <h4 className="font-semibold">Operations whose own policy changes this</h4>
          {path.operations.map((operation) => (
            <div key={operation.operationId} className="space-y-2 border-l-4 border-amber-300 pl-3">
              <h5 className="font-semibold">
                {operation.displayName}{" "}
                <span className="font-mono text-xs font-normal">
                  {operation.method} {operation.urlTemplate} ({operation.operationId})
                </span>
              </h5>
              <ul className="list-disc pl-5 text-sm">
                {operation.differences.map((difference) => (
                  <li key={difference}>It {difference}.</li>
                ))}
              </ul>
              <Pipeline analysed={operation} what={`operation ${operation.operationId} through ${path.label}`} />
            </div>
          ))}
        </div>
      ) : null}
    </article>
  );
}

function Pipeline({ analysed, what }: { analysed: Analysed; what: string }) {
  const unreadable = analysed.scopes.filter((scope) => scope.status === "unreadable");
  return (
    <div className="space-y-3">
      {unreadable.length > 0 ? (
        <ul className="list-disc pl-5 text-sm text-red-900">
          {unreadable.map((scope) => (
            <li key={`${scope.scope}:${scope.id ?? ""}`}>
              The {scopeName(scope.scope, scope.id)} is unreadable
              {scope.armStatus === undefined ? "" : ` (ARM answered ${scope.armStatus})`}
              {scope.reason ? `: ${scope.reason}` : ""}
              {scope.requestId ? ` — request id ${scope.requestId}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      {analysed.statements.length === 0 ? (
        <p className="text-sm text-slate-600">
          No statement decides access or the backend call for {what}: APIM lets every call through to the API&apos;s
          service URL without credentials of its own.
        </p>
      ) : (
        <DataTable
          caption={`Statements that decide access and authenticate to the backend for ${what}, in the order they run`}
          columns={["#", "Statement", "Where", "Managed", "What it does"]}
        >
          {analysed.statements.map((statement, index) => (
            <tr key={`${statement.scope}:${statement.line}:${statement.column}`} className="border-t border-slate-200">
              <td className="px-3 py-2">{index + 1}</td>
              <th scope="row" className="px-3 py-2 font-normal">
                <code className="font-mono text-xs">{statement.element}</code>
                <span className="block text-xs text-slate-600">{statement.section}</span>
              </th>
              <td className="px-3 py-2">
                {scopeName(statement.scope, statement.scopeId)}, line {statement.line}
                {statement.fragment ? ` of fragment ${statement.fragment}` : ""}
              </td>
              <td className="px-3 py-2">
                {statement.managed ? <Badge tone="info">Portcullis</Badge> : <Badge>hand-written</Badge>}
              </td>
              <td className="px-3 py-2">
                {statement.summary}
                {statement.condition ? (
                  <span className="block text-xs text-slate-600">Only {statement.condition}</span>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {analysed.findings.length === 0 ? (
        <p className="text-sm text-slate-600">
          {analysed.notConcluded.length === 0
            ? "No findings."
            : "No findings among what could be concluded (see below what could not)."}
        </p>
      ) : (
        <FindingsTable caption={`Findings for ${what}`} findings={analysed.findings} />
      )}
      <NotConcluded items={analysed.notConcluded} />
      {analysed.notes.length > 0 ? (
        <ul className="list-disc pl-5 text-xs text-slate-600">
          {analysed.notes.map((note, index) => (
            <li key={index}>
              {note.kind === "undetermined" ? "Undetermined" : "Assumed"} ({scopeName(note.scope, null)}
              {note.line === undefined ? "" : `, line ${note.line}`}): {note.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function NotConcluded({ items }: { items: Array<{ code: string; reason: string }> }) {
  if (items.length === 0) return null;
  return (
    <div className="text-sm text-amber-950">
      <p className="font-semibold">Could not be concluded:</p>
      <ul className="list-disc pl-5">
        {items.map((item) => (
          <li key={`${item.code}:${item.reason}`}>
            <code className="font-mono text-xs">{item.code}</code>: {item.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
