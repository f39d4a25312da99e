import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { writtenProfileSchema } from "../policy/profile-schema";
import {
  currentProfileSchema,
  profileVersionPageSchema,
  profileVersionSchema,
  profileVersionsQuerySchema,
  saveProfileQuerySchema,
} from "./schemas";

const apiParams = z.object({ id: z.guid("must be an API id") });

/** REST operations of access profiles (see lib/rest/operations.ts). */
export const profilesOperations = {
  getAccessProfile: defineOperation({
    id: "getAccessProfile",
    method: "GET",
    path: "/apis/{id}/access-profile",
    permission: "config.read",
    summary: "The API's current access profile",
    tags: ["access profiles"],
    params: apiParams,
    response: currentProfileSchema,
    etag: true,
  }),
  putAccessProfile: defineOperation({
    id: "putAccessProfile",
    method: "PUT",
    path: "/apis/{id}/access-profile",
    permission: "config.write",
    summary: "Save a new version of the API's access profile",
    description:
      "Creates a new version; every version is kept. When the API already has a profile, send its ETag in If-Match (428 without it, 412 when someone saved in between). Nothing changes in APIM until a plan is made and applied. With adopt=true the version takes over the hand-written statements of a policy Portcullis does not manage yet. Free-text values may be ${name} variables: they are resolved with the variables of the instance's environment (409 variables-missing naming each one it does not set), and the resolved profile is checked as any other.",
    tags: ["access profiles"],
    params: apiParams,
    query: saveProfileQuerySchema,
    ifMatch: "optional",
    body: writtenProfileSchema,
    response: profileVersionSchema,
    etag: true,
  }),
  listAccessProfileVersions: defineOperation({
    id: "listAccessProfileVersions",
    method: "GET",
    path: "/apis/{id}/access-profile/versions",
    permission: "config.read",
    summary: "Every saved version of the API's access profile, newest first",
    tags: ["access profiles"],
    params: apiParams,
    query: profileVersionsQuerySchema,
    response: profileVersionPageSchema,
  }),
};
