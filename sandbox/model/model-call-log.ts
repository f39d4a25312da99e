/**
 * What the sandbox model saw on each call, for tests and verification: which kind of
 * credential, and whose (the named values holding the presented key, or the identity of the
 * token) — never a key or a token.
 */
export type SeenCredential =
  | { kind: "none" }
  | { kind: "apiKey"; namedValues: string[] }
  | { kind: "bearer"; objectId: string | null; appId: string | null; audience: string | null };

export interface ModelCall {
  seq: number;
  at: string;
  account: string | null;
  method: string;
  path: string;
  /** The `api-version` query parameter the call carried (null without one). */
  apiVersion: string | null;
  credential: SeenCredential;
  status: number;
  /** Why the call was refused (the error code the model answered), when it was. */
  refusal: string | null;
}

export class ModelCallLog {
  private calls: ModelCall[] = [];
  private seq = 0;

  constructor(private readonly limit: number) {}

  add(call: Omit<ModelCall, "seq" | "at">): void {
    this.calls.push({ seq: ++this.seq, at: new Date().toISOString(), ...call });
    if (this.calls.length > this.limit) this.calls.splice(0, this.calls.length - this.limit);
  }

  list(since: number): { calls: ModelCall[]; lastSeq: number } {
    return { calls: this.calls.filter((call) => call.seq > since), lastSeq: this.seq };
  }

  clear(): void {
    this.calls = [];
  }
}
