import type { ApimInstance } from "../apim-instance";
import type { ArmTransport } from "../arm-transport";

/** What every operation of one instance's client shares; built once per instance. */
export interface ApimContext {
  instance: ApimInstance;
  transport: ArmTransport;
  /** `{armEndpoint}/subscriptions/…/service/{serviceName}` for raw requests. */
  serviceUrl: string;
  callTimeoutMs: number;
  pollIntervalMs: number;
  /** api-version of every request but the backends'. */
  apiVersion: string;
  /** api-version of every backend request: one that carries `credentials.managedIdentity`. */
  backendApiVersion: string;
}
