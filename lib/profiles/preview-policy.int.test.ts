import { describe, expect, it } from "vitest";
import { contextFor } from "../../test/support/request-context";
import { profiles } from "../../test/support/deployment-fixtures";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { renderPolicy, validateAccessProfile } from "../policy";
import { putEnvironmentVariables } from "../environments/put-environment-variables";
import { previewPolicy } from "./preview-policy";

const db = setupTestDatabase();
const admin = contextFor("admin");

const profile = profiles.headerKey("11111111-2222-3333-4444-555555555555");

describe("previewPolicy (the editor's live preview)", () => {
  it("renders a complete profile exactly as saving and planning would", async () => {
    const validation = validateAccessProfile(profile);
    if (!validation.ok) throw new Error("the test profile must be valid");

    const preview = await previewPolicy(admin, { profile });

    expect(preview).toEqual({ status: "rendered", xml: renderPolicy(validation.profile) });
    expect(preview.status === "rendered" && preview.xml).toContain(
      "<application-id>11111111-2222-3333-4444-555555555555</application-id>",
    );
  });

  it("says how many fields are not valid yet instead of rendering", async () => {
    const incomplete = {
      ...profile,
      callerAuth: { mode: "entra", tenantId: "", clientApplicationIds: ["not-a-guid"] },
    };

    expect(await previewPolicy(admin, { profile: incomplete })).toEqual({ status: "incomplete", problems: 2 });
  });

  it("counts a value saving would refuse (a control character) as a field needing attention", async () => {
    const withControl = { ...profile, callerAuth: { ...profile.callerAuth, tenantId: "contoso\u0007.example" } };

    expect(await previewPolicy(admin, { profile: withControl })).toEqual({ status: "incomplete", problems: 1 });
  });

  it("with an API, resolves the variables of the profile as written with its instance's environment, naming a missing one", async () => {
    const instance = await db.current.prisma.instance.create({
      data: {
        name: "preview",
        subscriptionId: "s",
        resourceGroup: "rg",
        serviceName: "preview",
        environment: "preview",
        armEndpoint: "https://arm",
      },
    });
    const { id: apiId } = await db.current.prisma.api.create({
      data: { instanceId: instance.id, apimName: "openai", displayName: "OpenAI", path: "openai" },
    });
    const written = {
      ...profile,
      callerAuth: { ...profile.callerAuth, clientApplicationIds: ["${chatApp}"] },
    };
    await putEnvironmentVariables(admin, {
      environment: "preview",
      variables: { chatApp: "99999999-2222-3333-4444-555555555555" },
    });

    const preview = await previewPolicy(admin, { apiId, profile: written });

    expect(preview.status === "rendered" && preview.xml).toContain(
      "<application-id>99999999-2222-3333-4444-555555555555</application-id>",
    );
    expect(await previewPolicy(admin, { profile: written })).toEqual({ status: "incomplete", problems: 1 });
    const missing = { ...written, callerAuth: { ...written.callerAuth, tenantId: "${tenant}" } };
    await expect(previewPolicy(admin, { apiId, profile: missing })).rejects.toMatchObject({
      code: "variables-missing",
      message: expect.stringContaining("${tenant}"),
    });
  });

  it("is refused to a reader, and the refusal is audited", async () => {
    const reader = contextFor("reader");

    await expect(previewPolicy(reader, { profile })).rejects.toMatchObject({ code: "forbidden" });
    const denied = await db.current.prisma.auditEvent.findFirst({
      where: { action: "auth.denied", actorOid: reader.actor.oid },
    });
    expect(denied?.after).toMatchObject({ attempted: "profile.preview" });
  });
});
