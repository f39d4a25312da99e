/**
 * Composes the effective pipeline of one call (an API operation, through a product or none)
 * following APIM's `<base />` rules, as Microsoft's documentation states them:
 * - "Place the base element within a section to inherit all policies from the corresponding
 *   section at the parent (broader) scope" — at the place where `<base />` stands;
 * - "To prevent inheriting policies from the corresponding section in the parent scope, remove
 *   the base element" — a section without `<base />` does not run its parent's statements there;
 * - "A globally scoped policy has no parent scope, and using the base element in it has no effect."
 * Scopes from narrow to broad: operation, API, product, global.
 */
import { parsePolicyDocumentOfAnyFormat } from "../document/parse-policy-document";
import { parsePolicyDocumentOnce } from "../document/parse-policy-document-once";
import { attributeValue, childElements, type PolicyDocument, type PolicyElement } from "../document/policy-document";
import { rememberedPerDocument } from "../document/remembered-per-document";
import { CREDENTIAL_HEADERS } from "../lint/statement-kinds";
import { findManagedBlocks } from "../managed-block";
import type { EffectivePipelineInput, PolicyScope, ScopeDocument } from "./effective-input";
import {
  POLICY_SECTIONS,
  SCOPE_NAMES,
  type EffectivePipeline,
  type PipelineNote,
  type PipelineStatement,
  type PolicySection,
  type ScopeReport,
  type SkippedStatements,
} from "./effective-pipeline";
import { classifyStatements, type ClassifyContext } from "./classify-statement";

/** Where a `<base />` stands in a section. */
interface BasePosition {
  base: true;
  line: number;
  column: number;
}

interface LayerSection {
  line: number;
  /** The section's statements, classified, and its `<base />` elements where they stand. */
  items: Array<PipelineStatement | BasePosition>;
}

/**
 * One scope, read: its sections classified as soon as the document is parsed, so only one
 * document tree is alive at a time (a call near the size limit has four of 64 KiB).
 */
interface Layer {
  report: ScopeReport;
  /** Undefined for a scope without policy or an unreadable one. */
  sections?: Partial<Record<PolicySection, LayerSection>>;
}

export function composeEffectivePipeline(input: EffectivePipelineInput): EffectivePipeline {
  const notes: PipelineNote[] = [];
  const credentialHeaders = new Set(CREDENTIAL_HEADERS);
  if (input.profile?.backendAuth.mode === "apiKey")
    credentialHeaders.add(input.profile.backendAuth.headerName.toLowerCase());
  const fragments = input.fragments ?? {};
  const scopes: Array<[PolicyScope, { id: string; document: ScopeDocument } | undefined]> = [
    ["operation", input.operation],
    ["api", input.api],
    ["product", input.product],
    ["global", { id: "", document: input.global }],
  ];
  const layers = scopes.flatMap(([scope, given]) =>
    given === undefined ? [] : [readLayer(scope, given.id, given.document, credentialHeaders, fragments, notes)],
  );
  const sections = Object.fromEntries(
    POLICY_SECTIONS.map((section) => {
      const skipped: SkippedStatements[] = [];
      const statements = composeSection(layers, 0, section, skipped);
      return [section, { statements, skipped }];
    }),
  ) as EffectivePipeline["sections"];
  for (const section of POLICY_SECTIONS) notes.push(...undeterminedNotes(sections[section].statements));
  return {
    apiId: input.api.id,
    productId: input.product?.id ?? null,
    operationId: input.operation?.id ?? null,
    scopes: layers.map((layer) => layer.report),
    sections,
    notes: distinct(notes),
    profile: input.profile ?? null,
  };
}

