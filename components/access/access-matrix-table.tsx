import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import type { AccessMatrixRow, AccessPathRow } from "@/lib/access/matrix-schemas";

const COLUMNS = [
  "API",
  "Path",
  "Caller validation",
  "Client applications",
  "Audiences",
  "Required claims",
  "Subscription",
  "Backend authentication",
  "Secret",
  "Findings",
];

const BACKEND_AUTH: Record<AccessPathRow["backendAuth"][number], string> = {
  apiKey: "API key",
  managedIdentity: "managed identity",
  basic: "basic",
  certificate: "client certificate",
  undetermined: "undetermined",
};

const SECRET_KINDS: Record<AccessPathRow["secretKinds"][number], string> = {
  typed: "typed secret",
  keyVault: "Key Vault reference",
  plain: "plain value (not secret)",
  missing: "missing named value",
  expression: "policy expression",
};

/**
 * The access matrix: one row per API, or one per product path where the paths differ. The API
 * cell is the row header (it spans its paths); every list is a real list, so a screen reader
 * counts its items.
 */
export function AccessMatrixTable({ rows, caption }: { rows: AccessMatrixRow[]; caption: string }) {
  return (
    <DataTable caption={caption} columns={COLUMNS}>
      {rows.flatMap((row) => {
        const paths = row.uniform ? row.paths.slice(0, 1) : row.paths;
        if (paths.length === 0)
          return [
            <tr key={row.apimName} className="border-t border-slate-200 align-top" data-testid="access-row">
              <ApiCell row={row} span={1} />
              <td className="px-3 py-2 text-slate-600" colSpan={COLUMNS.length - 1}>
                {row.notConcluded.join(" ") || "No path could be analysed."}
              </td>
            </tr>,
          ];
        return paths.map((path, index) => (
          <tr
            key={`${row.apimName}:${path.key}`}
            className={`${index === 0 ? "border-t border-slate-200" : ""} align-top`}
            data-testid="access-row"
          >
            {index === 0 ? <ApiCell row={row} span={paths.length} /> : null}
            <td className="px-3 py-2">
              {row.uniform && row.paths.length > 1
                ? `every path (${row.paths.map(pathName).join(", ")})`
                : pathName(path)}
            </td>
            <td className="px-3 py-2">
              <CallerValidation path={path} />
            </td>
            <td className="px-3 py-2">
              <ClientApplications path={path} />
            </td>
            <td className="px-3 py-2">
              <Items values={path.audiences} empty={path.callerValidation.length > 0 ? "any" : "—"} code />
            </td>
            <td className="px-3 py-2">
              <Items values={path.requiredClaims} empty="none" code />
            </td>
            <td className="px-3 py-2">
              {path.subscriptionRequired === null ? "unknown" : path.subscriptionRequired ? "required" : "not required"}
              {path.anyoneCanCall ? (
                <span className="mt-1 block">
                  <Badge tone="danger">anyone can call</Badge>
                </span>
              ) : null}
            </td>
            <td className="px-3 py-2">
              {path.backendAuth.length === 0 ? (
                <Badge tone="warning">none</Badge>
              ) : (
                path.backendAuth.map((mode) => BACKEND_AUTH[mode]).join(", ")
              )}
              <Items values={path.backendTargets} small />
            </td>
            <td className="px-3 py-2">
              <Items values={path.secretKinds.map((kind) => SECRET_KINDS[kind])} empty="—" />
            </td>
            <td className="px-3 py-2">
              <Findings path={path} />
            </td>
          </tr>
        ));
      })}
    </DataTable>
  );
}

function pathName(path: AccessPathRow): string {
  return path.productName === null ? "no product" : `product ${path.productName}`;
}

