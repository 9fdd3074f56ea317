/**
 * Shared Playwright fixtures: every page records console errors, uncaught exceptions, CSP violations and requests
 * that leave the machine, and a test fails if any appear (unless it says which it expects).
 */
import { test as base, expect, type Page } from "@playwright/test";
import { join } from "node:path";

// `__dirname`, not `import.meta.url`: Playwright compiles specs to CommonJS, and Node 20.19+ re-reads a
// CommonJS file that mentions `import.meta` as an ES module, which then fails ("exports is not defined").
export const AUDIO_DIR = join(__dirname, "..", "fixtures", "audio");

/** Path of a committed test clip. */
export function clip(name: string): string {
  return join(AUDIO_DIR, name);
}

interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly externalRequests: string[];
  /** Content-Security-Policy violations reported by the page (`securitypolicyviolation`). */
  readonly cspViolations: string[];
  /** Console errors matching these are expected by the test and not reported. */
  allow(pattern: RegExp): void;
}

export const test = base.extend<{ problems: PageProblems }>({
  problems: async ({ page }, use) => {
    const allowed: RegExp[] = [];
    const problems: PageProblems = {
      consoleErrors: [],
      pageErrors: [],
      externalRequests: [],
      cspViolations: [],
      allow: (pattern) => allowed.push(pattern),
    };
    page.on("console", (message) => {
      if (message.type() === "error") problems.consoleErrors.push(message.text());
    });
    await page.exposeFunction("__reportCspViolation", (text: string) => problems.cspViolations.push(text));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        const report: unknown = Reflect.get(globalThis, "__reportCspViolation");
        if (typeof report === "function") report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
      });
    });
    page.on("pageerror", (error) => problems.pageErrors.push(String(error)));
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) {
        problems.externalRequests.push(request.url());
      }
    });
    await use(problems);
    const unexpected = problems.consoleErrors.filter((text) => !allowed.some((pattern) => pattern.test(text)));
    expect(unexpected, "console errors").toEqual([]);
    expect(problems.pageErrors, "uncaught page errors").toEqual([]);
    expect(problems.externalRequests, "requests that left the machine").toEqual([]);
    expect(problems.cspViolations, "Content-Security-Policy violations").toEqual([]);
  },
});

export { expect };

/** Picks a file in the app's file input and waits until the status says the run ended. */
export async function transcribeClip(page: Page, name: string): Promise<void> {
  await page.getByTestId("file-input").setInputFiles(clip(name));
  await expect(page.getByTestId("status")).toHaveText(/^(Done|No speech)/, { timeout: 120_000 });
}
