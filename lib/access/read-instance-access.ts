import {
  limitConcurrency,
  readInstanceScopes,
  type ApiScopes,
  type ApimClient,
  type Backend,
  type InstanceScopes,
  type NamedValue,
  type ScopeRead,
  type ScopeReadOptions,
} from "../apim";
import { ScopeReader } from "../apim/scopes/scope-read";
import { matrixContext, type MatrixContext } from "./access-matrix-rows";

/** Every scope of an instance plus what the analysis needs beside the documents: named values and backends. */
export interface InstanceAccessRead {
  scopes: InstanceScopes;
  /** Metadata only: a secret's value is never read. */
  namedValues: ScopeRead<NamedValue[]>;
  backends: ScopeRead<Backend[]>;
  /** HTTP requests sent, retries included: the instance read's minimum + pages(named values) + pages(backends). */
  requests: number;
}

/**
 * Reads every scope of an instance (`readInstanceScopes`: one pipeline, each read as soon as
 * what it depends on has arrived) and, beside it from the first round, the named values and the
 * backends: two lists that depend on nothing, so they add no round and take two slots of their own.
 * `onApi` gets each API as soon as it and everything below it has been read, with the context its
 * analysis needs (the shared scopes, named values and backends) as a promise.
 */
export async function readInstanceAccess(
  apim: ApimClient,
  options: ScopeReadOptions & { onApi?: (api: ApiScopes, context: Promise<MatrixContext>) => void } = {},
): Promise<InstanceAccessRead> {
  const { concurrency: _concurrency, onApi, ...call } = options;
  const facts = new ScopeReader(limitConcurrency(2), call);
  const namedValuesRead = facts.read((read) => apim.listNamedValues(read));
  const backendsRead = facts.read((read) => apim.listBackends(read));
  let context: Promise<MatrixContext> | undefined;
  const scopes = await readInstanceScopes(apim, {
    ...options,
    onApi:
      onApi &&
      ((api, shared) => {
        context ??= Promise.all([shared, namedValuesRead, backendsRead]).then((parts) => matrixContext(...parts));
        onApi(api, context);
      }),
  });
  const [namedValues, backends] = await Promise.all([namedValuesRead, backendsRead]);
  return { scopes, namedValues, backends, requests: scopes.requests + facts.requests };
}
