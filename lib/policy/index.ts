/**
 * Public API of the policy engine. Everything here is pure: text and objects in, text and
 * objects out. See README.md in this folder for the design.
 */
export type {
  PolicyAttribute,
  PolicyCData,
  PolicyComment,
  PolicyDocument,
  PolicyElement,
  PolicyFormat,
  PolicyInstruction,
  PolicyNode,
  PolicyParseError,
  PolicyParseResult,
  PolicyText,
} from "./document/policy-document";
export { attributeValue, childElements, descendantElements, textContent } from "./document/policy-document";
export type { SourcePosition } from "./document/source-position";
export type { PolicySource } from "./document/parse-policy-document";
export {
  parsePolicyDocument,
  parsePolicyDocumentOfAnyFormat,
  parsePolicySource,
} from "./document/parse-policy-document";
export { parsePolicyDocumentOnce } from "./document/parse-policy-document-once";
export type {
  BackendIdReference,
  NamedValueReference,
  PolicyReferences,
  PolicyReferenceSite,
} from "./document/policy-references";
export { findNamedValueReferences, listPolicyReferences } from "./document/policy-references";
export type {
  AccessProfile,
  AccessProfileInput,
  BackendAuth,
  CallerAuth,
  ProfileIssue,
  ProfileValidation,
  RequiredClaim,
} from "./profile-schema";
export {
  accessProfileSchema,
  backendAuthSchema,
  callerAuthSchema,
  formatProfileIssues,
  validateAccessProfile,
} from "./profile-schema";
export { renderPolicy } from "./render/render-policy";
export type { MergeError, MergeOptions, MergeResult } from "./merge/merge-policy";
export { EMPTY_POLICY_DOCUMENT, mergePolicy } from "./merge/merge-policy";
export type { PolicyReading, ReadOptions, ReadResult } from "./read/read-access-profile";
export type { UndeterminedField } from "./read/read-statements";
export { readAccessProfile } from "./read/read-access-profile";
export type { UnmanagedStatement } from "./read/unmanaged-statements";
export type {
  BackendEntity,
  BackendEntityProperties,
  BackendEntityReading,
  ManagedBackendFields,
} from "./backend-entity";
export { readBackendEntity, renderBackendEntity } from "./backend-entity";
export type { ProfileReferences } from "./profile-references";
export { profileReferences } from "./profile-references";
export { BEGIN_MARKER, END_MARKER } from "./managed-block";
export type { HandWrittenReference } from "./hand-written-references";
export { handWrittenReferences } from "./hand-written-references";
export type { LintFinding, LintSeverity } from "./lint/lint-finding";
export type { LintOptions, LintResult } from "./lint/lint-policy";
export { lintPolicy } from "./lint/lint-policy";
export type {
  AccessFacts,
  EffectivePipelineInput,
  NamedValueFact,
  PolicyScope,
  ScopeDocument,
  ServiceIdentity,
} from "./effective/effective-input";
export type {
  Branch,
  CallerCheck,
  ClaimRequirement,
  ClientCertificateCheck,
  Condition,
  EffectivePipeline,
  EntraTokenCheck,
  FailureResponse,
  HeaderCheck,
  HeaderValue,
  IpFilterCheck,
  JwtCheck,
  PipelineNote,
  PipelineSectionView,
  PipelineStatement,
  PolicySection,
  PolicyValue,
  ScopeReport,
  SkippedStatements,
  StatementRef,
  StatementRole,
  TokenSource,
} from "./effective/effective-pipeline";
export { describeStatement, POLICY_SECTIONS } from "./effective/effective-pipeline";
export { walkPipeline, type Visit } from "./effective/walk-pipeline";
export { composeEffectivePipeline } from "./effective/compose-pipeline";
export type {
  EffectiveAccessAnalysis,
  EffectiveAccessFinding,
  FindingSeverity,
  NotConcluded,
} from "./effective/findings/effective-access-finding";
export { findEffectiveAccessFindings } from "./effective/findings/find-effective-access-findings";
export type { BackendCall, BackendCredential } from "./effective/what-if/backend-call";
export type { RefusalResponse } from "./effective/what-if/check-outcome";
export type { Assumption, CheckStep } from "./effective/what-if/run-pipeline";
export type { TokenCheckRequest, TokenCheckResult, WhatIfOutcome } from "./effective/what-if/check-token";
export type { TokenInput } from "./effective/what-if/token-input";
export { readTokenInput } from "./effective/what-if/token-input";
export { checkToken } from "./effective/what-if/check-token";
export { tokenAudiences, type TokenAudiences } from "./effective/what-if/token-audiences";
