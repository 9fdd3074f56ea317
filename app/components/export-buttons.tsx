"use client";

import { formatTranscript, fileNameFor, mimeTypeFor, TRANSCRIPT_FORMATS, type TranscriptFormat } from "@/lib/transcript/formats";
import type { TranscriptContent } from "@/lib/transcript/types";
import { editMetadata } from "@/lib/history/record-edit";

const FORMAT_LABELS: Readonly<Record<TranscriptFormat, string>> = { txt: "TXT", srt: "SRT", vtt: "VTT", json: "JSON" };

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads of a finished transcript as TXT, SRT, VTT and JSON; a corrected one says so in its JSON. */
export function ExportButtons({ content, baseName }: { readonly content: TranscriptContent & { readonly editedAt?: number }; readonly baseName: string }) {
  return (
    <div className="actions" role="group" aria-label="Export">
      {TRANSCRIPT_FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          className="button"
          data-testid={`export-${format}`}
          onClick={() =>
            download(
              fileNameFor(baseName, format),
              mimeTypeFor(format),
              formatTranscript(content, format, { metadata: { title: baseName, createdAt: new Date().toISOString(), ...editMetadata(content) } }),
            )
          }
        >
          {FORMAT_LABELS[format]}
        </button>
      ))}
    </div>
  );
}
