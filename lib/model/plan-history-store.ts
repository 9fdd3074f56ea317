/**
 * The plan history kept in storage: one device's {@link DeviceHistory} loaded at start-up and saved
 * after every change (the pure rules are in plan-history.ts).
 */
import { createLogger } from "../logger";
import type { KeyValueStorage } from "../storage";
import type { Attempt } from "./catalog";
import { clearLoading, emptyHistory, HISTORY_KEY_PREFIX, markLoading, parseHistory, recordOutcome, recoverInterruptedLoad, serializeHistory, type AttemptOutcome, type DeviceHistory } from "./plan-history";

const log = createLogger("plan-history");

/** Forgets everything learned for the device with this fingerprint. */
export function resetHistory(storage: KeyValueStorage, fingerprint: string): void {
  try {
    storage.removeItem(HISTORY_KEY_PREFIX + fingerprint);
  } catch (error) {
    log.warn("could not clear the plan history", error);
  }
}

/**
 * The history of this device, loaded from and saved to `storage` after every change. Storage errors
 * (quota, private mode) are logged and otherwise ignored: the history is an optimisation, never a
 * reason to fail a transcription.
 *
 * Use: `const history = new PlanHistory(browserStorage(), deviceFingerprint(profile))`, pass
 * `history.snapshot` to the planner, call `beginLoad` before loading an attempt and `finishLoad`
 * with the outcome after (also after a failed load), and `reset()` from the settings panel.
 */
export class PlanHistory {
  readonly fingerprint: string;
  readonly storageKey: string;
  /** The attempt whose load was cut off last time (already counted as a memory failure), if any. */
  readonly interrupted: Attempt | undefined;
  private readonly storage: KeyValueStorage;
  private readonly now: () => number;
  private state: DeviceHistory;

  constructor(storage: KeyValueStorage, fingerprint: string, options: { readonly now?: () => number } = {}) {
    this.storage = storage;
    this.fingerprint = fingerprint;
    this.storageKey = HISTORY_KEY_PREFIX + fingerprint;
    this.now = options.now ?? Date.now;
    let text: string | null = null;
    try {
      text = storage.getItem(this.storageKey);
    } catch (error) {
      log.warn("could not read the plan history", error);
    }
    const recovered = recoverInterruptedLoad(parseHistory(text));
    this.state = recovered.history;
    this.interrupted = recovered.interrupted;
    if (recovered.interrupted !== undefined) this.save();
  }

  /** The current history, for {@link memoryVerdict} and the planner. */
  get snapshot(): DeviceHistory {
    return this.state;
  }

  /** Marks `attempt` as loading; if the page dies before {@link finishLoad}, the next start counts a memory failure. */
  beginLoad(attempt: Attempt): void {
    this.update(markLoading(this.state, attempt, this.now()));
  }

  /** Clears the loading marker and records how the load of `attempt` ended. */
  finishLoad(attempt: Attempt, outcome: AttemptOutcome): void {
    this.update(recordOutcome(clearLoading(this.state), attempt, outcome, this.now()));
  }

  /** Records an outcome outside a load (e.g. a run that ran out of memory). */
  record(attempt: Attempt, outcome: AttemptOutcome): void {
    this.update(recordOutcome(this.state, attempt, outcome, this.now()));
  }

  /** Forgets everything learned on this device. */
  reset(): void {
    this.state = emptyHistory();
    resetHistory(this.storage, this.fingerprint);
  }

  private update(next: DeviceHistory): void {
    this.state = next;
    this.save();
  }

  private save(): void {
    try {
      this.storage.setItem(this.storageKey, serializeHistory(this.state));
    } catch (error) {
      log.warn("could not save the plan history", error);
    }
  }
}
