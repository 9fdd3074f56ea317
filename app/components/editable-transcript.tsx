"use client";

import type { ReactNode } from "react";
import type { TranscriptRecord } from "@/lib/history/record";
import { isEdited } from "@/lib/history/record-edit";
import { editableSegments } from "@/lib/transcript/segment-edit";
import type { Segment } from "@/lib/transcript/types";
import { useAudioPlayer } from "../hooks/use-audio-player";
import { useEditableTranscript } from "../hooks/use-editable-transcript";
import { useKeptAudio } from "../hooks/use-kept-audio";
import { AudioPlayer } from "./audio-player";
import { KeptAudioControl } from "./kept-audio-control";
import { TranscriptView, type TranscriptPlayer } from "./transcript-view";

function WithPlayer(props: { readonly audio: Blob; readonly segments: readonly Segment[]; readonly children: (player: TranscriptPlayer) => ReactNode }) {
  const player = useAudioPlayer(props.audio, props.segments);
  return props.children({ element: <AudioPlayer player={player} />, activeIndex: player.activeIndex, seek: player.seek, onKeyDown: player.onKeyDown });
}

/**
 * A saved transcript the user reads and corrects: {@link TranscriptView} with the editor wired to
 * the history and the player beside the text when there is audio: `audio` (the file or recording
 * just transcribed, which can be kept in the history from here) or, for a history item
 * (`audio` left out), the audio the user kept with it. Give it `key={record.id}`.
 */
export function EditableTranscript(props: {
  readonly record: TranscriptRecord;
  readonly title: string;
  readonly baseName: string;
  readonly onBack?: () => void;
  readonly audio?: Blob | null;
  /** Why keeping the audio automatically (the keep-audio setting) failed, if it did. */
  readonly keepError?: string | null;
}) {
  const { record, canUndo, edit, undo, saveError } = useEditableTranscript(props.record);
  const atHand = props.audio ?? null;
  const kept = useKeptAudio(record.id, props.audio === undefined);
  const audio = atHand ?? kept.blob;
  const controls = <KeptAudioControl kept={kept} audioAtHand={atHand} error={kept.error ?? props.keepError ?? null} />;
  const view = (player?: TranscriptPlayer) => (
    <TranscriptView
      title={props.title}
      result={record}
      partialText=""
      baseName={props.baseName}
      onBack={props.onBack}
      editor={{ edited: isEdited(record), canUndo, onEdit: edit, onUndo: undo, saveError }}
      player={player}
      audioControls={controls}
    />
  );
  if (audio === null) return view();
  return (
    <WithPlayer audio={audio} segments={editableSegments(record)}>
      {view}
    </WithPlayer>
  );
}
