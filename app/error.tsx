"use client";

import { useEffect } from "react";
import { createLogger } from "@/lib/logger";

const log = createLogger("app");

/** The one error screen of the app: says what went wrong and offers to try again. */
export default function ErrorScreen({ error, reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  useEffect(() => {
    log.error("unhandled error", error);
  }, [error]);
  return (
    <main className="app">
      <h1>Something went wrong</h1>
      <p className="status error" role="alert">
        {error.message || "An unexpected error occurred."}
      </p>
      <button type="button" className="button primary" onClick={reset}>
        Try again
      </button>
    </main>
  );
}