/** The statements section `section` runs from layer `index` on (narrow to broad). */
function composeSection(
  layers: readonly Layer[],
  index: number,
  section: PolicySection,
  skipped: SkippedStatements[],
): PipelineStatement[] {
  const layer = layers[index];
  if (layer === undefined) return [];
  const parent = () => composeSection(layers, index + 1, section, skipped);
  const { report, sections } = layer;
  if (report.status === "none") return parent();
  if (sections === undefined) {
    return [
      {
        element: `(${SCOPE_NAMES[report.scope]} policy)`,
        scope: report.scope,
        line: 1,
        column: 1,
        managed: false,
        role: "undetermined",
        reason: `the ${SCOPE_NAMES[report.scope]} policy could not be read (${report.reason}); whether the broader scopes' statements run, and what it adds, is undetermined`,
        possibly: parent(),
      },
    ];
  }
  const read = sections[section];
  if (read === undefined) return parent();
  const statements: PipelineStatement[] = [];
  let inherited = false;
  for (const item of read.items) {
    if (!("base" in item)) {
      statements.push(item);
    } else if (report.scope === "global") {
      // "Using the base element in it has no effect."
    } else if (inherited) {
      statements.push({
        element: "base",
        scope: report.scope,
        line: item.line,
        column: item.column,
        managed: false,
        role: "undetermined",
        reason: `a second <base /> in <${section}>; the documentation describes one, so whether the broader scopes' statements run again is undetermined`,
        possibly: [],
      });
    } else {
      statements.push(...parent());
      inherited = true;
    }
  }
  if (!inherited && report.scope !== "global") {
    // What would have run; what those scopes skip in turn does not matter here.
    const dropped = composeSection(layers, index + 1, section, []);
    if (dropped.length > 0) skipped.push({ by: report.scope, line: read.line, statements: dropped });
  }
  return statements;
}

function readLayer(
  scope: PolicyScope,
  id: string,
  document: ScopeDocument,
  credentialHeaders: ReadonlySet<string>,
  fragments: Readonly<Record<string, string>>,
  notes: PipelineNote[],
): Layer {
  const report: ScopeReport = {
    scope,
    id: scope === "global" ? null : id,
    status: document.status,
    sectionsWithoutBase: [],
    missingSections: [],
  };
  if (document.status === "none") return { report };
  if (document.status === "unreadable") {
    const { reason, armStatus, requestId } = document;
    Object.assign(report, { reason, armStatus, requestId });
    return { report };
  }
  const parsed = parsePolicyDocumentOnce(document.text, document.format);
  if (!parsed.ok) {
    Object.assign(report, {
      status: "unreadable",
      reason: `it does not parse: line ${parsed.error.line}: ${parsed.error.message}`,
    });
    return { report };
  }
  const read = layerOfDocument(parsed.document, { scope, credentialHeaders: [...credentialHeaders], fragments });
  notes.push(...read.notes);
  // The scope's id is the only part of a layer that is not the document's: the APIs of a plan run
  // or of an access matrix hold the same documents under their own ids.
  return { report: { ...read.report, id: report.id }, ...(read.sections ? { sections: read.sections } : {}) };
}

/**
 * A parsed scope document's layer (its id left null) and the notes reading it gave: remembered
 * per document and arguments (rememberedPerDocument, frozen), since the same global, product and
 * planned API policies are composed for every path of every API of an access matrix or a plan run.
 */
