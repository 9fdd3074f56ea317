/**
 * Test builds only: the fault Playwright asks the worker to inject, read from the page's global
 * object. Production builds (NEXT_PUBLIC_TEST_HOOKS unset) compile the reading down to nothing.
 */
import { TEST_HOOKS_ENABLED, type TestFault } from "./worker-protocol";

declare global {
  /** Test builds only: a {@link TestFault} to inject into the worker (set by Playwright init scripts). */
  var __WHISPER_TEST_FAULT__: unknown;
}

/** Parses a raw `__WHISPER_TEST_FAULT__` value; anything malformed is no fault. */
export function parseTestFault(raw: unknown): TestFault | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const stage = Reflect.get(raw, "stage");
  const model = Reflect.get(raw, "model");
  const message = Reflect.get(raw, "message");
  if ((stage !== "load" && stage !== "transcribe") || (model !== "whisper-tiny" && model !== "whisper-base") || typeof message !== "string") return undefined;
  return { stage, model, message };
}

/** The fault to send with the next load, in test builds; always undefined in production. */
export function readTestFault(): TestFault | undefined {
  if (!TEST_HOOKS_ENABLED) return undefined;
  return parseTestFault(globalThis.__WHISPER_TEST_FAULT__);
}
