/**
 * The work of one verification, without storing it: read what APIM holds for the API (its scopes,
 * the gateway URL, and through ServiceReads the plain named values, backends, and the key of a
 * subscription that opens the API when it requires one), compose the pipeline of the probed call, get the tokens Portcullis can
 * honestly get, let the what-if evaluator state each probe's expectation, and send the probes one
 * at a time within the probe budget. A 429 or an unreachable gateway ends the run: the remaining
 * probes are reported as not sent, never retried.
 */
import { apimClientForInstance, type InstanceCoordinates } from "../apim/client-for-instance";
import { readApiScopes } from "../apim";
import { callInput, describeError } from "../access/api-access-paths";
import { composeEffectivePipeline, tokenAudiences, type AccessProfile } from "../policy";
import { getConfig } from "../env";
import { checkGatewayUrl } from "./gateway-url";
import { judgeAnswer } from "./judge-answer";
import { planProbes, type CandidateToken, type PlannedProbe } from "./plan-probes";
import { takeProbeSlot } from "./probe-budget";
import { PROBE_KINDS, type ProbeKind } from "./probe-kinds";
import { subscriptionForProbes, type ProbeSubscription } from "./probe-subscription";
import { serviceReads, type ServiceReads } from "./service-reads";
import { chooseOperation, probeCall } from "./probe-target";
import { entraAuthorityHost, otherAudience, probeClients, probeIdentityName, tokenFor } from "./probe-tokens";
import type { ProbeView, VerificationTarget, VerificationView } from "./schemas";
import { sendProbe } from "./send-probe";

export interface VerificationRun {
  status: VerificationView["status"];
  summary: string;
  gatewayUrl: string | null;
  target: VerificationTarget | null;
  notes: string[];
  probes: Omit<ProbeView, "seq">[];
}

export interface RunInput {
  /** `gatewayUrl`: the instance's configured gateway URL, used instead of ARM's when set. */
  instance: InstanceCoordinates & { gatewayUrl: string | null };
  apimName: string;
  profile: AccessProfile | null;
  correlationId: string;
  operationId?: string;
  deployment?: string;
  /** The service-wide reads, shared by a batch's verifications; by default this run's own. */
  reads?: ServiceReads;
}

const failedRun = (summary: string, gatewayUrl: string | null = null, notes: string[] = []): VerificationRun => ({
  status: "error",
  summary,
  gatewayUrl,
  target: null,
  notes,
  probes: [],
});

