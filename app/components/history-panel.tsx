"use client";

import { useCallback, useEffect, useId, useRef, useState } from "react";
import { createLogger } from "@/lib/logger";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { formatClock } from "@/lib/transcript/formats";
import { clearTranscripts, deleteTranscript, listTranscripts, removeKeptAudio, renameTranscript, searchTranscripts } from "@/lib/history/transcript-history";
import { describeKeptAudioUsage, keptAudioUsage } from "@/lib/history/kept-audio";
import { formatStorageBytes } from "@/lib/offline/storage-quota";
import type { TranscriptRecord } from "@/lib/history/record";
import { makeSnippet } from "@/lib/history/search";
import { onHistoryChanged } from "@/lib/history/broadcast";
import { HistoryTransfer } from "./history-transfer";
import { KeepAudioSetting } from "./keep-audio-setting";
import { useKeptAudioList } from "../hooks/use-kept-audio-list";

const log = createLogger("history");

/** How many transcripts the list shows at first and adds per "Show more": a long history stays quick to open. */
const PAGE = 50;

/**
 * Transcripts kept on this device: search, open, rename, delete, clear all; the opt-in to keep audio
 * with new transcripts, which items have it (remove it), and the room it takes. Nothing leaves the device.
 */
export function HistoryPanel({ onOpen }: { readonly onOpen: (record: TranscriptRecord) => void }) {
  const [records, setRecords] = useState<TranscriptRecord[]>([]);
  const [query, setQuery] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [shown, setShown] = useState(PAGE);
  const searchId = useId();
  const latest = useRef(0);
  const keptAudio = useKeptAudioList();
  const audioById = new Map((keptAudio ?? []).map((info) => [info.id, info]));

  const refresh = useCallback(() => {
    const load = query.trim() === "" ? listTranscripts() : searchTranscripts(query);
    // Typing starts a search per keystroke; only the newest one may fill the list.
    const ticket = ++latest.current;
    load.then(
      (found) => {
        if (ticket !== latest.current) return;
        setRecords(found);
        setError(null);
      },
      (failure: unknown) => {
        log.warn("could not read the history", failure);
        setError(ownMessageOr(failure, "The saved transcripts could not be read. Reload the page; if it keeps happening, this browser may block storage for this site."));
      },
    );
  }, [query]);

  useEffect(() => {
    refresh();
    return onHistoryChanged(refresh);
  }, [refresh]);

  const act = (work: Promise<unknown>): void => {
    work.then(refresh, (failure: unknown) => {
      log.warn("a history action failed", failure);
      setError(ownMessageOr(failure, "That did not work: the saved transcripts could not be changed. Reload the page and try again."));
    });
  };

  return (
    <details className="history" data-testid="history">
      <summary>History on this device ({records.length})</summary>
      <KeepAudioSetting />
      {keptAudio !== null && (
        <p className="hint" data-testid="kept-audio-usage">
          {describeKeptAudioUsage(keptAudioUsage(keptAudio))}
        </p>
      )}
      <label htmlFor={searchId} className="visually-hidden">
        Search transcripts
      </label>
      <input
        id={searchId}
        type="search"
        placeholder="Search transcripts"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setShown(PAGE);
        }}
        className="search"
      />
      {error !== null && <p className="status error">{error}</p>}
      {records.length === 0 && error === null && <p className="hint">{query === "" ? "Transcripts you make appear here." : "Nothing matches."}</p>}
      <ul className="history-list">
        {records.slice(0, shown).map((record) => {
          const snippet = query === "" ? null : makeSnippet(record.text, query);
          const audio = audioById.get(record.id);
          return (
            <li key={record.id} data-testid="history-item">
              {renaming?.id === record.id ? (
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    act(renameTranscript(record.id, renaming.title));
                    setRenaming(null);
                  }}
                >
                  <label className="visually-hidden" htmlFor={`rename-${record.id}`}>
                    New title
                  </label>
                  <input id={`rename-${record.id}`} value={renaming.title} onChange={(event) => setRenaming({ id: record.id, title: event.target.value })} autoFocus />
                  <button type="submit" className="button">
                    Save
                  </button>
                </form>
              ) : (
                <button type="button" className="link" onClick={() => onOpen(record)}>
                  {record.title}
                </button>
              )}
              <span className="hint">
                {" "}
                {new Date(record.createdAt).toLocaleString()} · {formatClock(record.duration)} · {record.source}
                {audio !== undefined && <span data-testid="history-item-audio"> · audio kept ({formatStorageBytes(audio.bytes)})</span>}
              </span>
              {snippet !== null && <p className="hint">…{snippet.text}…</p>}
              <span className="actions">
                <button type="button" className="button small" onClick={() => setRenaming({ id: record.id, title: record.title })}>
                  Rename
                </button>
                {audio !== undefined && (
                  <button type="button" className="button small" onClick={() => act(removeKeptAudio(record.id))} aria-label={`Remove audio of ${record.title}`}>
                    Remove audio
                  </button>
                )}
                <button type="button" className="button small" onClick={() => act(deleteTranscript(record.id))} aria-label={`Delete ${record.title}`}>
                  Delete
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {records.length > shown && (
        <button type="button" className="button small" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, records.length - shown)} more of {records.length - shown}
        </button>
      )}
      <HistoryTransfer />
      {records.length > 0 && (
        <button
          type="button"
          className="button"
          onClick={() => {
            if (!confirmClear) return setConfirmClear(true);
            setConfirmClear(false);
            act(clearTranscripts());
          }}
        >
          {confirmClear ? (audioById.size > 0 ? "Really delete all transcripts and their kept audio?" : "Really delete all transcripts?") : "Clear all"}
        </button>
      )}
    </details>
  );
}
