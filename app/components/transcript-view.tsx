"use client";

import { useState, type KeyboardEvent, type ReactNode } from "react";
import type { Segment, TranscriptContent } from "@/lib/transcript/types";
import { editableSegments } from "@/lib/transcript/segment-edit";
import { ExportButtons } from "./export-buttons";
import { SegmentList } from "./segment-list";

/** What a view of a saved transcript adds: correcting segments in place, and undo. */
export interface TranscriptEditor {
  readonly edited: boolean;
  readonly canUndo: boolean;
  readonly onEdit: (index: number, text: string) => void;
  readonly onUndo: () => void;
  /** Why the last correction could not be kept, if it could not. */
  readonly saveError: string | null;
}

/** The audio player beside the text and what the segments need from it. */
export interface TranscriptPlayer {
  readonly element: ReactNode;
  /** The segment being heard, or -1. */
  readonly activeIndex: number;
  readonly seek: (seconds: number) => void;
  /** The workspace's keyboard: Space plays or pauses, the arrows seek. */
  readonly onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
}

/**
 * The transcript: plain text (`data-testid="transcript"`), or segments with timestamps, with copy
 * and export to TXT, SRT, VTT and JSON once finished. While a run streams, `partialText` shows.
 * With an `editor`, segments can be corrected in place; with a `player`, segments seek it, and
 * `audioControls` (whether the audio is kept in the history) show beneath it.
 */
export function TranscriptView(props: {
  readonly title: string;
  readonly result: (TranscriptContent & { readonly editedAt?: number }) | null;
  readonly partialText: string;
  readonly baseName: string;
  readonly onBack?: () => void;
  readonly editor?: TranscriptEditor;
  readonly player?: TranscriptPlayer;
  /** Shown under the player: whether the audio is kept with the transcript, and keeping or removing it. */
  readonly audioControls?: ReactNode;
}) {
  const { title, result, partialText, baseName, onBack, editor, player, audioControls } = props;
  const [showTimes, setShowTimes] = useState(false);
  const [editing, setEditing] = useState(false);
  const [copied, setCopied] = useState(false);
  const text = result?.text ?? partialText;
  const ready = result !== null && (result.text !== "" || (editor?.edited ?? false));
  const segments: readonly Segment[] = result === null ? [] : editor === undefined ? result.segments : editableSegments(result);
  const listed = ready && segments.length > 0 && (showTimes || editing || player !== undefined);

  return (
    <section className="transcript-box" aria-label="Transcript" onKeyDown={player?.onKeyDown}>
      <div className="transcript-head">
        <h2>{title}</h2>
        <div className="actions">
          {onBack !== undefined && (
            <button type="button" className="button" onClick={onBack}>
              Back
            </button>
          )}
          <button
            type="button"
            className="button"
            disabled={text === ""}
            onClick={() => {
              void navigator.clipboard.writeText(text).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      </div>
      {editor?.edited === true && (
        <p className="edited-note" data-testid="edited-note">
          Edited by hand: copies and exports use your corrections, with the original timings.
        </p>
      )}
      {editor?.saveError != null && <p className="status error">{editor.saveError}</p>}
      {player?.element}
      {audioControls}
      {ready && segments.length > 0 && (
        <div className="actions transcript-tools">
          {player === undefined && !editing && (
            <label className="toggle">
              <input type="checkbox" checked={showTimes} onChange={(event) => setShowTimes(event.target.checked)} /> Show timestamps
            </label>
          )}
          {editor !== undefined && (
            <>
              <button type="button" className="button small" aria-pressed={editing} onClick={() => setEditing(!editing)}>
                {editing ? "Done editing" : "Edit text"}
              </button>
              <button type="button" className="button small" disabled={!editor.canUndo} onClick={editor.onUndo}>
                Undo
              </button>
            </>
          )}
        </div>
      )}
      <p data-testid="transcript" className="transcript" aria-live="polite" hidden={listed}>
        {text}
      </p>
      {listed && <SegmentList segments={segments} editing={editing} onEdit={editor?.onEdit} activeIndex={player?.activeIndex} onSeek={player?.seek} />}
      {ready && result !== null && <ExportButtons content={result} baseName={baseName} />}
    </section>
  );
}
