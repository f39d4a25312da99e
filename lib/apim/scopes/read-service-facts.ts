import type { ApimClient } from "../apim-client";
import type { ArmCallOptions } from "../call/arm-call";
import type { Backend } from "../operations/backends";
import type { NamedValue } from "../operations/named-value-model";
import { ScopeReader, type ScopeRead } from "./scope-read";

/** What the access analysis needs of the service besides the policies: named values (metadata only) and backends. */
export interface ServiceFactsRead {
  /** With the values of plain named values (ARM never returns a secret's value on a list). */
  namedValues: ScopeRead<NamedValue[]>;
  backends: ScopeRead<Backend[]>;
  /** HTTP requests sent, retries included. */
  requests: number;
}

/**
 * Reads the named values (does `{{name}}` exist, did its Key Vault refresh fail) and the backends
 * (how a `backend-id` authenticates), both at once; one that ARM refuses is `unreadable` and the
 * other is still read.
 */
export async function readServiceFacts(apim: ApimClient, call: ArmCallOptions = {}): Promise<ServiceFactsRead> {
  const reader = new ScopeReader((task) => task(), call);
  const [namedValues, backends] = await Promise.all([
    reader.read((options) => apim.listNamedValues(options)),
    reader.read((options) => apim.listBackends(options)),
  ]);
  return { namedValues, backends, requests: reader.requests };
}
