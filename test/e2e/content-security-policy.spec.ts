import { expect, test, transcribeClip } from "./fixtures";

test("pages carry a strict CSP with a fresh nonce, and it is enforced", async ({ page, problems }) => {
  const first = await page.goto("/");
  const policy = first?.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic' 'wasm-unsafe-eval'/);
  expect(policy).not.toContain("unsafe-inline' 'strict");
  expect(policy).toContain("frame-ancestors 'self' https://web.telegram.org");
  const again = await page.request.get("/");
  expect(again.headers()["content-security-policy"]).not.toBe(policy);

  // Injected markup with an inline handler (what an XSS would be) does not run, and the browser
  // reports it. (A script the page's own trusted code creates is allowed by 'strict-dynamic'.)
  const ran = await page.evaluate(async () => {
    const holder = document.createElement("div");
    holder.innerHTML = '<img alt="" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" onload="window.__injected = true">';
    document.body.append(holder);
    await new Promise((resolve) => setTimeout(resolve, 300));
    holder.remove();
    return Reflect.get(window, "__injected") === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => problems.cspViolations.length).toBeGreaterThan(0);
  problems.cspViolations.length = 0;
  problems.allow(/Content Security Policy/);

  // The app itself (hydration, the worker, ONNX Runtime's WASM threads) still runs under it.
  await transcribeClip(page, "speech.ogg");
  await expect(page.getByTestId("transcript")).not.toBeEmpty();
});