const layerOfDocument = rememberedPerDocument(
  (
    document: PolicyDocument,
    args: { scope: PolicyScope; credentialHeaders: string[]; fragments: Readonly<Record<string, string>> },
  ): Layer & { notes: PipelineNote[] } => {
    const { scope } = args;
    const credentialHeaders = new Set(args.credentialHeaders);
    const notes: PipelineNote[] = [];
    const report: ScopeReport = { scope, id: null, status: "policy", sectionsWithoutBase: [], missingSections: [] };
    const { root, nodes, format } = document;
    if (root.name !== "policies") {
      Object.assign(report, { status: "unreadable", reason: `its root element is <${root.name}>, not <policies>` });
      return { report, notes };
    }
    report.format = format;
    const context: ClassifyContext = {
      scope,
      managedRoots: new Set(),
      credentialHeaders,
      includeFragment: fragmentReader(args.fragments, credentialHeaders)(scope),
    };
    const blocks = findManagedBlocks(root, nodes);
    for (const problem of blocks.problems)
      notes.push({
        kind: "assumption",
        scope,
        line: problem.line,
        message: `${problem.message}; no statement of this policy counts as managed`,
      });
    if (blocks.problems.length === 0)
      context.managedRoots = new Set(
        blocks.blocks.flatMap((block) => block.nodes.filter((node): node is PolicyElement => node.kind === "element")),
      );
    const sections: Partial<Record<PolicySection, LayerSection>> = {};
    for (const section of POLICY_SECTIONS) {
      const element = childElements(root).find((child) => child.name === section);
      if (element !== undefined)
        sections[section] = {
          line: element.start.line,
          items: childElements(element).flatMap((child): LayerSection["items"] =>
            child.name === "base"
              ? [{ base: true as const, line: child.start.line, column: child.start.column }]
              : classifyStatements([child], context),
          ),
        };
      if (element === undefined) {
        report.missingSections.push(section);
        notes.push({
          kind: "assumption",
          scope,
          line: root.start.line,
          message: `the ${SCOPE_NAMES[scope]} policy has no <${section}> section; the documentation does not say what APIM runs for a section a policy leaves out, so it is shown as running the broader scopes' statements`,
        });
      } else if (scope !== "global" && !childElements(element).some((child) => child.name === "base")) {
        report.sectionsWithoutBase.push(section);
      }
    }
    return { report, sections, notes };
  },
  { perDocument: 8 },
);

/** Expands include-fragment from the given fragments; anything else stays undetermined. */
function fragmentReader(
  fragments: Readonly<Record<string, string>>,
  credentialHeaders: ReadonlySet<string>,
): (scope: PolicyScope) => ClassifyContext["includeFragment"] {
  return (scope) => (element, managed) => {
    const id = attributeValue(element, "fragment-id") ?? "";
    const base = { element: element.name, scope, line: element.start.line, column: element.start.column, managed };
    const undetermined = (reason: string): PipelineStatement[] => [
      { ...base, role: "undetermined", reason, possibly: [] },
    ];
    if (!Object.hasOwn(fragments, id))
      return undetermined(`fragment '${id}' was not given, so what it does here is undetermined`);
    const parsed = parsePolicyDocumentOfAnyFormat(fragments[id] as string);
    if (!parsed.ok)
      return undetermined(`fragment '${id}' does not parse (line ${parsed.error.line}: ${parsed.error.message})`);
    const { root, nodes } = parsed.document;
    if (root.name !== "fragment") return undetermined(`fragment '${id}' has the root <${root.name}>, not <fragment>`);
    const blocks = findManagedBlocks(root, nodes);
    const managedRoots = new Set(
      blocks.blocks.flatMap((block) => block.nodes.filter((node): node is PolicyElement => node.kind === "element")),
    );
    // "A policy fragment can't nest another policy fragment."
    const context: ClassifyContext = {
      scope,
      managedRoots,
      fragment: id,
      credentialHeaders,
      includeFragment: (nested) =>
        undetermined(
          `fragment '${id}' includes fragment '${attributeValue(nested, "fragment-id") ?? ""}' on line ${nested.start.line}, which the documentation says a fragment cannot do`,
        ),
    };
    return classifyStatements(childElements(root), context, managed);
  };
}

/** Every undetermined statement in `statements` (also in branches and containers), as a note. */
function undeterminedNotes(statements: readonly PipelineStatement[]): PipelineNote[] {
  return statements.flatMap((statement): PipelineNote[] => {
    if (statement.role === "undetermined") {
      const { scope, line, fragment, reason } = statement;
      return [{ kind: "undetermined", scope, line, ...(fragment === undefined ? {} : { fragment }), message: reason }];
    }
    if (statement.role === "choose")
      return statement.branches.flatMap((branch) => undeterminedNotes(branch.statements));
    return statement.role === "container" ? undeterminedNotes(statement.statements) : [];
  });
}

function distinct(notes: readonly PipelineNote[]): PipelineNote[] {
  const seen = new Set<string>();
  return notes.filter((note) => {
    const key = `${note.scope}|${note.line}|${note.fragment}|${note.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
