import type { RequestContext } from "../auth/request-context";
import { csvLine } from "../csv-line";
import { getAccessMatrix, type AccessMatrixInput } from "./get-access-matrix";
import type { AccessMatrix } from "./matrix-schemas";

const COLUMNS = [
  "instance",
  "api",
  "apim_name",
  "path",
  "subscription_required",
  "caller_validation",
  "tenant_or_issuers",
  "client_applications",
  "any_client_application",
  "audiences",
  "required_claims",
  "backend_auth",
  "backend_target",
  "secret_kind",
  "anyone_can_call",
  "findings",
  "finding_codes",
  "operations_that_differ",
  "not_concluded",
  "unreadable",
  "read_at",
];

/**
 * The matrix as CSV for a spreadsheet: one line per API and path (product, or none), lists
 * joined with "; ", every cell safe from formula injection (csvLine). An API whose paths could
 * not be read still has a line saying what was unreadable.
 */
export function accessMatrixCsv(matrix: AccessMatrix): string {
  const lines = [csvLine(COLUMNS)];
  for (const scope of matrix.unreadable)
    lines.push(
      csvLine([
        matrix.instanceName,
        null,
        null,
        null,
        ...blank(15),
        `${scope.what}: ${unreadableText(scope)}`,
        matrix.readTo,
      ]),
    );
  for (const row of matrix.rows) {
    const unreadable = row.unreadable.map((scope) => `${scope.what}: ${unreadableText(scope)}`).join("; ");
    const notConcluded = row.notConcluded;
    if (row.paths.length === 0)
      lines.push(
        csvLine([
          matrix.instanceName,
          row.displayName,
          row.apimName,
          null,
          ...blank(14),
          notConcluded.join("; "),
          unreadable,
          matrix.readTo,
        ]),
      );
    for (const path of row.paths)
      lines.push(
        csvLine([
          matrix.instanceName,
          row.displayName,
          row.apimName,
          path.productName ?? "(no product)",
          path.subscriptionRequired,
          path.callerValidation
            .map(
              (check) => `${check.kind} (${check.scope} line ${check.line}${check.conditional ? ", conditional" : ""})`,
            )
            .join("; "),
          path.callerValidation.flatMap((check) => (check.tenant === null ? check.issuers : [check.tenant])).join("; "),
          path.clientApplications
            .map((client) => (client.displayName === null ? client.appId : `${client.displayName} (${client.appId})`))
            .join("; "),
          path.anyClientApplication,
          path.audiences.join("; "),
          path.requiredClaims.join("; "),
          path.backendAuth.length === 0 ? "none" : path.backendAuth.join("; "),
          path.backendTargets.join("; "),
          path.secretKinds.join("; "),
          path.anyoneCanCall,
          path.findings.count,
          path.findings.codes.join("; "),
          path.operations
            .map(
              (operation) => `${operation.name}${operation.codes.length > 0 ? ` (${operation.codes.join(", ")})` : ""}`,
            )
            .join("; "),
          [...path.findings.notConcluded, ...notConcluded].join("; "),
          unreadable,
          matrix.readTo,
        ]),
      );
  }
  return lines.join("");
}

function blank(count: number): null[] {
  return Array.from({ length: count }, () => null);
}

function unreadableText(scope: AccessMatrix["unreadable"][number]): string {
  const status =
    scope.status === null ? "no answer" : `${scope.status}${scope.armCode === null ? "" : ` ${scope.armCode}`}`;
  return `${status}, ${scope.message}${scope.requestIds.length > 0 ? ` (request id ${scope.requestIds.join(", ")})` : ""}`;
}

/** The matrix as a CSV download, shared by the REST API and the console. */
export async function accessMatrixDownload(ctx: RequestContext, input: AccessMatrixInput): Promise<Response> {
  const matrix = await getAccessMatrix(ctx, input);
  const stamp = matrix.readTo.replace(/[:.]/g, "-");
  const name = matrix.instanceName.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(accessMatrixCsv(matrix), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="portcullis-access-${name}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
