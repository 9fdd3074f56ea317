"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { formatTranscript, fileNameFor, mimeTypeFor, TRANSCRIPT_FORMATS, type TranscriptFormat } from "@/lib/transcript/formats";
import type { TranscriptContent } from "@/lib/transcript/types";
import { editMetadata } from "@/lib/history/record-edit";
import type { ExportFile } from "@/lib/relay/export-upload";
import { chooseExportRoute, EXPORT_PRIVACY_NOTE, exportOutcomeText, routePassesThroughServer, saveExport, type ExportRoute } from "@/lib/telegram/export-delivery";
import { currentLaunchParams } from "@/lib/telegram/launch-params";
import { telegramBridge } from "@/lib/telegram/mini-app";
import { downloadThroughTelegram, isFetchableByTelegram, onFileDownloadRequested, openLink } from "@/lib/telegram/mini-app-controls";
import { pageExportUploader } from "../hooks/use-relay";

const FORMAT_LABELS: Readonly<Record<TranscriptFormat, string>> = { txt: "TXT", srt: "SRT", vtt: "VTT", json: "JSON" };

function plainDownload(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mimeType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** How this page saves exports now: plain outside Telegram; through Telegram where it must (export-delivery.ts). */
function currentRoute(): ExportRoute {
  const uploader = pageExportUploader();
  return chooseExportRoute({
    telegramVersion: currentLaunchParams()?.version ?? null,
    bridgeAvailable: telegramBridge()?.isAvailable() === true,
    relayBaseUrl: uploader?.baseUrl ?? null,
    relayFetchable: uploader !== null && isFetchableByTelegram(uploader.baseUrl),
  });
}

const noSubscription = (): (() => void) => () => undefined;

function isInsideTelegram(): boolean {
  return currentLaunchParams() !== null && telegramBridge()?.isAvailable() === true;
}

/**
 * Downloads of a finished transcript as TXT, SRT, VTT and JSON; a corrected one says so in its JSON.
 * Inside Telegram the file is handed to Telegram through the bot's server, and the page says so.
 */
export function ExportButtons({ content, baseName }: { readonly content: TranscriptContent & { readonly editedAt?: number }; readonly baseName: string }) {
  // Only in the browser: the server renders the plain buttons. The launch doesn't change while the page lives.
  const insideTelegram = useSyncExternalStore(noSubscription, isInsideTelegram, () => false);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    return onFileDownloadRequested((status) => setMessage(status === "downloading" ? "Telegram is saving the file." : "Saving was cancelled in Telegram."));
  }, []);

  const save = (format: TranscriptFormat): void => {
    const file: ExportFile = {
      fileName: fileNameFor(baseName, format),
      format,
      mimeType: mimeTypeFor(format),
      text: formatTranscript(content, format, { metadata: { title: baseName, createdAt: new Date().toISOString(), ...editMetadata(content) } }),
    };
    const route = currentRoute();
    if (!routePassesThroughServer(route)) {
      plainDownload(file);
      return;
    }
    setSaving(true);
    setMessage(`Passing ${file.fileName} to Telegram…`);
    void saveExport(file, route, pageExportUploader(), {
      plainDownload,
      downloadThroughTelegram: (url, fileName) => downloadThroughTelegram(url, fileName),
      openLink: (url) => openLink(url),
    }).then((outcome) => {
      setSaving(false);
      setMessage(exportOutcomeText(outcome));
    });
  };

  return (
    <>
      <div className="actions" role="group" aria-label="Export">
        {TRANSCRIPT_FORMATS.map((format) => (
          <button key={format} type="button" className="button" data-testid={`export-${format}`} disabled={saving} onClick={() => save(format)}>
            {FORMAT_LABELS[format]}
          </button>
        ))}
      </div>
      {insideTelegram && (
        <p className="hint" data-testid="export-privacy">
          {EXPORT_PRIVACY_NOTE}
        </p>
      )}
      {message !== null && (
        <p className="hint" role="status" data-testid="export-status">
          {message}
        </p>
      )}
    </>
  );
}
