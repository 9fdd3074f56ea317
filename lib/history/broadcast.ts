/** Telling every tab of the app when the history changes, through a BroadcastChannel. */
import { createLogger } from "../logger";
import { isRecord } from "../guards";

const log = createLogger("transcript-history");

/** What changed, as told to {@link onHistoryChanged} listeners in this tab and in others. */
export type HistoryChange =
  | { readonly type: "saved"; readonly id: string }
  | { readonly type: "renamed"; readonly id: string }
  | { readonly type: "deleted"; readonly id: string }
  | { readonly type: "audio-kept"; readonly id: string }
  | { readonly type: "audio-removed"; readonly id: string }
  | { readonly type: "cleared" }
  | { readonly type: "imported"; readonly count: number };

const CHANNEL_NAME = "whisper-history";
const listeners = new Set<(change: HistoryChange) => void>();
let channel: BroadcastChannel | null | undefined;

function isHistoryChange(value: unknown): value is HistoryChange {
  if (!isRecord(value)) return false;
  if (value.type === "cleared") return true;
  if (value.type === "imported") return typeof value.count === "number";
  return (value.type === "saved" || value.type === "renamed" || value.type === "deleted" || value.type === "audio-kept" || value.type === "audio-removed") && typeof value.id === "string";
}

function deliver(change: HistoryChange): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (error) {
      log.error("a history listener failed", error);
    }
  }
}

function broadcastChannel(): BroadcastChannel | null {
  if (channel !== undefined) return channel;
  channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL_NAME) : null;
  channel?.addEventListener("message", (event: MessageEvent<unknown>) => {
    if (isHistoryChange(event.data)) deliver(event.data);
  });
  return channel;
}

/** Tells this tab's and other tabs' {@link onHistoryChanged} listeners about `change`; call it after each write. */
export function announce(change: HistoryChange): void {
  deliver(change);
  broadcastChannel()?.postMessage(change);
}

/**
 * Calls `listener` after every change to the history made through this module, in this tab or in
 * another tab of the app (so an open history list stays current). Returns the unsubscribe function.
 */
export function onHistoryChanged(listener: (change: HistoryChange) => void): () => void {
  listeners.add(listener);
  broadcastChannel();
  return () => {
    listeners.delete(listener);
  };
}
