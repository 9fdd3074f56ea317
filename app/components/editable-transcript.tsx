"use client";

import type { TranscriptRecord } from "@/lib/history/record";
import { isEdited } from "@/lib/history/record-edit";
import { useEditableTranscript } from "../hooks/use-editable-transcript";
import { TranscriptView } from "./transcript-view";

/**
 * A saved transcript the user reads and corrects: {@link TranscriptView} with the editor wired to
 * the history. Give it `key={record.id}`.
 */
export function EditableTranscript(props: { readonly record: TranscriptRecord; readonly title: string; readonly baseName: string; readonly onBack?: () => void }) {
  const { record, canUndo, edit, undo, saveError } = useEditableTranscript(props.record);
  return (
    <TranscriptView
      title={props.title}
      result={record}
      partialText=""
      baseName={props.baseName}
      onBack={props.onBack}
      editor={{ edited: isEdited(record), canUndo, onEdit: edit, onUndo: undo, saveError }}
    />
  );
}
