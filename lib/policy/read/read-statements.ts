/**
 * Reads the caller and backend parts of a profile from a list of statements (the managed block's,
 * or the unconditional statements of a hand-written `<inbound>`), and says which statements each
 * part was read from: an adopting merge removes exactly those (see merge/adopted-statements.ts).
 */
import type { PolicyElement } from "../document/policy-document";
import { readBackendEntity, type BackendEntityProperties } from "../backend-entity";
import type { BackendAuth, CallerAuth } from "../profile-schema";
import { CALLER_VALIDATION_ELEMENTS, readCallerValidation } from "./read-caller-auth";
import { dropsAuthorization, readBackendStatements } from "./read-backend-auth";
import type { StatementReading } from "./statement-reading";

export interface UndeterminedField {
  path: "callerAuth" | "backendAuth";
  reason: string;
  /** Set when the backend entity with this id would settle it. */
  backendId?: string;
}

/** The statements one part of the profile was read from. */
export interface PartSource {
  statements: PolicyElement[];
  /**
   * False when a statement holds a setting a profile does not describe (another header, signing
   * keys, an output variable other statements read): a profile cannot replace it without losing that.
   */
  replaceable: boolean;
}

export interface StatementsReading {
  callerAuth: CallerAuth | null;
  backendAuth: BackendAuth | null;
  undetermined: UndeterminedField[];
  sources: { callerAuth: PartSource; backendAuth: PartSource };
}

export function readStatements(
  candidates: readonly PolicyElement[],
  backends: Readonly<Record<string, BackendEntityProperties>>,
): StatementsReading {
  const undetermined: UndeterminedField[] = [];
  const caller = readCaller(candidates, undetermined);
  const backend = readBackend(candidates, undetermined, backends);
  // Dropping the caller's token belongs to validating callers (render writes it for that reason).
  if (caller.value?.mode !== "none") caller.source.statements.push(...candidates.filter(dropsAuthorization));
  return {
    callerAuth: caller.value,
    backendAuth: backend.value,
    undetermined,
    sources: { callerAuth: caller.source, backendAuth: backend.source },
  };
}

interface PartReading<T> {
  value: T | null;
  source: PartSource;
}

function part<T>(reading: StatementReading<T>, statements: PolicyElement[]): PartReading<T> {
  return {
    value: reading.ok ? reading.value : null,
    source: { statements, replaceable: reading.ok || reading.failed === "value" },
  };
}

function readCaller(candidates: readonly PolicyElement[], undetermined: UndeterminedField[]): PartReading<CallerAuth> {
  const validation = candidates.find((element) => CALLER_VALIDATION_ELEMENTS.includes(element.name));
  if (validation === undefined) return { value: { mode: "none" }, source: { statements: [], replaceable: true } };
  const reading = readCallerValidation(validation);
  if (!reading.ok)
    undetermined.push({
      path: "callerAuth",
      reason: `<${validation.name}> on line ${validation.start.line} ${reading.reason}`,
    });
  return part(reading, [validation]);
}

function readBackend(
  candidates: readonly PolicyElement[],
  undetermined: UndeterminedField[],
  backends: Readonly<Record<string, BackendEntityProperties>>,
): PartReading<BackendAuth> {
  const found = readBackendStatements(candidates);
  if (found.kind === "none") return { value: { mode: "none" }, source: { statements: [], replaceable: true } };
  if (found.kind === "policy") {
    const first = found.statements[0];
    if (!found.reading.ok)
      undetermined.push({
        path: "backendAuth",
        reason: `<${first?.name}> on line ${first?.start.line}: ${found.reading.reason}`,
      });
    return part(found.reading, found.statements);
  }
  // `<set-backend-service backend-id>` says all a profile does; what the entity holds is the
  // entity's, so the statement stays replaceable whatever the entity reads as.
  const source = { statements: [found.statement], replaceable: true };
  const entity = Object.hasOwn(backends, found.backendId) ? backends[found.backendId] : undefined;
  if (entity === undefined) {
    undetermined.push({
      path: "backendAuth",
      backendId: found.backendId,
      reason: `the policy selects backend '${found.backendId}' (line ${found.statement.start.line}); its URL and credentials live in that backend entity`,
    });
    return { value: null, source };
  }
  const reading = readBackendEntity(found.backendId, entity);
  if (reading.ok) return { value: reading.backendAuth, source };
  undetermined.push({ path: "backendAuth", backendId: found.backendId, reason: reading.reason });
  return { value: null, source };
}
