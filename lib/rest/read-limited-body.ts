import { AppError } from "../errors";

/** The largest JSON body a REST operation reads; Portcullis's own bodies are a few KiB. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  new AppError("payload_too_large", `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes (1 MiB).`, {
    fields: [{ path: "(body)", message: "must be at most 1 MiB" }],
  });

/**
 * The request body as text, read chunk by chunk and abandoned as soon as it passes the limit,
 * so a large body is never held whole. A Content-Length over the limit is refused before any
 * read; a smaller (or missing) one is not trusted, the count of bytes actually read decides.
 */
export async function readLimitedBody(request: Request, limit = MAX_JSON_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
