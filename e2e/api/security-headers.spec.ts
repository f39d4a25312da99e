import { expect, test } from "@playwright/test";

test("every response forbids framing and MIME sniffing and keeps console URLs to itself", async ({ request }) => {
  for (const path of ["/signin", "/api/health", "/api/v1/me"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    expect(headers["content-security-policy"], path).toBe("frame-ancestors 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
    expect(headers["x-powered-by"], path).toBeUndefined();
  }
});
