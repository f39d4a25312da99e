import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { createApimClient, type ApimClient, type ApimClientOptions } from "./apim-client";
import { getEntraConfig } from "../auth/bearer-context";
import { getConfig } from "../env";

/**
 * One ARM client per APIM instance, shared by every request of this process (the client
 * holds the token cache and keep-alive connections). The credential is DefaultAzureCredential:
 * a managed identity or the AZURE_* app registration in Azure, and in sandbox mode the same
 * AZURE_* variables pointing at the sandbox identity provider — whose host MSAL must be told
 * to trust instead of asking login.microsoftonline.com (instance discovery).
 */
const holder = globalThis as typeof globalThis & {
  __portcullisApim?: { credential: TokenCredential; clients: Map<string, ApimClient>; options: ApimClientOptions };
};

function state() {
  holder.__portcullisApim ??= {
    credential: new DefaultAzureCredential({ disableInstanceDiscovery: !getEntraConfig().isMicrosoftHost }),
    clients: new Map(),
    options: { pollIntervalMs: getConfig().apimPollIntervalMs },
  };
  return holder.__portcullisApim;
}

export interface InstanceCoordinates {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  armEndpoint: string;
}

export function apimClientForInstance(instance: InstanceCoordinates): ApimClient {
  const { credential, clients, options } = state();
  const key = `${instance.id}|${instance.armEndpoint}`;
  let client = clients.get(key);
  if (!client) {
    client = createApimClient(
      {
        subscriptionId: instance.subscriptionId,
        resourceGroup: instance.resourceGroup,
        serviceName: instance.serviceName,
        armEndpoint: instance.armEndpoint,
      },
      credential,
      options,
    );
    clients.set(key, client);
  }
  return client;
}

/** Replaces the client options (tests and benchmarks: short retry waits, fast polls). */
export function configureApimClients(options: ApimClientOptions): void {
  state().options = options;
  state().clients.clear();
}
