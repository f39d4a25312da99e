import type { BackendEntityProperties, ManagedBackendFields } from "./backend-entity";
import { parsePolicySource, type PolicySource } from "./document/parse-policy-document";
import type { PolicyDocument, PolicyElement, PolicyNode } from "./document/policy-document";
import { isDeeplyFrozen, rememberedPerDocument } from "./document/remembered-per-document";
import { markerKind } from "./managed-block";
import { accessProfileSchema, type AccessProfile } from "./profile-schema";
import { readAccessProfile } from "./read/read-access-profile";

/**
 * What a policy document means to Portcullis, independent of how APIM re-serialises it (CRLF,
 * indentation, `=&gt;`, quotes): comparing two texts byte for byte would call every policy
 * APIM has stored "changed", so plans and drift compare these instead.
 */
export interface PolicyState {
  /** Marker pairs in the document; the engine writes one (none for a profile with nothing to enforce). */
  blocks: number;
  /** Elements inside the first block: more than the profile accounts for means someone added to it. */
  blockStatements: number;
  /** What the first block reads back to; null without a block or when it does not read back completely. */
  profile: AccessProfile | null;
  /** The document outside the managed blocks, one canonical line per node (decoded values, no layout). */
  outside: string[];
}

/**
 * `backends` completes a block that selects a backend entity (the policy alone does not say
 * what that backend authenticates with). Null when the text is not a readable policy. A text is
 * read in either format; a document as it was parsed, and its state remembered with the document
 * (rememberedPerDocument: the APIs of one plan run hold the same documents), frozen.
 */
export function policyStateOf(
  source: PolicySource,
  backends: Readonly<Record<string, ManagedBackendFields>>,
): PolicyState | null {
  if (typeof source !== "string") return stateOfDocument(source, backends);
  const parsed = parsePolicySource(source);
  return parsed.ok ? readState(parsed.document, backends) : null;
}

const stateOfDocument = rememberedPerDocument(readState);

function readState(document: PolicyDocument, backends: Readonly<Record<string, ManagedBackendFields>>): PolicyState {
  // Managed fields are what renderBackendEntity wrote or APIM answered: the engine's entity shape.
  const reading = readAccessProfile(document, {
    backends: backends as Readonly<Record<string, BackendEntityProperties>>,
  });
  const profile = reading.ok && reading.reading.source === "managed-block" ? reading.reading.profile : null;
  const counts: BlockCounts = { blocks: 0, blockStatements: 0 };
  const outside: string[] = [];
  writeNodes(document.nodes, 0, counts, outside);
  return { ...counts, profile, outside };
}

/** Same managed block: as many blocks, the same profile, nothing added inside. */
export function sameManagedPart(live: PolicyState, desired: PolicyState): boolean {
  if (live.blocks !== desired.blocks) return false;
  if (desired.blocks === 0) return true;
  return (
    live.blockStatements === desired.blockStatements &&
    live.profile !== null &&
    desired.profile !== null &&
    sameProfile(live.profile, desired.profile)
  );
}

export function sameOutside(a: PolicyState, b: PolicyState): boolean {
  return a.outside.length === b.outside.length && a.outside.every((line, index) => line === b.outside[index]);
}

export function sameProfile(a: unknown, b: unknown): boolean {
  return sameJson(asProfile(a), asProfile(b));
}

/**
 * The profile as its schema reads it; remembered for a profile that can never change (one in a
 * remembered policy state), which plans compare with the same desired state again and again.
 */
function asProfile(value: unknown): AccessProfile {
  if (typeof value !== "object" || value === null || !isDeeplyFrozen(value)) return accessProfileSchema.parse(value);
  let parsed = parsedProfiles.get(value);
  if (parsed === undefined) parsedProfiles.set(value, (parsed = accessProfileSchema.parse(value)));
  return parsed;
}

const parsedProfiles = new WeakMap<object, AccessProfile>();

/**
 * Whether two JSON values have the same canonical JSON (RFC 8785: key order does not matter, a
 * key whose value is undefined is left out), compared in place: serialising both with the
 * `canonicalize` package was the larger half of every plan's profile comparison. Parsed profiles
 * hold only strings, finite numbers, booleans, null, arrays and plain objects.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item: unknown, index) => sameJson(item ?? null, b[index] ?? null));
  }
  const defined = (object: object) =>
    Object.entries(object).filter(([, value]) => value !== undefined) as [string, unknown][];
  const entriesOfA = defined(a);
  const entriesOfB = new Map(defined(b));
  return (
    entriesOfA.length === entriesOfB.size &&
    entriesOfA.every(([key, value]) => entriesOfB.has(key) && sameJson(value, entriesOfB.get(key)))
  );
}

interface BlockCounts {
  blocks: number;
  blockStatements: number;
}

function writeNodes(nodes: readonly PolicyNode[], depth: number, counts: BlockCounts, lines: string[]): void {
  let inBlock = false;
  for (const node of nodes) {
    const marker = markerKind(node);
    if (marker === "begin") {
      counts.blocks += 1;
      inBlock = true;
    } else if (marker === "end") {
      inBlock = false;
    } else if (inBlock) {
      if (node.kind === "element" && counts.blocks === 1) counts.blockStatements += 1;
    } else {
      writeNode(node, depth, counts, lines);
    }
  }
}

function writeNode(node: PolicyNode, depth: number, counts: BlockCounts, lines: string[]): void {
  const pad = "  ".repeat(depth);
  if (node.kind === "text") {
    if (node.value.trim() !== "") lines.push(pad + node.value.trim());
  } else if (
    node.kind !== "element" ||
    node.children.some((child) => child.kind === "cdata" || (child.kind === "text" && child.value.trim() !== ""))
  ) {
    // Mixed content is one line, as APIM writes it.
    lines.push(pad + inline(node));
  } else {
    const inner: string[] = [];
    writeNodes(node.children, depth + 1, counts, inner);
    // `<inbound />` and an <inbound> holding only the block are the same outside the block.
    if (inner.length === 0) lines.push(`${pad}${startTag(node).slice(0, -1)} />`);
    else lines.push(pad + startTag(node), ...inner, `${pad}</${node.name}>`);
  }
}

function inline(node: PolicyNode): string {
  switch (node.kind) {
    case "text":
      return node.value.trim();
    case "comment":
      return `<!--${node.value.trim()}-->`;
    case "cdata":
      return `<![CDATA[${node.value}]]>`;
    case "processing-instruction":
      return `<?${node.target} ${node.data}?>`;
    case "element":
      return node.children.length === 0
        ? `${startTag(node).slice(0, -1)} />`
        : `${startTag(node)}${node.children.map(inline).join("")}</${node.name}>`;
  }
}

function startTag(element: PolicyElement): string {
  const attributes = element.attributes
    .map((attribute) => ` ${attribute.name}=${JSON.stringify(attribute.value)}`)
    .join("");
  return `<${element.name}${attributes}>`;
}
