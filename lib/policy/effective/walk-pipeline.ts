/**
 * The statements of a pipeline in the order they run, each with the conditions it depends on and
 * the branches it stands in, so rules can ask "can A run before B on one call?" (not when they
 * are alternative branches of one choose).
 */
import type { Condition, EffectivePipeline, PipelineStatement, PolicySection } from "./effective-pipeline";

export interface Visit {
  statement: PipelineStatement;
  section: PolicySection;
  /** Position in the run order of the walked sections. */
  order: number;
  /** The `when` conditions that must hold (or, for otherwise, all fail) for it to run, outermost first. */
  conditions: Condition[];
  /** For each enclosing choose (outermost first), which of its branches this statement is in. */
  branches: Array<{ choose: PipelineStatement; branch: number }>;
  /** Inside an undetermined statement: it may run, or may not. */
  uncertain: boolean;
}

/** The request path: inbound, then backend. */
export const REQUEST_SECTIONS: readonly PolicySection[] = ["inbound", "backend"];

// The rules of one analysis walk the same pipeline several times; a pipeline does not change.
const walked = new WeakMap<EffectivePipeline, Map<string, readonly Visit[]>>();

export function walkPipeline(pipeline: EffectivePipeline, sections: readonly PolicySection[]): readonly Visit[] {
  const cache = walked.get(pipeline) ?? new Map<string, readonly Visit[]>();
  walked.set(pipeline, cache);
  const key = sections.join(",");
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const visits: Visit[] = [];
  for (const section of sections) walk(pipeline.sections[section].statements, section, [], [], false, visits);
  cache.set(key, visits);
  return visits;
}

export function walkStatements(statements: readonly PipelineStatement[], section: PolicySection): Visit[] {
  const visits: Visit[] = [];
  walk(statements, section, [], [], false, visits);
  return visits;
}

function walk(
  statements: readonly PipelineStatement[],
  section: PolicySection,
  conditions: Condition[],
  branches: Visit["branches"],
  uncertain: boolean,
  visits: Visit[],
): void {
  for (const statement of statements) {
    visits.push({ statement, section, order: visits.length, conditions, branches, uncertain });
    if (statement.role === "choose") {
      statement.branches.forEach((branch, index) => {
        const guards = branch.condition === null ? conditions : [...conditions, branch.condition];
        walk(
          branch.statements,
          section,
          guards,
          [...branches, { choose: statement, branch: index }],
          uncertain,
          visits,
        );
      });
    } else if (statement.role === "container") {
      walk(statement.statements, section, conditions, branches, uncertain, visits);
    } else if (statement.role === "undetermined") {
      walk(statement.possibly, section, conditions, branches, true, visits);
    }
  }
}

/** Whether `earlier` can run before `later` on one call: it comes first and is not in another branch of a shared choose. */
export function canRunBefore(earlier: Visit, later: Visit): boolean {
  if (earlier.order >= later.order) return false;
  const shared = Math.min(earlier.branches.length, later.branches.length);
  for (let depth = 0; depth < shared; depth++) {
    const a = earlier.branches[depth];
    const b = later.branches[depth];
    if (a?.choose !== b?.choose) return true;
    if (a?.branch !== b?.branch) return false;
  }
  return true;
}

/** Whether a visited statement runs on every call that reaches its section (no condition, nothing undetermined around it). */
export function unconditional(visit: Visit): boolean {
  return visit.branches.length === 0 && !visit.uncertain;
}

/** "when the condition on line 12 holds" for a statement inside branches; "" when it always runs. */
export function conditionPhrase(visit: Visit): string {
  if (visit.uncertain) return " (where it may run: what stands there is undetermined)";
  if (visit.branches.length === 0) return "";
  const lines = visit.branches.map(({ choose, branch }) => {
    const chosen = choose.role === "choose" ? choose.branches[branch] : undefined;
    return chosen?.condition === null || chosen?.condition === undefined
      ? `no condition of the choose on line ${choose.line} holds`
      : `the condition on line ${chosen.condition.line} holds`;
  });
  return ` when ${lines.join(" and ")}`;
}
