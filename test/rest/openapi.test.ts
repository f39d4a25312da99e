import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/rest/openapi-document";
import { operations } from "../../lib/rest/operations";

describe("OpenAPI document", () => {
  const document = openApiDocument("https://portcullis.example.com") as unknown as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { operationId: string; responses: Record<string, unknown>; "x-portcullis-permission": string }>
    >;
    components: { schemas: Record<string, unknown> };
  };

  it("is OpenAPI 3.1 and lists every declared operation under its path and method, with its permission", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const operation of Object.values(operations)) {
      const described = document.paths[operation.path]?.[operation.method.toLowerCase()];
      expect(described?.operationId, operation.id).toBe(operation.id);
      expect(described?.["x-portcullis-permission"]).toBe(operation.permission);
      expect(Object.keys(described!.responses)).toEqual(expect.arrayContaining(["400", "401", "403"]));
    }
  });

  it("publishes the access profile schema generated from the same zod schema", () => {
    const put = document.paths["/apis/{id}/access-profile"]!.put as unknown as {
      requestBody: { content: { "application/json": { schema: unknown } } };
    };
    const schema = JSON.stringify(put.requestBody.content["application/json"].schema);
    expect(schema).toContain("clientApplicationIds");
    expect(schema).toContain("managedIdentity");
  });
});
