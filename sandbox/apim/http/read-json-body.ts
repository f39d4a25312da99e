import type { IncomingMessage } from "node:http";
import { requestContentInvalid } from "../arm/front-door-errors";

/** ARM refuses request bodies above 4 MiB; policies top out at 256 KiB anyway. */
const maxBodyBytes = 4 * 1024 * 1024;

/** Reads and parses a JSON body; undefined when the request has none (e.g. POST …/listValue). */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw requestContentInvalid("the request body is larger than 4 MiB");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw requestContentInvalid((error as Error).message);
  }
}
