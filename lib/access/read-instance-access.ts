import {
  limitConcurrency,
  readInstanceScopes,
  type ApimClient,
  type Backend,
  type InstanceScopes,
  type NamedValue,
  type ScopeRead,
  type ScopeReadOptions,
} from "../apim";
import { ScopeReader } from "../apim/scopes/scope-read";

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
 */
export async function readInstanceAccess(
  apim: ApimClient,
  options: ScopeReadOptions = {},
): Promise<InstanceAccessRead> {
  const { concurrency: _concurrency, ...call } = options;
  const facts = new ScopeReader(limitConcurrency(2), call);
  const [scopes, namedValues, backends] = await Promise.all([
    readInstanceScopes(apim, options),
    facts.read((read) => apim.listNamedValues(read)),
    facts.read((read) => apim.listBackends(read)),
  ]);
  return { scopes, namedValues, backends, requests: scopes.requests + facts.requests };
}