function ApiCell({ row, span }: { row: AccessMatrixRow; span: number }) {
  return (
    <th scope="row" rowSpan={span} className="px-3 py-2 font-normal">
      {row.apiId === null ? (
        <span className="font-semibold">{row.displayName}</span>
      ) : (
        <Link href={`/apis/${row.apiId}`} className="font-semibold text-blue-700 underline">
          {row.displayName}
        </Link>
      )}
      <span className="block font-mono text-xs text-slate-600">{row.apimName}</span>
      {row.unreadable.length > 0 ? (
        <div className="mt-1 text-xs text-red-900">
          <Badge tone="danger">unreadable scopes</Badge>
          <ul className="mt-1 list-disc pl-4">
            {row.unreadable.map((scope) => (
              <li key={scope.what}>
                {scope.what}: {scope.status ?? "no answer"}
                {scope.armCode ? ` ${scope.armCode}` : ""}
                {scope.requestIds.length > 0 ? (
                  <span className="block font-mono">request id {scope.requestIds.join(", ")}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {row.notConcluded.length > 0 && row.paths.length > 0 ? (
        <ul className="mt-1 list-disc pl-4 text-xs text-amber-900">
          {row.notConcluded.map((reason) => (
            <li key={reason}>Not concluded: {reason}</li>
          ))}
        </ul>
      ) : null}
    </th>
  );
}

function CallerValidation({ path }: { path: AccessPathRow }) {
  if (path.callerValidation.length === 0) return <span className="text-slate-600">none</span>;
  return (
    <ul className="space-y-1">
      {path.callerValidation.map((check) => (
        <li key={`${check.scope}:${check.line}`}>
          <code className="font-mono text-xs">{check.kind}</code>
          {check.tenant !== null ? <span className="block text-xs">tenant {check.tenant}</span> : null}
          {check.issuers.length > 0 ? <span className="block text-xs">issuers {check.issuers.join(", ")}</span> : null}
          <span className="block text-xs text-slate-600">
            {check.scope} policy, line {check.line}
            {check.conditional ? ", only under conditions" : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

function ClientApplications({ path }: { path: AccessPathRow }) {
  return (
    <>
      {path.clientApplications.length > 0 ? (
        <ul className="space-y-1">
          {path.clientApplications.map((client) => (
            <li key={client.appId}>
              {client.displayName ? <span className="block">{client.displayName}</span> : null}
              <code className="font-mono text-xs">{client.appId}</code>
            </li>
          ))}
        </ul>
      ) : null}
      {path.anyClientApplication ? <Badge tone="warning">any client application</Badge> : null}
      {path.clientApplications.length === 0 && !path.anyClientApplication ? (
        <span className="text-slate-600">—</span>
      ) : null}
    </>
  );
}

function Findings({ path }: { path: AccessPathRow }) {
  const { count, codes, blocking, notConcluded } = path.findings;
  return (
    <div className="space-y-1">
      {count === 0 ? (
        <span>none</span>
      ) : (
        <Badge tone={blocking ? "danger" : "warning"}>
          {count} {count === 1 ? "finding" : "findings"}
          {blocking ? ", blocking" : ""}
        </Badge>
      )}
      <Items values={codes} code />
      {path.operations.length > 0 ? (
        <div className="text-xs">
          <span className="font-semibold">Operations that differ:</span>
          <ul className="list-disc pl-4">
            {path.operations.map((operation) => (
              <li key={operation.name}>
                {operation.displayName} (<code className="font-mono">{operation.name}</code>)
                {operation.codes.length > 0 ? `: ${operation.codes.join(", ")}` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {notConcluded.length > 0 ? (
        <p className="text-xs text-amber-900">Could not conclude: {notConcluded.join(", ")}</p>
      ) : null}
    </div>
  );
}

function Items({
  values,
  empty,
  code = false,
  small = false,
}: {
  values: string[];
  empty?: ReactNode;
  code?: boolean;
  small?: boolean;
}) {
  if (values.length === 0) return empty === undefined ? null : <span className="text-slate-600">{empty}</span>;
  return (
    <ul className={small ? "mt-1 text-xs text-slate-600" : "space-y-0.5"}>
      {values.map((value) => (
        <li key={value} className="break-all">
          {code ? <code className="font-mono text-xs">{value}</code> : value}
        </li>
      ))}
    </ul>
  );
}
