import { z } from "zod";

/** `displayName` of APIs, products and operations: 1–300 characters (SDK v10 mappers). Required on PUT by the handlers. */
export const displayNameSchema = z
  .string()
  .min(1, "displayName may not be empty.")
  .max(300, "displayName must be at most 300 characters long.")
  .optional();
