import type { ArmCallOptions, ArmCallState, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { requireEtag } from "../errors/arm-failure";
import { ifMatchFor, ifMatchOf, type Expected } from "../expected-state";
import { completeLongRunning } from "../lro/complete-long-running";
import { expectSuccess, jsonBody, type RawArmRequest } from "../raw-request";
import type { ApimContext } from "./apim-context";
import { flattened, listAll, type RawEntity } from "./collect-pages";
import { deleteEntity, getEntity, getEntityEtag } from "./entity-requests";
import {
  namedValueBody,
  toNamedValue,
  type NamedValue,
  type NamedValueInput,
  type NamedValueShape,
} from "./named-value-model";

const describe = (name: string) => `named value '${name}'`;

export function listNamedValues(ctx: ApimContext, options: ArmCallOptions = {}): Promise<ArmResult<NamedValue[]>> {
  return listAll(ctx, listed(ctx), namedValuesUrl(ctx), (entity) => toNamedValue(flattened(entity)), options);
}

/**
 * The plain (not secret) named values with their values, by display name: what `{{name}}` in a
 * policy resolves to. Secret values are never asked for (ARM does not return them on a list).
 */
export async function listPlainNamedValues(
  ctx: ApimContext,
  options: ArmCallOptions = {},
): Promise<ArmResult<Array<{ displayName: string; value: string }>>> {
  const { value: all, trace } = await listAll(
    ctx,
    listed(ctx),
    namedValuesUrl(ctx),
    (entity) => flattened<NamedValueShape>(entity),
    options,
  );
  const plain = all.flatMap(({ displayName, secret, value }) =>
    !secret && typeof value === "string" ? [{ displayName: displayName ?? "", value }] : [],
  );
  return { value: plain, trace };
}

const listed = (ctx: ApimContext) => `the named values of service '${ctx.instance.serviceName}'`;

export function getNamedValue(
  ctx: ApimContext,
  name: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<(NamedValue & { etag: string }) | null>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), async (call) => {
    const found = await getEntity(ctx, call, namedValueUrl(ctx, name));
    return found && { ...toNamedValue(flattened(found.json as RawEntity)), etag: found.etag };
  });
}

export function getNamedValueEtag(
  ctx: ApimContext,
  name: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<string | null>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), (call) =>
    getEntityEtag(ctx, call, namedValueUrl(ctx, name)),
  );
}

/**
 * Creates or replaces a named value and waits for APIM's long-running operation to finish.
 * The value travels only in the request body, which nothing of ours logs or keeps.
 */
export function putNamedValue(
  ctx: ApimContext,
  name: string,
  input: NamedValueInput,
  expected: Expected,
  options: ArmCallOptions = {},
): Promise<ArmResult<NamedValue & { etag: string }>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), (call) =>
    writeLongRunning(ctx, call, {
      method: "PUT",
      url: namedValueUrl(ctx, name),
      ifMatch: ifMatchFor(expected),
      body: namedValueBody(input),
    }),
  );
}

export function deleteNamedValue(
  ctx: ApimContext,
  name: string,
  expected: { etag: string },
  options: ArmCallOptions = {},
): Promise<ArmResult<void>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), (call) =>
    deleteEntity(ctx, call, namedValueUrl(ctx, name), ifMatchOf(expected.etag)),
  );
}

/** Makes APIM fetch a Key Vault named value again now; `keyVault.lastStatus` says how it went. */
export function refreshNamedValueSecret(
  ctx: ApimContext,
  name: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<NamedValue & { etag: string }>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(name), (call) =>
    writeLongRunning(ctx, call, { method: "POST", url: namedValueUrl(ctx, name, "/refreshSecret") }),
  );
}

async function writeLongRunning(
  ctx: ApimContext,
  call: ArmCallState,
  request: RawArmRequest,
): Promise<NamedValue & { etag: string }> {
  const accepted = expectSuccess(await ctx.transport.send(call, request));
  const final = expectSuccess(await completeLongRunning(ctx.transport, accepted, call, ctx.pollIntervalMs));
  return {
    ...toNamedValue(flattened(jsonBody(final) as RawEntity)),
    etag: requireEtag(final.headers.get("etag"), final.status),
  };
}

function namedValuesUrl(ctx: ApimContext): string {
  return `${ctx.serviceUrl}/namedValues?api-version=${ctx.apiVersion}`;
}

function namedValueUrl(ctx: ApimContext, name: string, action = ""): string {
  return `${ctx.serviceUrl}/namedValues/${encodeURIComponent(name)}${action}?api-version=${ctx.apiVersion}`;
}
