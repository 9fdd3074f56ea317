/** Device emulation for specs whose plan must not depend on the test machine. */
import type { Page } from "@playwright/test";

/** Emulates `deviceMemory` GB and 8 cores (the test machine may have 2, which alone would plan tiny). */
export async function emulateMemory(page: Page, deviceMemory: number): Promise<void> {
  await page.addInitScript((memory) => {
    Object.defineProperty(Navigator.prototype, "deviceMemory", { configurable: true, get: () => memory });
    Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { configurable: true, get: () => 8 });
  }, deviceMemory);
}