export async function runVerification(input: RunInput): Promise<VerificationRun> {
  const apim = apimClientForInstance(input.instance);
  const call = { correlationId: input.correlationId };
  const reads = input.reads ?? serviceReads(apim, call);
  // The subscriptions are listed in the first round too, before it is known whether the API
  // requires a key (most do): one round less for those, one call more for the others.
  const [scopes, plain, backends] = await Promise.all([
    readApiScopes(apim, input.apimName, call),
    reads.plainNamedValues(),
    reads.backends(),
    reads.subscriptions(),
  ]);
  const notes: string[] = [];
  if (!plain.ok)
    notes.push(`the service's named values could not be read (${plain.problem}): {{references}} stay unresolved`);
  if (scopes.service.state === "unreadable")
    return failedRun(
      `The service could not be read, so neither its gateway URL: ${describeError(scopes.service.error)}.`,
    );
  let gatewayUrl = scopes.service.value.gatewayUrl;
  if (input.instance.gatewayUrl !== null) {
    // Checked again before use: a setting allowed when it was saved may no longer be.
    const configured = checkGatewayUrl(input.instance.gatewayUrl, {
      reported: scopes.service.value.gatewayOrigins,
      allowed: getConfig().verification.gatewaysAllowed,
    });
    if (!configured.ok)
      return failedRun(
        `The instance's gateway URL ${input.instance.gatewayUrl} is not allowed, so no probe was sent: it ${configured.problem}.`,
      );
    gatewayUrl = configured.url;
    notes.push(
      `Probes went to the instance's configured gateway URL instead of the one ARM reports (${scopes.service.value.gatewayUrl ?? "none"}).`,
    );
  }
  if (gatewayUrl === null)
    return failedRun("APIM reports no gateway URL for this service; there is nowhere to send probes.");
  if (scopes.api.state === "unreadable")
    return failedRun(`The API could not be read: ${describeError(scopes.api.error)}.`, gatewayUrl);
  const api = scopes.api.value;
  if (api === null) return failedRun(`API '${input.apimName}' no longer exists in APIM.`, gatewayUrl);
  if (scopes.operations.state === "unreadable")
    return failedRun(`The API's operations could not be read: ${describeError(scopes.operations.error)}.`, gatewayUrl);
  const operation = chooseOperation(
    scopes.operations.value.map((entry) => entry.operation),
    input.operationId,
  );
  if (typeof operation === "string") return failedRun(`Nothing to probe: ${operation}.`, gatewayUrl);
  const probe = probeCall(api, operation, input.deployment);
  let subscription: Extract<ProbeSubscription, { ok: true }> | null = null;
  if (api.subscriptionRequired !== false) {
    const products = scopes.products.state === "read" ? scopes.products.value.map((entry) => entry.product) : [];
    const found = await subscriptionForProbes(reads, api, products);
    if (!found.ok)
      return {
        status: "unproven",
        summary: `Not proven: ${found.reason}.`,
        gatewayUrl,
        target: { method: probe.method, path: probe.path, operationId: operation.name, productId: null },
        notes,
        probes: PROBE_KINDS.map((kind) => notProbedView(kind, null, found.reason)),
      };
    subscription = found;
    notes.push(
      `Every probe carries the key of subscription '${found.subscription.displayName}' (${found.subscription.name}, scope ${found.subscription.scope}), as the API requires one; the key is not kept.`,
    );
  }
  const target: VerificationTarget = {
    method: probe.method,
    path: probe.path,
    operationId: operation.name,
    // A product's key runs the product's policy too: the probes prove the path through it.
    productId: subscription?.productName ?? null,
  };

  const composed = callInput(
    input.apimName,
    scopes,
    { profile: input.profile, ...(backends === undefined ? {} : { backends }) },
    { productName: target.productId, operationName: operation.name },
  );
  if (!composed.ok) return failedRun(`Nothing to probe: ${composed.message}.`, gatewayUrl);
  const pipeline = composeEffectivePipeline(composed.input);
  const facts = {
    ...composed.facts,
    // The gateway takes Entra tokens from the cloud Portcullis signs in with (the sandbox's stand-in in sandbox mode).
    entraAuthorityHost: entraAuthorityHost(),
    namedValues: plain.ok
      ? plain.value.map(({ displayName, value }) => ({ name: displayName, secret: false, value }))
      : [],
  };
  for (const note of pipeline.notes)
    if (note.kind === "undetermined") notes.push(`${note.scope} policy: ${note.message}`);

  const audiences = tokenAudiences(pipeline, facts);
  const audience = audiences.audiences[0];
  const wrong = otherAudience();
  const tokenProblems: string[] = [];
  if (audience === undefined && audiences.validated)
    tokenProblems.push(
      audiences.unknown.length > 0
        ? `the audience the caller check accepts is unknown (${audiences.unknown.join("; ")})`
        : "the caller check names no audience to request a token for",
    );
  const clients = probeClients();
  const wanted = clients.flatMap((client) => [
    ...(audience === undefined ? [] : [{ client, audience, which: "expected" as const }]),
    ...(!wrong.ok || audiences.audiences.includes(wrong.audience)
      ? []
      : [{ client, audience: wrong.audience, which: "other" as const }]),
  ]);
  const candidates: CandidateToken[] = [];
  for (const [index, result] of (await Promise.all(wanted.map((w) => tokenFor(w.client, w.audience)))).entries()) {
    const { client, which } = wanted[index]!;
    if (result.ok)
      candidates.push({ caller: client.caller, identity: client.identity, audience: which, token: result.token });
    else if (which === "expected" && !tokenProblems.includes(result.problem)) tokenProblems.push(result.problem);
  }
  const planned = planProbes({
    pipeline,
    facts,
    at: new Date(),
    candidates,
    tokenProblems,
    probeIdentity: probeIdentityName(),
    noOtherAudience: wrong.ok ? null : wrong.problem,
  });

  const probes: Omit<ProbeView, "seq">[] = [];
  const url = new URL(probe.path, gatewayUrl.endsWith("/") ? gatewayUrl : `${gatewayUrl}/`);
  // The API's path is below the gateway URL's own path (a self-hosted gateway may have one).
  url.pathname = `${new URL(gatewayUrl).pathname.replace(/\/+$/, "")}${probe.path.split("?")[0]}`;
  let stopped: string | null = null;
  for (const planItem of planned) {
    if (planItem.state === "not_probed") {
      probes.push(notProbedView(planItem.kind, planItem.caller, planItem.reason));
      continue;
    }
    if (stopped !== null) {
      probes.push({ ...sentView(planItem), outcome: "error", detail: `not sent: ${stopped}` });
      continue;
    }
    if (!(await takeProbeSlot(url.origin))) {
      stopped =
        "the probe budget for this gateway (probes per minute, shared by every Portcullis instance) is used up by other verifications";
      probes.push({ ...sentView(planItem), outcome: "error", detail: `not sent: ${stopped}` });
      continue;
    }
    const response = await sendProbe({
      url: url.toString(),
      method: probe.method,
      body: probe.body,
      token: planItem.token,
      headers: subscription === null ? {} : { [subscription.header]: subscription.key },
    });
    if (!response.ok) {
      stopped = response.problem;
      probes.push({ ...sentView(planItem), outcome: "error", latencyMs: response.latencyMs, detail: response.problem });
      continue;
    }
    const judged = judgeAnswer(planItem.expected, response.answer);
    if (judged.outcome === "error") stopped = judged.detail;
    probes.push({
      ...sentView(planItem),
      outcome: judged.outcome,
      actualStatus: response.answer.status,
      latencyMs: response.latencyMs,
      gatewayRequestId: response.requestId,
      detail: judged.detail,
    });
  }
  return { ...conclude(probes), gatewayUrl, target, notes, probes };
}

