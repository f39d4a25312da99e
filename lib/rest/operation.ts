import type { z } from "zod";
import type { Permission } from "../auth/permissions";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One REST operation: the single description that the route handler enforces (permission,
 * input parsing, response shaping) and that /api/v1/openapi.json publishes, so the two can
 * never disagree.
 */
export interface Operation<
  Params extends z.ZodObject = z.ZodObject,
  Query extends z.ZodObject = z.ZodObject,
  Body extends z.ZodType = z.ZodType,
  Response extends z.ZodType = z.ZodType,
> {
  id: string;
  method: HttpMethod;
  /** OpenAPI path under /api/v1, e.g. `/apis/{id}/access-profile`. */
  path: string;
  permission: Permission;
  summary: string;
  description?: string;
  tags: string[];
  params?: Params;
  query?: Query;
  body?: Body;
  /** `required`: the request must carry If-Match (428 without it). */
  ifMatch?: "required" | "optional";
  response: Response;
  /** A download instead of JSON: the handler returns a Response whose body is this type. */
  download?: "application/x-ndjson" | "text/csv";
  successStatus?: 200 | 201 | 202;
  /** The response carries an ETag header. */
  etag?: boolean;
}

export function defineOperation<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType, R extends z.ZodType>(
  operation: Operation<P, Q, B, R>,
): Operation<P, Q, B, R> {
  return operation;
}

export type Input<O> =
  O extends Operation<infer P, infer Q, infer B, z.ZodType>
    ? { params: z.output<P>; query: z.output<Q>; body: z.output<B>; ifMatch: string | null }
    : never;

export type Output<O> = O extends Operation<z.ZodObject, z.ZodObject, z.ZodType, infer R> ? z.input<R> : never;
