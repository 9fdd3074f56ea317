"use client";

import { useCallback, useState } from "react";
import { createLogger } from "@/lib/logger";
import { ownMessageOr } from "@/lib/transcription/failure-message";
import { saveTranscript } from "@/lib/history/transcript-history";
import { editRecordSegment, restoreRecordVersion } from "@/lib/history/record-edit";
import type { TranscriptRecord } from "@/lib/history/record";
import { popUndo, pushUndo, type UndoStack } from "@/lib/transcript/undo-stack";

const log = createLogger("transcript-edit");

interface EditState {
  readonly record: TranscriptRecord;
  readonly undo: UndoStack<TranscriptRecord>;
}

/**
 * A transcript the user corrects in place: each segment edit and each undo is kept in React state
 * at once and saved to the history on this device (a browser without storage keeps editing in
 * memory and says the edit was not kept). Mount it with `key={record.id}` so a new record starts
 * with an empty undo history.
 */
export function useEditableTranscript(initial: TranscriptRecord) {
  const [state, setState] = useState<EditState>({ record: initial, undo: [] });
  const [saveError, setSaveError] = useState<string | null>(null);

  const keep = useCallback((record: TranscriptRecord) => {
    saveTranscript(record).then(
      () => setSaveError(null),
      (failure: unknown) => {
        log.warn("could not save the corrected transcript", failure);
        setSaveError(ownMessageOr(failure, "The correction is shown but could not be kept on this device."));
      },
    );
  }, []);

  const edit = useCallback(
    (index: number, text: string) => {
      const next = editRecordSegment(state.record, index, text);
      if (next === null) return;
      setState({ record: next, undo: pushUndo(state.undo, state.record) });
      keep(next);
    },
    [state, keep],
  );

  const undo = useCallback(() => {
    const popped = popUndo(state.undo);
    if (popped === null) return;
    const restored = restoreRecordVersion(popped.restored);
    setState({ record: restored, undo: popped.stack });
    keep(restored);
  }, [state, keep]);

  return { record: state.record, canUndo: state.undo.length > 0, edit, undo, saveError };
}
