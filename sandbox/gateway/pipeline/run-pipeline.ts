import type { PolicyElement } from "../../../lib/policy";
import { setBackendService, authenticationManagedIdentity, forwardRequest } from "../statements/backend-statements";
import { cors } from "../statements/cors-statement";
import { checkHeader, setHeader, setQueryParameter } from "../statements/header-statements";
import { quota, rateLimit, rateLimitByKey } from "../statements/rate-limit-statements";
import { choose, returnResponse } from "../statements/response-statements";
import type { Located, Section, Statement, StatementResult } from "../statements/statement";
import { validateAzureAdToken, validateJwt } from "../statements/validate-tokens";
import { setVariable } from "../statements/variable-statements";
import { effectiveSection, type ScopeChain } from "./effective-sections";
import { errorResponse, type Exchange, type GatewayRuntime, type LastError } from "./exchange";
import { PolicyError, UnsupportedInSandbox } from "./gateway-errors";

/** The statements the sandbox runs, and the sections each may appear in (as APIM allows them). */
const STATEMENTS: Record<string, { run: Statement; sections: Section[] }> = {
  "validate-jwt": { run: validateJwt, sections: ["inbound"] },
  "validate-azure-ad-token": { run: validateAzureAdToken, sections: ["inbound"] },
  "check-header": { run: checkHeader, sections: ["inbound"] },
  "set-header": { run: setHeader, sections: ["inbound", "backend", "outbound", "on-error"] },
  "set-query-parameter": { run: setQueryParameter, sections: ["inbound", "backend"] },
  "set-variable": { run: setVariable, sections: ["inbound", "backend", "outbound", "on-error"] },
  cors: { run: cors, sections: ["inbound"] },
  "set-backend-service": { run: setBackendService, sections: ["inbound", "backend"] },
  "authentication-managed-identity": { run: authenticationManagedIdentity, sections: ["inbound"] },
  "return-response": { run: returnResponse, sections: ["inbound", "backend", "outbound", "on-error"] },
  "rate-limit": { run: rateLimit, sections: ["inbound"] },
  "rate-limit-by-key": { run: rateLimitByKey, sections: ["inbound"] },
  quota: { run: quota, sections: ["inbound"] },
  "forward-request": { run: forwardRequest, sections: ["backend"] },
  choose: { run: choose, sections: ["inbound", "backend", "outbound", "on-error"] },
};

/**
 * Runs a call through its effective policy: inbound, backend, outbound; an error in any of
 * them, or of a built-in step before them (`builtInError`: no operation matched, no valid
 * subscription key), jumps to on-error with the error's answer prepared and the error in
 * `context.LastError` ("During the processing of a request, built-in steps are executed along
 * with any policies … If an error occurs, processing immediately jumps to the on-error policy
 * section"). What it leaves in `exchange.response` is the answer.
 */
export async function runPipeline(
  chain: ScopeChain,
  exchange: Exchange,
  runtime: GatewayRuntime,
  builtInError?: PolicyError,
): Promise<void> {
  try {
    if (builtInError) throw builtInError;
    for (const section of ["inbound", "backend", "outbound"] as const) {
      if ((await runStatements(effectiveSection(chain, section), exchange, runtime)) === "return") return;
    }
  } catch (error) {
    exchange.response = answerFor(error);
    // What the sandbox cannot run is never handed to on-error, which could answer in its place.
    if (error instanceof UnsupportedInSandbox) return;
    exchange.lastError = lastErrorOf(error);
    try {
      await runStatements(effectiveSection(chain, "on-error"), exchange, runtime);
    } catch (onErrorFailure) {
      // An error inside on-error ends the call with that error's answer.
      exchange.response = answerFor(onErrorFailure);
    }
  }
}

async function runStatements(
  statements: Located[],
  exchange: Exchange,
  runtime: GatewayRuntime,
): Promise<StatementResult> {
  for (const located of statements) {
    const known = STATEMENTS[located.element.name];
    if (!known) throw new UnsupportedInSandbox(`the policy statement <${located.element.name}>`);
    if (!known.sections.includes(located.section))
      throw new UnsupportedInSandbox(`<${located.element.name}> in the ${located.section} section`);
    const runChildren = (children: PolicyElement[]) =>
      runStatements(
        children.map((element) => ({ element, scope: located.scope, section: located.section })),
        exchange,
        runtime,
      );
    try {
      if ((await known.run({ located, exchange, runtime, runChildren })) === "return") return "return";
    } catch (error) {
      if (error instanceof PolicyError) error.where ??= { scope: located.scope, section: located.section };
      if (error instanceof UnsupportedInSandbox && !error.message.includes(" scope, line "))
        throw new UnsupportedInSandbox(
          `${error.message} (${located.scope} scope, line ${located.element.start.line} of its policy)`,
        );
      throw error;
    }
  }
  return "continue";
}

function lastErrorOf(error: unknown): LastError {
  if (error instanceof PolicyError)
    return {
      source: error.source,
      reason: error.reason,
      message: error.answer.message,
      scope: error.where?.scope ?? "",
      section: error.where?.section ?? "inbound",
    };
  return {
    source: "",
    reason: "",
    message: error instanceof Error ? error.message : String(error),
    scope: "",
    section: "",
  };
}

function answerFor(error: unknown) {
  if (error instanceof PolicyError)
    return errorResponse(error.answer.status, error.answer.message, error.answer.headers);
  if (error instanceof UnsupportedInSandbox)
    return errorResponse(500, `The sandbox gateway does not implement ${error.message}.`);
  console.error("Sandbox gateway: a policy failed", error);
  return errorResponse(500, "Internal server error");
}
