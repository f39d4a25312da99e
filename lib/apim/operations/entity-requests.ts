import type { ArmCallState } from "../call/arm-call";
import { requireEtag } from "../errors/arm-failure";
import { expectSuccess, jsonBody } from "../raw-request";
import type { ApimContext } from "./apim-context";

/** What every read of one entity needs: its JSON as ARM sent it and its ETag, or null for 404. */
export async function getEntity(
  ctx: ApimContext,
  call: ArmCallState,
  url: string,
): Promise<{ json: unknown; etag: string } | null> {
  const response = await ctx.transport.send(call, { method: "GET", url });
  if (response.status === 404) return null;
  const json = jsonBody(expectSuccess(response));
  return { json, etag: requireEtag(response.headers.get("etag"), response.status) };
}

/** Only the entity's ETag (HEAD), or null for 404: a drift check that skips the document. */
export async function getEntityEtag(ctx: ApimContext, call: ArmCallState, url: string): Promise<string | null> {
  const response = await ctx.transport.send(call, { method: "HEAD", url });
  if (response.status === 404) return null;
  return requireEtag(expectSuccess(response).headers.get("etag"), response.status);
}

/** Deletes the entity the caller read (`ifMatch`, see ifMatchOf); a 404 is an error (not_found). */
export async function deleteEntity(ctx: ApimContext, call: ArmCallState, url: string, ifMatch: string): Promise<void> {
  expectSuccess(await ctx.transport.send(call, { method: "DELETE", url, ifMatch }));
}
