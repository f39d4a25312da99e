import {
  limitConcurrency,
  type ApimClient,
  type ApiPolicy,
  type ArmCallOptions,
  type ArmResult,
  type Backend,
} from "../../apim";

/**
 * The reads of a drift check: cheap ETag reads (HEAD) first, full reads only for what changed.
 * Every call goes through one concurrency limit, and an ETag is read once per check: entities
 * many APIs share (named values, backends) however many APIs use them, and a policy's however
 * early the scan asks for it. `calls` counts the
 * ARM calls made, for the scan's report and the benchmark.
 */
export interface DriftReader {
  policyEtag(apimName: string): Promise<string | null>;
  policy(apimName: string): Promise<ApiPolicy | null>;
  backendEtag(backendId: string): Promise<string | null>;
  backend(backendId: string): Promise<(Backend & { etag: string }) | null>;
  namedValueEtag(name: string): Promise<string | null>;
  readonly calls: number;
}

export function driftReader(apim: ApimClient, options: { concurrency: number; correlationId: string }): DriftReader {
  const limit = limitConcurrency(options.concurrency);
  const call = { correlationId: options.correlationId };
  const memo = new Map<string, Promise<unknown>>();
  let calls = 0;
  const read = <T>(operation: (options: ArmCallOptions) => Promise<ArmResult<T>>) =>
    limit(async () => {
      calls += 1;
      return (await operation(call)).value;
    });
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!memo.has(key)) memo.set(key, load());
    return memo.get(key) as Promise<T>;
  };
  return {
    policyEtag: (apimName) => once(`policy-etag:${apimName}`, () => read((o) => apim.getApiPolicyEtag(apimName, o))),
    policy: (apimName) => read((o) => apim.getApiPolicy(apimName, o)),
    backendEtag: (backendId) => once(`backend-etag:${backendId}`, () => read((o) => apim.getBackendEtag(backendId, o))),
    backend: (backendId) => once(`backend:${backendId}`, () => read((o) => apim.getBackend(backendId, o))),
    namedValueEtag: (name) => once(`named-value-etag:${name}`, () => read((o) => apim.getNamedValueEtag(name, o))),
    get calls() {
      return calls;
    },
  };
}
