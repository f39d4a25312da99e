import { ArmError, type ArmErrorDetail } from "./arm-error";

/**
 * Errors of the APIM resource provider. Bodies marked "recorded" are verbatim shapes from
 * real traffic (see 01-arm-rest-reference.md and recordings/SOURCES.md); the others are
 * invented in the same style because no recording of them exists — README.md lists them.
 */

/** Recorded: 400 with per-field details (policy XML, missing named values, fragments). */
export function validationError(details: ArmErrorDetail[]): ArmError {
  return new ArmError(400, "ValidationError", "One or more fields contain incorrect values:", details);
}

/** Invented wording, recorded shape: a single field failed validation. */
export function fieldError(target: string, message: string): ArmError {
  return validationError([{ code: "ValidationError", target, message }]);
}

/** Recorded (Azure/azure-powershell#3817): stale If-Match or a concurrent write. */
export function preconditionFailed(): ArmError {
  return new ArmError(412, "ValidationError", "Resource was modified since last retrieval.", null);
}

/** Recorded (Azure/apiops#379, #799): a write to an API while an operation on it runs. */
export function apiOperationInProgress(): ArmError {
  return new ArmError(409, "PessimisticConcurrencyConflict", "Operation on the API is in progress", null);
}

/**
 * Recorded for APIs ("Api not found.", Azure/apiops#643) and named values ("NamedValue not
 * found", hashicorp/terraform-provider-azurerm#26661); the other labels follow the pattern.
 */
export function entityNotFound(
  label: "Api" | "NamedValue" | "Backend" | "Policy" | "Product" | "Operation" | "ProductApi" | "Subscription",
): ArmError {
  return new ArmError(404, "ResourceNotFound", `${label} not found.`, null);
}

/** Invented: PATCH and DELETE need If-Match (IfMatchRequiredParameter in the spec). */
export function ifMatchRequired(): ArmError {
  return new ArmError(400, "ValidationError", "If-Match header is required for this operation.", null);
}

/**
 * Recorded for policy fragments (Azure/apiops-cli#261): "The Policy Fragment 'x' is used by
 * the following entities:\r\n/policies/policy\r\n". Named values and backends are
 * answered in the same form (extrapolated).
 */
export function entityInUse(label: "Named Value" | "Backend", name: string, usedBy: string[]): ArmError {
  const list = usedBy.map((path) => `${path}\r\n`).join("");
  return new ArmError(
    400,
    "ValidationError",
    `The ${label} '${name}' is used by the following entities:\r\n${list}`,
    null,
  );
}
