/**
 * Turns a `validate-azure-ad-token` or `validate-jwt` statement into the caller part of a profile.
 * Anything the profile cannot express (another token source, signing keys, an output variable
 * other statements read, weakened checks) makes the statement unreadable rather than silently lost.
 */
import { attributeValue, childElements, type PolicyElement } from "../document/policy-document";
import { callerAuthSchema, type CallerAuth } from "../profile-schema";
import {
  childTexts,
  checkedAgainst,
  listItems,
  refused,
  unknownAttributes,
  unknownChildren,
  type StatementReading,
} from "./statement-reading";

export const CALLER_VALIDATION_ELEMENTS = ["validate-azure-ad-token", "validate-jwt"];

const FAILED_VALIDATION = ["failed-validation-httpcode", "failed-validation-error-message"];
const CLAIMS = ["required-claims"];

export function readCallerValidation(element: PolicyElement): StatementReading<CallerAuth> {
  const header = attributeValue(element, "header-name");
  if (element.name === "validate-azure-ad-token") {
    return readEntra(element, header);
  }
  return readJwt(element, header);
}

function readEntra(element: PolicyElement, header: string | undefined): StatementReading<CallerAuth> {
  // header-name defaults to Authorization for validate-azure-ad-token.
  if (header !== undefined && header.toLowerCase() !== "authorization")
    return refused(`reads the token from header '${header}', not Authorization`);
  const extra = [
    ...unknownAttributes(element, ["tenant-id", "header-name", ...FAILED_VALIDATION]),
    ...unknownChildren(element, ["client-application-ids", "audiences", ...CLAIMS]),
  ];
  if (extra.length > 0) return refused(`uses ${extra.join(", ")}, which a profile does not describe`);
  return checkedAgainst(callerAuthSchema, {
    mode: "entra",
    tenantId: attributeValue(element, "tenant-id"),
    clientApplicationIds: listItems(element, "client-application-ids", "application-id") ?? [],
    audiences: listItems(element, "audiences", "audience"),
    requiredClaims: readClaims(element),
    failedValidation: readFailedValidation(element),
  });
}

function readJwt(element: PolicyElement, header: string | undefined): StatementReading<CallerAuth> {
  if (header === undefined || header.toLowerCase() !== "authorization")
    return refused("does not read the token from the Authorization header");
  for (const check of ["require-expiration-time", "require-signed-tokens"]) {
    const value = attributeValue(element, check);
    if (value !== undefined && value.toLowerCase() !== "true") return refused(`sets ${check}="${value}"`);
  }
  const scheme = attributeValue(element, "require-scheme");
  if (scheme !== undefined && scheme !== "Bearer") return refused(`requires scheme '${scheme}', not Bearer`);
  const extra = [
    ...unknownAttributes(element, [
      "header-name",
      "require-scheme",
      "require-expiration-time",
      "require-signed-tokens",
      ...FAILED_VALIDATION,
    ]),
    ...unknownChildren(element, ["openid-config", "audiences", "issuers", ...CLAIMS]),
  ];
  if (extra.length > 0) return refused(`uses ${extra.join(", ")}, which a profile does not describe`);
  const configs = childElements(element).filter((child) => child.name === "openid-config");
  if (configs.length !== 1) return refused(`has ${configs.length} openid-config elements; a profile has exactly one`);
  return checkedAgainst(callerAuthSchema, {
    mode: "jwt",
    openIdConfigUrl: attributeValue(configs[0] as PolicyElement, "url"),
    issuers: listItems(element, "issuers", "issuer") ?? [],
    audiences: listItems(element, "audiences", "audience") ?? [],
    requiredClaims: readClaims(element),
    failedValidation: readFailedValidation(element),
  });
}

function readClaims(element: PolicyElement): unknown[] | undefined {
  const list = childElements(element).find((child) => child.name === "required-claims");
  if (list === undefined) return undefined;
  return childElements(list).map((claim) => ({
    name: attributeValue(claim, "name"),
    match: attributeValue(claim, "match"),
    separator: attributeValue(claim, "separator"),
    values: childTexts(claim, "value"),
  }));
}

function readFailedValidation(element: PolicyElement): unknown {
  const httpCode = attributeValue(element, "failed-validation-httpcode");
  const message = attributeValue(element, "failed-validation-error-message");
  if (httpCode === undefined && message === undefined) return undefined;
  return { httpCode: httpCode === undefined || !/^\d+$/.test(httpCode) ? httpCode : Number(httpCode), message };
}
