import { z } from "zod";

/**
 * The body of `POST /_sandbox/faults`: an optional seed and an ordered list of rules. Every
 * rule fires with probability `rate` on the ARM requests it matches, at most `limit` times.
 */
const matchSchema = z
  .object({
    /** HTTP methods the rule applies to; all when omitted. */
    methods: z
      .array(z.enum(["GET", "HEAD", "PUT", "PATCH", "DELETE", "POST"]))
      .min(1)
      .optional(),
    /** A regular expression tested against the request path (no query string). */
    path: z
      .string()
      .refine((source) => isRegExp(source), "not a valid regular expression")
      .optional(),
    /**
     * A regular expression tested against the query string as sent (no `?`), e.g. `skip=200`
     * for one later page of a list, whose path is the first page's.
     */
    query: z
      .string()
      .refine((source) => isRegExp(source), "not a valid regular expression")
      .optional(),
  })
  .strict();

const common = {
  rate: z.number().min(0).max(1).default(1),
  limit: z.number().int().min(1).optional(),
  match: matchSchema.optional(),
};

const seconds = z.number().int().min(0).max(3600);

export const faultRuleSchema = z.discriminatedUnion("kind", [
  /** Delay the response by `ms`, plus or minus up to `jitterMs`. */
  z
    .object({
      kind: z.literal("latency"),
      ms: z.number().int().min(0).max(60_000),
      jitterMs: z.number().int().min(0).max(60_000).default(0),
      ...common,
    })
    .strict(),
  /** Answer 429 with `Retry-After` before the request is handled. */
  z.object({ kind: z.literal("throttle"), retryAfterSeconds: seconds.default(1), ...common }).strict(),
  /** Answer a 5xx before the request is handled. */
  z
    .object({
      kind: z.literal("serverError"),
      status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(500),
      retryAfterSeconds: seconds.optional(),
      ...common,
    })
    .strict(),
  /**
   * Answer 403 AuthorizationFailed before the request is handled, as ARM does when the
   * caller's role assignment lacks the action (e.g. a role without policy read).
   */
  z.object({ kind: z.literal("forbidden"), ...common }).strict(),
  /**
   * Destroy the socket without answering: `beforeHandling` loses the request,
   * `afterHandling` carries it out and loses the response.
   */
  z
    .object({
      kind: z.literal("drop"),
      phase: z.enum(["beforeHandling", "afterHandling"]).default("beforeHandling"),
      ...common,
    })
    .strict(),
  /**
   * Another writer changes the target entity (new content and ETag) just before a
   * PUT/PATCH/DELETE is handled, so an If-Match the client read earlier is stale.
   */
  z.object({ kind: z.literal("concurrentWrite"), ...common }).strict(),
]);

export const faultConfigSchema = z
  .object({
    /** Makes every rule's decisions reproducible for the same request sequence. */
    seed: z.number().int().optional(),
    rules: z.array(faultRuleSchema).max(100),
  })
  .strict();

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultKind = FaultRule["kind"];
export type FaultConfig = z.infer<typeof faultConfigSchema>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
