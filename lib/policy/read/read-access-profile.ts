/**
 * Reads a policy back into a profile: from the engine's block when there is one, otherwise by
 * adopting the unconditional statements of a hand-written `<inbound>`. It never invents values:
 * what the policy alone cannot tell (above all the backend entity behind `backend-id`) is listed
 * in `undetermined`, and the profile is then null.
 */
import { parsePolicyDocument, parsePolicyDocumentOfAnyFormat } from "../document/parse-policy-document";
import { childElements, type PolicyElement, type PolicyFormat } from "../document/policy-document";
import { readBackendEntity, type BackendEntityProperties } from "../backend-entity";
import { blockContainer, findManagedBlocks } from "../managed-block";
import type { AccessProfile, BackendAuth, CallerAuth } from "../profile-schema";
import { CALLER_VALIDATION_ELEMENTS, readCallerValidation } from "./read-caller-auth";
import { dropsAuthorization, readBackendStatements } from "./read-backend-auth";
import { findUnmanagedStatements, type UnmanagedStatement } from "./unmanaged-statements";

export interface ReadOptions {
  /** How to read the text; by default `xml` when it is well-formed, `rawxml` otherwise. */
  format?: PolicyFormat;
  /** Backend entities (ARM `properties`) by id, to complete a profile whose policy selects a backend. */
  backends?: Readonly<Record<string, BackendEntityProperties>>;
}

export interface UndeterminedField {
  path: "callerAuth" | "backendAuth";
  reason: string;
  /** Set when the backend entity with this id would settle it. */
  backendId?: string;
}

export interface PolicyReading {
  format: PolicyFormat;
  /** `managed-block`: read from the engine's block; `adopted`: from a hand-written inbound section. */
  source: "managed-block" | "adopted";
  /** The whole profile, or null when something is undetermined. */
  profile: AccessProfile | null;
  callerAuth: CallerAuth | null;
  backendAuth: BackendAuth | null;
  undetermined: UndeterminedField[];
  unmanaged: UnmanagedStatement[];
}

export type ReadResult = { ok: true; reading: PolicyReading } | { ok: false; error: { message: string; line?: number; column?: number } };

export function readAccessProfile(text: string, options: ReadOptions = {}): ReadResult {
  const parsed = options.format === undefined ? parsePolicyDocumentOfAnyFormat(text) : parsePolicyDocument(text, options.format);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const { root, nodes, format } = parsed.document;
  if (root.name !== "policies" && root.name !== "fragment") {
    return { ok: false, error: { message: `the root element is <${root.name}>, but a policy has <policies> (or <fragment>)`, line: root.start.line, column: root.start.column } };
  }
  const { blocks, problems } = findManagedBlocks(root, nodes);
  const problem = problems[0];
  if (problem !== undefined) return { ok: false, error: problem };

  const container = blockContainer(root);
  const block = blocks.find((candidate) => candidate.parent === container);
  const candidates = block === undefined ? (container === undefined ? [] : childElements(container)) : block.nodes.filter((node): node is PolicyElement => node.kind === "element");

  const managed = new Set<PolicyElement>();
  const undetermined: UndeterminedField[] = [];
  const callerAuth = readCaller(candidates, managed, undetermined);
  const backendAuth = readBackend(candidates, managed, undetermined, options.backends ?? {});
  for (const element of candidates) if (dropsAuthorization(element) && callerAuth?.mode !== "none") managed.add(element);

  const blockStatements = new Set(block === undefined ? [] : candidates.filter((element) => !managed.has(element)));
  const profile = callerAuth !== null && backendAuth !== null ? { callerAuth, backendAuth } : null;
  return {
    ok: true,
    reading: {
      format,
      source: block === undefined ? "adopted" : "managed-block",
      profile,
      callerAuth,
      backendAuth,
      undetermined,
      unmanaged: findUnmanagedStatements(root, managed, blockStatements),
    },
  };
}

function readCaller(candidates: readonly PolicyElement[], managed: Set<PolicyElement>, undetermined: UndeterminedField[]): CallerAuth | null {
  const validation = candidates.find((element) => CALLER_VALIDATION_ELEMENTS.includes(element.name));
  if (validation === undefined) return { mode: "none" };
  managed.add(validation);
  const reading = readCallerValidation(validation);
  if (reading.ok) return reading.value;
  undetermined.push({ path: "callerAuth", reason: `<${validation.name}> on line ${validation.start.line} ${reading.reason}` });
  return null;
}

function readBackend(
  candidates: readonly PolicyElement[],
  managed: Set<PolicyElement>,
  undetermined: UndeterminedField[],
  backends: Readonly<Record<string, BackendEntityProperties>>,
): BackendAuth | null {
  const found = readBackendStatements(candidates);
  if (found.kind === "none") return { mode: "none" };
  if (found.kind === "policy") {
    for (const statement of found.statements) managed.add(statement);
    if (found.reading.ok) return found.reading.value;
    const first = found.statements[0];
    undetermined.push({ path: "backendAuth", reason: `<${first?.name}> on line ${first?.start.line}: ${found.reading.reason}` });
    return null;
  }
  managed.add(found.statement);
  const entity = Object.hasOwn(backends, found.backendId) ? backends[found.backendId] : undefined;
  if (entity === undefined) {
    undetermined.push({
      path: "backendAuth",
      backendId: found.backendId,
      reason: `the policy selects backend '${found.backendId}' (line ${found.statement.start.line}); its URL and credentials live in that backend entity`,
    });
    return null;
  }
  const reading = readBackendEntity(found.backendId, entity);
  if (reading.ok) return reading.backendAuth;
  undetermined.push({ path: "backendAuth", backendId: found.backendId, reason: reading.reason });
  return null;
}
