/**
 * Reads a policy back into a profile: from the engine's block when there is one, otherwise by
 * adopting the unconditional statements of a hand-written `<inbound>`. It never invents values:
 * what the policy alone cannot tell (above all the backend entity behind `backend-id`) is listed
 * in `undetermined`, and the profile is then null.
 */
import { parsePolicy, type PolicySource } from "../document/parse-policy-document";
import { childElements, type PolicyElement, type PolicyFormat } from "../document/policy-document";
import type { BackendEntityProperties } from "../backend-entity";
import { blockContainer, findManagedBlocks } from "../managed-block";
import type { AccessProfile, BackendAuth, CallerAuth } from "../profile-schema";
import { readStatements, type UndeterminedField } from "./read-statements";
import { findUnmanagedStatements, type UnmanagedStatement } from "./unmanaged-statements";

export interface ReadOptions {
  /** How to read a text; by default `xml` when it is well-formed, `rawxml` otherwise. A document is read as parsed. */
  format?: PolicyFormat;
  /** Backend entities (ARM `properties`) by id, to complete a profile whose policy selects a backend. */
  backends?: Readonly<Record<string, BackendEntityProperties>>;
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

export type ReadResult =
  { ok: true; reading: PolicyReading } | { ok: false; error: { message: string; line?: number; column?: number } };

export function readAccessProfile(source: PolicySource, options: ReadOptions = {}): ReadResult {
  const parsed = parsePolicy(source, options.format);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const { root, nodes, format } = parsed.document;
  const { blocks, problems } = findManagedBlocks(root, nodes);
  const problem = problems[0];
  if (problem !== undefined) return { ok: false, error: problem };

  const container = blockContainer(root);
  const block = blocks.find((candidate) => candidate.parent === container);
  const candidates =
    block === undefined
      ? container === undefined
        ? []
        : childElements(container)
      : block.nodes.filter((node): node is PolicyElement => node.kind === "element");

  const { callerAuth, backendAuth, undetermined, sources } = readStatements(candidates, options.backends ?? {});
  const managed = new Set([...sources.callerAuth.statements, ...sources.backendAuth.statements]);

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
