/**
 * Every sentence the bot says, in one place, so wording stays consistent and tests can refer to
 * it. Plain text: messages are sent without a parse mode.
 */

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`;
}

/** "24 hours", "10 minutes", "45 seconds". */
function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

/** The bot's sentences. */
export const texts = {
  start:
    "I turn voice messages into text. The speech recognition (Whisper) runs on your own device, in the app — " +
    "I only pass the audio along.\n\nSend or forward a voice message, an audio file or a video note. " +
    "Keep the app open and the text appears here. Using a browser outside Telegram? Send /link for a code.",
  help:
    "Send or forward a voice message, audio file, video note or audio document; the app on your device transcribes it.\n\n" +
    "/start – what I do, and the app button\n" +
    "/link – a one-time code to connect a browser outside Telegram\n" +
    "/unlink – sign out every connected browser\n" +
    "/lang <code> – language hint for this chat (e.g. /lang de, /lang auto)\n" +
    "/srt – reply to a transcribed message to get subtitles (.srt)\n" +
    "/transcribe – in groups, reply to a voice message\n" +
    "/auto on|off – in groups (admins): transcribe every voice message",
  openApp: "Open the app",
  statusWorking: "Transcribing on your device…",
  /** The status message while a device transcribes: the text so far, marked as a draft (the end of a long one). */
  liveDraft: (text: string) => `✍ Draft — still transcribing…\n\n${text.length > 3900 ? `…${text.slice(-3900)}` : text}`,
  statusWaiting: (expirySeconds: number) =>
    `Waiting for your device: open the app to transcribe this — it runs there. I'll keep it for ${formatDuration(expirySeconds)}.`,
  statusWaitingNoApp: (expirySeconds: number) =>
    `Waiting for your device: none is online. Open the app (or link a browser with /link in a private chat) within ${formatDuration(expirySeconds)}.`,
  statusReminder: (remainingSeconds: number) =>
    `Still waiting for your device: open the app within ${formatDuration(remainingSeconds)}, or this one expires.`,
  tooLarge: (size: number, limit: number) =>
    `This file is ${megabytes(size)}; Telegram lets bots download files up to ${megabytes(limit)}. ` +
    "Send a shorter recording or a compressed version.",
  unsupported: (what: string) => `I can transcribe voice messages, audio files, video notes and audio documents — not ${what}.`,
  rateLimited: (seconds: number) => `That's a lot of audio at once. Please send the next one in ${formatDuration(seconds)}.`,
  alreadyQueued: "This one is already waiting for your device.",
  alreadyDone: "Already transcribed — see my reply to it.",
  emptyTranscript: "(no speech recognised)",
  failed: (message: string) => `Couldn't transcribe this on your device: ${message}`,
  expired: (expirySeconds: number) => `No device of yours picked this up within ${formatDuration(expirySeconds)}. Tap Retry after opening the app.`,
  retry: "Retry",
  partPlaceholder: (part: number, parts: number) => `(part ${part} of ${parts} follows…)`,
  srtButton: "Subtitles (.srt)",
  linkCode: (code: string, minutes: number) =>
    `Your code: ${code}\n\nEnter it in the app within ${minutes} minutes to connect that browser. It works once.`,
  linkOnlyPrivate: "Send /link to me in a private chat — a code posted here could be used by anyone.",
  unlinked: (count: number) =>
    count === 0 ? "No browser was connected." : `Signed out ${count} browser session${count === 1 ? "" : "s"}.`,
  langCurrent: (code: string | null) =>
    code === null
      ? "Language: detected automatically. Set a hint with /lang <code>, e.g. /lang en."
      : `Language hint: ${code}. Use /lang auto to detect automatically.`,
  langSet: (code: string | null) => (code === null ? "OK, I'll detect the language." : `OK, language hint set to ${code}.`),
  langInvalid: (input: string) => `"${input}" is not a language code Whisper knows. Try e.g. en, de, es, ru, zh, km, or auto.`,
  autoUsage: "Use /auto on or /auto off.",
  autoOnlyGroups: "In a private chat I transcribe every voice message anyway.",
  adminsOnly: "Only group admins can change this.",
  autoSet: (on: boolean) => (on ? "OK, I'll transcribe every voice message in this group." : "OK, only when asked (mention me or /transcribe)."),
  replyToVoice: "Reply with this command to a voice message, audio file or video note.",
  replyToTranscript: "Reply /srt to a voice message I transcribed (or to my transcript).",
  noTranscriptYet: "There's no finished transcript for that message yet.",
  notYours: "Only the person who asked can do that.",
  requeued: "Queued again.",
  notRequeueable: "That one can't be retried any more.",
  privateHint: "Send me a voice message, an audio file or a video note. /help lists what I can do.",
} as const;
