"use client";

import { useSyncExternalStore } from "react";
import { Workbox } from "workbox-window";
import { describeError } from "@/lib/errors";
import { createLogger } from "@/lib/logger";

const log = createLogger("offline");

/** The service worker's URL; scripts/build-sw.mjs writes it to public/sw.js. */
export const SERVICE_WORKER_URL = "/sw.js";

/** Where offline support stands on this page. */
export type OfflineState =
  | { readonly kind: "checking" }
  /** `next dev` builds no service worker. */
  | { readonly kind: "development" }
  /** No service worker here (Telegram's in-app browser on iOS, private windows, blocked by policy): online only. */
  | { readonly kind: "unavailable"; readonly detail: string }
  | { readonly kind: "installing" }
  | { readonly kind: "ready" }
  /** A new version is installed and waits for the user's reload, so this page never mixes two versions. */
  | { readonly kind: "update-available" }
  | { readonly kind: "updating" };

const CHECKING: OfflineState = { kind: "checking" };

// One registration per page load, shared by every component that asks (an external store).
let snapshot: OfflineState = CHECKING;
let started = false;
let workbox: Workbox | null = null;
let reloadOnControl = false;
const listeners = new Set<() => void>();

function publish(next: OfflineState): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

function start(): void {
  if (started) return;
  started = true;
  if (process.env.NODE_ENV !== "production") {
    // A service worker left on this origin by a production build would serve `next dev` stale files.
    void navigator.serviceWorker?.getRegistrations().then((registrations) => Promise.all(registrations.map((registration) => registration.unregister())));
    publish({ kind: "development" });
    return;
  }
  if (!("serviceWorker" in navigator) || navigator.serviceWorker === undefined) {
    publish({ kind: "unavailable", detail: "this browser runs no service workers here" });
    return;
  }
  const wb = new Workbox(SERVICE_WORKER_URL, { scope: "/" });
  workbox = wb;
  wb.addEventListener("waiting", () => publish({ kind: "update-available" }));
  wb.addEventListener("activated", (event) => {
    if (event.isUpdate !== true && snapshot.kind !== "update-available") publish({ kind: "ready" });
  });
  wb.addEventListener("controlling", () => {
    if (reloadOnControl) window.location.reload();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wb.update().catch(() => undefined);
  });
  wb.register().then(
    (registration) => {
      if (registration === undefined) {
        publish({ kind: "unavailable", detail: "the service worker was not registered" });
      } else if (registration.waiting !== null) {
        publish({ kind: "update-available" });
      } else if (registration.active !== null) {
        if (snapshot.kind !== "update-available") publish({ kind: "ready" });
      } else if (snapshot.kind === "checking") {
        publish({ kind: "installing" });
      }
    },
    (error: unknown) => {
      log.warn("service worker registration failed; offline use is unavailable", describeError(error));
      publish({ kind: "unavailable", detail: describeError(error) });
    },
  );
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  start();
  return () => listeners.delete(listener);
}

/** Activates the waiting version and reloads the page once it is in control. */
function applyUpdate(): void {
  if (workbox === null) return;
  reloadOnControl = true;
  publish({ kind: "updating" });
  workbox.messageSkipWaiting();
}

/**
 * Registers the service worker (workbox-window, once per page) and reports offline support. A new
 * version is not activated behind the page's back: it waits until `applyUpdate`, which activates it
 * and reloads the page once the new version controls it.
 */
export function useServiceWorker(): { readonly state: OfflineState; readonly applyUpdate: () => void } {
  const state = useSyncExternalStore(subscribe, () => snapshot, () => CHECKING);
  return { state, applyUpdate };
}
