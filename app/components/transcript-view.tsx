"use client";

import { useState } from "react";
import { formatClock, formatTranscript, fileNameFor, mimeTypeFor, TRANSCRIPT_FORMATS, type TranscriptFormat } from "@/lib/transcript/formats";
import type { Segment } from "@/lib/transcript/types";
import type { TranscriptContent } from "@/lib/transcript/types";

const FORMAT_LABELS: Readonly<Record<TranscriptFormat, string>> = { txt: "TXT", srt: "SRT", vtt: "VTT", json: "JSON" };

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The transcript: plain text (`data-testid="transcript"`), or segments with timestamps, with copy
 * and export to TXT, SRT, VTT and JSON once finished. While a run streams, `partialText` shows.
 */
export function TranscriptView(props: {
  readonly title: string;
  readonly result: TranscriptContent | null;
  readonly partialText: string;
  readonly baseName: string;
  readonly onBack?: () => void;
}) {
  const { title, result, partialText, baseName, onBack } = props;
  const [showTimes, setShowTimes] = useState(false);
  const [copied, setCopied] = useState(false);
  const text = result?.text ?? partialText;
  const segments: readonly Segment[] = result?.segments ?? [];
  const ready = result !== null && result.text !== "";

  return (
    <section className="transcript-box" aria-label="Transcript">
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
      {ready && segments.length > 0 && (
        <label className="toggle">
          <input type="checkbox" checked={showTimes} onChange={(event) => setShowTimes(event.target.checked)} /> Show timestamps
        </label>
      )}
      <p data-testid="transcript" className="transcript" aria-live="polite" hidden={showTimes && ready}>
        {text}
      </p>
      {showTimes && ready && (
        <ol className="segments" data-testid="segments">
          {segments.map((segment, index) => (
            <li key={`${segment.start}-${index}`}>
              <time>{formatClock(segment.start)}</time> {segment.text}
            </li>
          ))}
        </ol>
      )}
      {ready && result !== null && (
        <div className="actions" role="group" aria-label="Export">
          {TRANSCRIPT_FORMATS.map((format) => (
            <button
              key={format}
              type="button"
              className="button"
              data-testid={`export-${format}`}
              onClick={() => download(fileNameFor(baseName, format), mimeTypeFor(format), formatTranscript(result, format, { metadata: { title: baseName, createdAt: new Date().toISOString() } }))}
            >
              {FORMAT_LABELS[format]}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
