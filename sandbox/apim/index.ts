/**
 * The local APIM simulator: an HTTPS server that speaks the ARM REST API of Azure API
 * Management (named values, backends, APIs, products, operations, the policies of every scope,
 * the service with its identities) for sandbox mode and tests.
 * See README.md in this folder.
 */
export { DEFAULT_LRO, DEFAULT_SERVICE, startApimSimulator } from "./start-apim-simulator";
export type { ApimSimulator, ApimSimulatorOptions } from "./start-apim-simulator";
export type { Authenticate } from "./arm/authenticate-request";
export { ArmError } from "./arm/arm-error";
export type { LroSettings } from "./lro/long-running-operations";
export type { FaultConfig, FaultRule } from "./faults/fault-rules";
export { supportedApiVersions } from "./arm/api-versions";