function notProbedView(kind: ProbeKind, caller: string | null, reason: string): Omit<ProbeView, "seq"> {
  return {
    kind,
    caller,
    outcome: "not_probed",
    expected: null,
    actualStatus: null,
    latencyMs: null,
    gatewayRequestId: null,
    detail: reason,
  };
}

function sentView(planItem: Extract<PlannedProbe, { state: "send" }>): Omit<ProbeView, "seq"> {
  return {
    kind: planItem.kind,
    caller: planItem.caller,
    outcome: "passed",
    expected: planItem.expected,
    actualStatus: null,
    latencyMs: null,
    gatewayRequestId: null,
    detail: null,
  };
}

const LABEL: Record<ProbeKind, string> = {
  noToken: "a call without a token",
  notAllowedClient: "a client that is not allowed",
  wrongAudience: "a token for another audience",
  expired: "an expired token",
  missingClaim: "a token missing a required claim",
  allowedClient: "an allowed client",
};

function conclude(probes: Omit<ProbeView, "seq">[]): Pick<VerificationRun, "status" | "summary"> {
  const failed = probes.filter((probe) => probe.outcome === "failed");
  const errors = probes.filter((probe) => probe.outcome === "error");
  if (failed.length > 0)
    return {
      status: "failed",
      summary: `Failed: ${failed.map((probe) => `${LABEL[probe.kind]} — ${probe.detail}`).join("; ")}.`,
    };
  if (errors.length > 0) return { status: "error", summary: `Not finished: ${errors[0]!.detail}.` };
  const allowed = probes.find((probe) => probe.kind === "allowedClient");
  const passed = probes.filter((probe) => probe.outcome === "passed");
  if (allowed?.outcome !== "passed")
    return {
      status: "unproven",
      summary: `Not proven: ${allowed?.detail ?? "allowed callers not proven"}. ${passed.length} probe${passed.length === 1 ? "" : "s"} answered as configured.`,
    };
  const denied = passed.filter((probe) => probe.expected?.decision === "denied");
  return {
    status: "proven",
    summary: `Proven: ${allowed.caller ?? "an allowed client"} reached the model (${allowed.actualStatus})${denied.length > 0 ? `, and ${denied.map((probe) => `${LABEL[probe.kind]} got ${probe.actualStatus}`).join(", ")}` : ""}.`,
  };
}
