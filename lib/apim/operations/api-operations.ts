import type { OperationContract } from "@azure/arm-apimanagement";
import type { ArmResult } from "../call/arm-call";
import type { ApimContext } from "./apim-context";
import { flattened, listAll, type ListOptions } from "./collect-pages";

/** An operation of an API: what a call matches (method + URL template) and whose policy runs last. */
export interface ApimOperation {
  /** ARM name, e.g. `ChatCompletions_Create`. */
  name: string;
  displayName: string;
  /** `POST`, `GET`, … */
  method: string;
  /** Relative to the API's path, e.g. `/deployments/{deployment-id}/chat/completions?api-version={api-version}`. */
  urlTemplate: string;
}

/** All operations of an API, following `nextLink` across pages. */
export function listApiOperations(
  ctx: ApimContext,
  apiName: string,
  options: ListOptions<ApimOperation> = {},
): Promise<ArmResult<ApimOperation[]>> {
  const url = `${ctx.serviceUrl}/apis/${encodeURIComponent(apiName)}/operations?api-version=${ctx.apiVersion}`;
  return listAll(
    ctx,
    `the operations of API '${apiName}'`,
    url,
    (entity) => toOperation(flattened<OperationContract>(entity)),
    options,
  );
}

function toOperation(operation: OperationContract): ApimOperation {
  return {
    name: operation.name ?? "",
    displayName: operation.displayName ?? operation.name ?? "",
    method: operation.method ?? "",
    urlTemplate: operation.urlTemplate ?? "",
  };
}
