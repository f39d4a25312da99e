import { parse } from "yaml";
import { readFixture } from "./fixtures";

/**
 * The recorded sessions in __fixtures__/recordings, read into one shape: the Azure CLI's
 * VCR YAML files and the azure-sdk-for-js JSON recordings alike.
 */
export interface RecordedExchange {
  method: string;
  uri: URL;
  ifMatch?: string;
  /** The parsed JSON request body, if any. */
  body: unknown;
  status: number;
  /** Response headers, lower-cased names, first value. */
  headers: Record<string, string>;
  /** The parsed JSON response body; undefined when it was empty. */
  response: unknown;
}

interface VcrFile {
  interactions: {
    request: { method: string; uri: string; body: string | null; headers: Record<string, string[]> };
    response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } };
  }[];
}

interface SdkRecording {
  Entries: {
    RequestUri: string;
    RequestMethod: string;
    RequestHeaders: Record<string, string>;
    RequestBody: unknown;
    StatusCode: number;
    ResponseHeaders: Record<string, string>;
    ResponseBody: unknown;
  }[];
}

export function readRecording(file: string): RecordedExchange[] {
  const text = readFixture(`recordings/${file}`);
  return file.endsWith(".yaml") ? fromVcr(parse(text) as VcrFile) : fromSdkRecording(JSON.parse(text) as SdkRecording);
}

function fromVcr(file: VcrFile): RecordedExchange[] {
  return file.interactions.map(({ request, response }) => ({
    method: request.method,
    uri: new URL(request.uri),
    ifMatch: request.headers["If-Match"]?.[0],
    body: request.body === null ? undefined : (JSON.parse(request.body) as unknown),
    status: response.status.code,
    headers: Object.fromEntries(
      Object.entries(response.headers).map(([name, values]) => [name.toLowerCase(), values[0] ?? ""]),
    ),
    response: response.body.string === "" ? undefined : (JSON.parse(response.body.string) as unknown),
  }));
}

function fromSdkRecording(file: SdkRecording): RecordedExchange[] {
  return file.Entries.map((entry) => ({
    method: entry.RequestMethod,
    uri: new URL(entry.RequestUri),
    ifMatch: entry.RequestHeaders["If-Match"],
    body: entry.RequestBody ?? undefined,
    status: entry.StatusCode,
    headers: Object.fromEntries(
      Object.entries(entry.ResponseHeaders).map(([name, value]) => [name.toLowerCase(), value]),
    ),
    response: entry.ResponseBody ?? undefined,
  }));
}

/** Replaces the recorded subscription/resource group/service prefix of ARM ids and paths with `base`. */
export function rehome(value: unknown, base: string): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null).replace(
      /\/subscriptions\/[^/"?]+\/resource[Gg]roups\/[^/"?]+\/providers\/Microsoft\.ApiManagement\/service\/[^/"?]+/g,
      base,
    ),
  ) as unknown;
}
