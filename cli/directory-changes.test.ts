import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatApiProfileFile } from "../lib/profile-files/format-profile-file";
import { writtenProfileSchema } from "../lib/policy/profile-schema";
import { directoryChanges } from "./directory-changes";
import type { RestCall } from "./portcullis-client";

const API_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const INSTANCE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const profileWithTenant = (tenantId: string) =>
  writtenProfileSchema.parse({
    callerAuth: { mode: "entra", tenantId, clientApplicationIds: [API_ID] },
    backendAuth: { mode: "none" },
  });
const saved = profileWithTenant("contoso.onmicrosoft.com");

const TEMPLATE_ID = "9b2f1a54-6a5e-4c3b-8d7e-0c1b2a3f4e5d";
const templateV2 = profileWithTenant("fabrikam.onmicrosoft.com");

/**
 * The REST answers directoryChanges reads: one instance, one API with profile `saved` (version 3),
 * following template chat-apps (whose version 1 it is) when `follows`; chat-apps has versions 1
 * (`saved`) and 2.
 */
function server(current: { applied: boolean; follows?: boolean }): RestCall {
  const page = (items: unknown[]) => ({ status: 200, body: { items, nextCursor: null } });
  const { applied, follows = false } = current;
  return async (method, resource) => {
    if (method === "GET" && resource.startsWith("/instances?"))
      return page([{ id: INSTANCE_ID, name: "dev", environment: null }]);
    if (method === "GET" && resource.startsWith(`/apis?instanceId=${INSTANCE_ID}`))
      return page([
        {
          id: API_ID,
          apimName: "chat",
          gone: false,
          profileVersion: 3,
          template: follows ? { id: TEMPLATE_ID, name: "chat-apps" } : null,
        },
      ]);
    if (method === "GET" && resource === `/apis/${API_ID}/access-profile`)
      return {
        status: 200,
        body: {
          version: 3,
          profile: saved,
          written: null,
          adoptsHandWritten: false,
          template: follows ? { id: TEMPLATE_ID, name: "chat-apps", version: 1 } : null,
          applied,
        },
      };
    if (method === "GET" && resource === "/templates")
      return { status: 200, body: [{ id: TEMPLATE_ID, name: "chat-apps", latestVersion: 2 }] };
    if (method === "GET" && resource === `/templates/${TEMPLATE_ID}`)
      return {
        status: 200,
        body: {
          versions: [
            { version: 2, profile: templateV2 },
            { version: 1, profile: saved },
          ],
        },
      };
    throw new Error(`unexpected ${method} ${resource}`);
  };
}

describe("what a directory changes", () => {
  let directory = "";
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "directory-changes-"));
    await mkdir(path.join(directory, "apis"));
  });
  afterEach(async () => rm(directory, { recursive: true, force: true }));

  const writeFileOf = (profile: typeof saved) =>
    writeFile(
      path.join(directory, "apis", "chat.yaml"),
      formatApiProfileFile({ api: "chat", instance: "dev", adopt: false, profile }),
    );

  it("sends nothing when the file is the saved version and APIM has it", async () => {
    await writeFileOf(saved);
    const changes = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(changes).toMatchObject({ ok: true, desired: [], files: [{ changes: [], unappliedVersion: null }] });
  });

  it("sends a file that is the saved version when APIM does not have it yet (an earlier plan saved it)", async () => {
    await writeFileOf(saved);
    const changes = await directoryChanges(server({ applied: false }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID, profile: saved, adopt: false }],
      files: [{ changes: [], unappliedVersion: 3 }],
    });
  });

  const writeTemplateFile = (version: number | "latest", name = "chat-apps") =>
    writeFile(
      path.join(directory, "apis", "chat.yaml"),
      formatApiProfileFile({ api: "chat", instance: "dev", adopt: false, template: { name, version } }),
    );

  it("sends nothing when the file names the template version the API follows and has", async () => {
    await writeTemplateFile(1);
    const changes = await directoryChanges(server({ applied: true, follows: true }), { dir: directory });
    expect(changes).toMatchObject({ ok: true, desired: [], files: [{ changes: [], followingChanges: false }] });
  });

  it("sends the template at the version latest is now, naming the version and each field that change", async () => {
    await writeTemplateFile("latest");
    const changes = await directoryChanges(server({ applied: true, follows: true }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID, template: { name: "chat-apps", version: 2 }, adopt: false }],
      files: [
        {
          changes: [
            "template chat-apps: v1 → v2",
            "callerAuth.tenantId: contoso.onmicrosoft.com → fabrikam.onmicrosoft.com",
          ],
          followingChanges: false,
        },
      ],
    });
  });

  it("follows a template whose version is the profile already: a change of what it follows only", async () => {
    await writeTemplateFile(1);
    const changes = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID, template: { name: "chat-apps", version: 1 } }],
      files: [{ changes: ["template: (none) → chat-apps v1"], followingChanges: true }],
    });
  });

  it("stops following when the file has a profile and no template", async () => {
    await writeFileOf(saved);
    const changes = await directoryChanges(server({ applied: true, follows: true }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID, profile: saved, template: null }],
      files: [{ changes: ["template: chat-apps → (none)"], followingChanges: true }],
    });
  });

  it("reports a template or version Portcullis does not have at its line, and sends nothing", async () => {
    await writeTemplateFile(3);
    const unknownVersion = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(unknownVersion).toEqual({
      ok: false,
      problems: [
        {
          file: "apis/chat.yaml",
          line: 10,
          path: "template.version",
          message: "template chat-apps has versions 1 to 2: 3 is none of them (or write latest)",
        },
      ],
    });
    await writeTemplateFile("latest", "chat-app");
    const unknownName = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(unknownName).toEqual({
      ok: false,
      problems: [
        {
          file: "apis/chat.yaml",
          line: 9,
          path: "template.name",
          message: "no profile template named 'chat-app' in Portcullis (there are: chat-apps)",
        },
      ],
    });
  });

  it("sends a file that differs from the saved version, naming each field", async () => {
    await writeFileOf(profileWithTenant("fabrikam.onmicrosoft.com"));
    const changes = await directoryChanges(server({ applied: true }), { dir: directory });
    expect(changes).toMatchObject({
      ok: true,
      desired: [{ apiId: API_ID }],
      files: [{ changes: ["callerAuth.tenantId: contoso.onmicrosoft.com → fabrikam.onmicrosoft.com"] }],
    });
  });
});
