"use client";

import type { ReactNode } from "react";
import type { TranscriptRecord } from "@/lib/history/record";
import { isEdited } from "@/lib/history/record-edit";
import { editableSegments } from "@/lib/transcript/segment-edit";
import type { Segment } from "@/lib/transcript/types";
import { useAudioPlayer } from "../hooks/use-audio-player";
import { useEditableTranscript } from "../hooks/use-editable-transcript";
import { AudioPlayer } from "./audio-player";
import { TranscriptView, type TranscriptPlayer } from "./transcript-view";

function WithPlayer(props: { readonly audio: Blob; readonly segments: readonly Segment[]; readonly children: (player: TranscriptPlayer) => ReactNode }) {
  const player = useAudioPlayer(props.audio, props.segments);
  return props.children({ element: <AudioPlayer player={player} />, activeIndex: player.activeIndex, seek: player.seek, onKeyDown: player.onKeyDown });
}

/**
 * A saved transcript the user reads and corrects: {@link TranscriptView} with the editor wired to
 * the history and, when its `audio` is at hand, the player beside the text. Give it `key={record.id}`.
 */
export function EditableTranscript(props: {
  readonly record: TranscriptRecord;
  readonly title: string;
  readonly baseName: string;
  readonly onBack?: () => void;
  readonly audio?: Blob | null;
}) {
  const { record, canUndo, edit, undo, saveError } = useEditableTranscript(props.record);
  const view = (player?: TranscriptPlayer) => (
    <TranscriptView
      title={props.title}
      result={record}
      partialText=""
      baseName={props.baseName}
      onBack={props.onBack}
      editor={{ edited: isEdited(record), canUndo, onEdit: edit, onUndo: undo, saveError }}
      player={player}
    />
  );
  if (props.audio === undefined || props.audio === null) return view();
  return (
    <WithPlayer audio={props.audio} segments={editableSegments(record)}>
      {view}
    </WithPlayer>
  );
}
