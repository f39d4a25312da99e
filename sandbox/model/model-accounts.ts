import { SimulatedKeyVault } from "../apim/resources/named-values/simulated-key-vault";
import { FOUNDRY_KEY_SECRET, SEEDED_AOAI_KEY } from "../apim/seed/initial-seed";

/**
 * The Azure AI accounts the sandbox model backend plays. Each is a Cognitive Services account
 * (its ARM id is the scope role assignments name) reached at `{name}.{suffix}`; which one a
 * request is for is read from its host name, as Azure routes by host.
 */
export interface ModelAccount {
  name: string;
  /** `/subscriptions/…/providers/Microsoft.CognitiveServices/accounts/{name}`. */
  resourceId: string;
  /** The key the account accepts until a control sets another (Azure's key1). */
  initialKey: string;
}

/** Host suffixes of Azure OpenAI, Azure AI services and Foundry endpoints. */
export const MODEL_HOST_SUFFIXES = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

/** The account a host name belongs to (its first label), when it is an Azure AI host. */
export function accountNameOfHost(host: string): string | undefined {
  const name = host.toLowerCase().replace(/:\d+$/, "");
  const suffix = MODEL_HOST_SUFFIXES.find((candidate) => name.endsWith(candidate));
  if (suffix === undefined) return undefined;
  const label = name.slice(0, -suffix.length);
  return label !== "" && !label.includes(".") ? label : undefined;
}

/**
 * The seeded accounts. Their keys are the values the seeded named values hold (the Azure
 * OpenAI key is the secret named value's, the Foundry key is what the simulated Key Vault
 * returns for the seeded reference), so the seeded APIs work out of the box; a named value
 * changed afterwards no longer matches, as in Azure.
 */
export function sandboxModelAccounts(subscriptionId: string, resourceGroup: string): ModelAccount[] {
  const resourceId = (name: string) =>
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${name}`;
  const foundryKey = new SimulatedKeyVault().fetch(FOUNDRY_KEY_SECRET);
  if (!("value" in foundryKey)) throw new Error("the simulated Key Vault has no default value");
  return [
    {
      name: "portcullis-sandbox-aoai",
      resourceId: resourceId("portcullis-sandbox-aoai"),
      initialKey: SEEDED_AOAI_KEY,
    },
    {
      name: "portcullis-sandbox-foundry",
      resourceId: resourceId("portcullis-sandbox-foundry"),
      initialKey: foundryKey.value,
    },
  ];
}
