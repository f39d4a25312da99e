import { SignJWT, generateKeyPair, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { ArmError } from "./arm-error";
import { authenticateRequest, type Authenticate } from "./authenticate-request";

const audience = "https://management.azure.com/";

async function failureOf(
  header: string | undefined,
  authenticate: Authenticate,
): Promise<{ status: number; code: string } | "ok"> {
  try {
    await authenticateRequest(header, authenticate);
    return "ok";
  } catch (error) {
    if (!(error instanceof ArmError)) throw error;
    return { status: error.status, code: error.code };
  }
}

describe("bearer authentication", () => {
  const accept: Authenticate = async () => {};

  it("refuses a request without Authorization or with a non-bearer one", async () => {
    expect(await failureOf(undefined, accept)).toEqual({ status: 401, code: "AuthenticationFailed" });
    expect(await failureOf("Basic dXNlcjpwYXNz", accept)).toEqual({
      status: 401,
      code: "AuthenticationFailedInvalidHeader",
    });
    expect(await failureOf("Bearer", accept)).toEqual({ status: 401, code: "AuthenticationFailedInvalidHeader" });
  });

  it("passes the whole header to the validator", async () => {
    const seen: string[] = [];
    expect(await failureOf("Bearer abc.def.ghi", async (header) => void seen.push(header))).toBe("ok");
    expect(seen).toEqual(["Bearer abc.def.ghi"]);
  });

  it("maps jose's expiry and audience failures to ARM's codes and the rest to InvalidAuthenticationToken", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const sign = (aud: string, exp: number) =>
      new SignJWT({}).setProtectedHeader({ alg: "RS256" }).setAudience(aud).setExpirationTime(exp).sign(privateKey);
    const viaJose: Authenticate = async (header) => {
      await jwtVerify(header.slice("Bearer ".length), publicKey, { audience });
    };
    const now = Math.floor(Date.now() / 1000);

    expect(await failureOf(`Bearer ${await sign(audience, now + 600)}`, viaJose)).toBe("ok");
    expect(await failureOf(`Bearer ${await sign(audience, now - 600)}`, viaJose)).toEqual({
      status: 401,
      code: "ExpiredAuthenticationToken",
    });
    expect(await failureOf(`Bearer ${await sign("https://graph.microsoft.com", now + 600)}`, viaJose)).toEqual({
      status: 401,
      code: "InvalidAuthenticationTokenAudience",
    });
    expect(await failureOf("Bearer not-a-jwt", viaJose)).toEqual({ status: 401, code: "InvalidAuthenticationToken" });
  });

  it("answers an ArmError thrown by the validator as is", async () => {
    const custom = new ArmError(401, "InvalidAuthenticationTokenTenant", "wrong tenant");
    expect(await failureOf("Bearer x", async () => Promise.reject(custom))).toEqual({
      status: 401,
      code: "InvalidAuthenticationTokenTenant",
    });
  });
});
