import type { ApiManagementClient } from "@azure/arm-apimanagement";
import type { ApimInstance } from "../apim-instance";

/** What every operation of one instance's client shares; built once per instance. */
export interface ApimContext {
  instance: ApimInstance;
  sdk: ApiManagementClient;
  /** `{armEndpoint}/subscriptions/…/service/{serviceName}` for raw requests. */
  serviceUrl: string;
  callTimeoutMs: number;
  pollIntervalMs: number;
  /** api-version of raw named-value writes: the SDK's own, so reads and writes agree. */
  apiVersion: string;
  /** api-version of every backend request: one that carries `credentials.managedIdentity`. */
  backendApiVersion: string;
}
