"use client";

import { useRef, useState, type ChangeEvent } from "react";
import { createLogger } from "@/lib/logger";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { exportHistory, importHistory } from "@/lib/history/transcript-history";
import { historyFileName } from "@/lib/history/history-file";

const log = createLogger("history");

/** Moving the history to another device: "Export all" downloads it as one JSON file (text only, no kept audio), "Import…" merges one in. */
export function HistoryTransfer() {
  const [message, setMessage] = useState<{ readonly text: string; readonly error: boolean } | null>(null);
  const input = useRef<HTMLInputElement | null>(null);

  const onExport = (): void => {
    exportHistory().then(
      (text) => {
        const url = URL.createObjectURL(new Blob([text], { type: "application/json;charset=utf-8" }));
        const link = document.createElement("a");
        link.href = url;
        link.download = historyFileName();
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      (failure: unknown) => {
        log.warn("could not export the history", failure);
        setMessage({ text: ownMessageOr(failure, "The history could not be exported."), error: true });
      },
    );
  };

  const onImport = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (file === undefined) return;
    setMessage({ text: `Importing “${file.name}”…`, error: false });
    file
      .text()
      .then(importHistory)
      .then(
        (summary) => setMessage({ text: summary, error: false }),
        (failure: unknown) => {
          log.warn("could not import a history file", failure);
          setMessage({ text: ownMessageOr(failure, "That file could not be imported."), error: true });
        },
      );
  };

  return (
    <div className="history-transfer">
      <div className="actions">
        <button type="button" className="button small" onClick={onExport} data-testid="history-export">
          Export all
        </button>
        <button type="button" className="button small" onClick={() => input.current?.click()}>
          Import…
        </button>
        <input ref={input} type="file" accept="application/json,.json" className="visually-hidden" onChange={onImport} data-testid="history-import" tabIndex={-1} aria-label="Import a history file" />
      </div>
      <p className="hint">The file holds every transcript's text and timings (with your corrections); kept audio is not in it and stays on this device.</p>
      {message !== null && (
        <p className={message.error ? "status error" : "hint"} role="status" data-testid="history-transfer-status">
          {message.text}
        </p>
      )}
    </div>
  );
}
