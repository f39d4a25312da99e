import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { allowedArmTarget } from "./allowed-arm-endpoint";
import { createApimClient, DEFAULT_CALL_TIMEOUT_MS, type ApimClient, type ApimClientOptions } from "./apim-client";
import { withCoalescedReads } from "./coalesced-reads";
import { getEntraConfig } from "../auth/bearer-context";
import { getConfig } from "../env";

/**
 * One ARM client per APIM instance, shared by every request of this process (the client
 * holds the token cache and keep-alive connections). The credential is DefaultAzureCredential:
 * a managed identity or the AZURE_* app registration in Azure, and in sandbox mode the same
 * AZURE_* variables pointing at the sandbox identity provider — whose host MSAL must be told
 * to trust instead of asking login.microsoftonline.com (instance discovery).
 * The token's scope is the one of the endpoint's cloud, and only allowed endpoints get one.
 * The instance's instance-wide reads (service, global policy, named values, backends) made while
 * an identical one is in flight share its answer (coalesced-reads.ts): every use case of the
 * process reads through this one client, so its own writes are seen by the reads that follow.
 */
const holder = globalThis as typeof globalThis & {
  __portcullisApim?: { credential?: TokenCredential; clients: Map<string, ApimClient>; options: ApimClientOptions };
};

function state() {
  holder.__portcullisApim ??= { clients: new Map(), options: { pollIntervalMs: getConfig().apimPollIntervalMs } };
  return holder.__portcullisApim;
}

function credential(): TokenCredential {
  const s = state();
  s.credential ??= new DefaultAzureCredential({ disableInstanceDiscovery: !getEntraConfig().isMicrosoftHost });
  return s.credential;
}

export interface InstanceCoordinates {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  armEndpoint: string;
}

/** Throws AppError("conflict") when the instance's endpoint is not (or no longer) allowed. */
export function apimClientForInstance(instance: InstanceCoordinates): ApimClient {
  const { scope } = allowedArmTarget(instance.armEndpoint, "stored");
  const { clients, options } = state();
  const key = `${instance.id}|${instance.armEndpoint}`;
  let client = clients.get(key);
  if (!client) {
    client = withCoalescedReads(
      createApimClient(
        {
          subscriptionId: instance.subscriptionId,
          resourceGroup: instance.resourceGroup,
          serviceName: instance.serviceName,
          armEndpoint: instance.armEndpoint,
        },
        credential(),
        { ...options, scope },
      ),
      { callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS },
    );
    clients.set(key, client);
  }
  return client;
}

/** The app's Azure credential, shared with the other Azure clients (the audit's Key Vault signer). */
export function azureCredential(): TokenCredential {
  return credential();
}

/** Replaces the client options (tests and benchmarks: short retry waits, fast polls) and, for unit tests, the credential. */
export function configureApimClients(options: ApimClientOptions, testCredential?: TokenCredential): void {
  const s = state();
  s.options = options;
  if (testCredential) s.credential = testCredential;
  s.clients.clear();
}
