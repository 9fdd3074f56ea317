/**
 * The bot's texts in English (also the fallback for a key another language lacks), in Fluent syntax (https://projectfluent.org/fluent/guide/). Kept as
 * a module rather than a `.ftl` file beside it, so the bundled relay (one file) carries it; edit
 * it as Fluent. `relay/i18n/bot-texts.ts` loads every locale; a test checks each has every key.
 * Numbers arrive as text: pick plural forms with `{ PLURAL($n) -> [one] … *[other] … }` (CLDR
 * categories, relay/i18n/plural.ts), never with a bare `{ $n -> }`, which would match only the default.
 */
export const EN_FTL = `
# The bot's texts in English (also the fallback for keys another language lacks).
# Plain text: messages are sent without a parse mode.

duration-text = { $unit ->
    [hour] { PLURAL($n) ->
        [one] { $n } hour
       *[other] { $n } hours
    }
    [minute] { PLURAL($n) ->
        [one] { $n } minute
       *[other] { $n } minutes
    }
   *[second] { PLURAL($n) ->
        [one] { $n } second
       *[other] { $n } seconds
    }
}

start =
    I turn voice messages into text. The speech recognition (Whisper) runs on your own device, in the app — I only pass the audio along.

    Send or forward a voice message, an audio file or a video note. Keep the app open and the text appears here. Using a browser outside Telegram? Send /link for a code.
help =
    Send or forward a voice message, audio file, video note or audio document; the app on your device transcribes it.

    /start – what I do, and the app button
    /link – a one-time code to connect a browser outside Telegram
    /unlink – sign out every connected browser
    /lang <code> – language hint for this chat (e.g. /lang de, /lang auto)
    /srt – reply to a transcribed message to get subtitles (.srt)
    /transcribe – in groups, reply to a voice message
    /auto on|off – in groups (admins): transcribe every voice message
open-app = Open the app
live-draft = ✍ Draft — still transcribing…
status-working = Transcribing on your device…
status-waiting = Waiting for your device: open the app to transcribe this — it runs there. I'll keep it for { duration-text }.
status-waiting-no-app = Waiting for your device: none is online. Open the app (or link a browser with /link in a private chat) within { duration-text }.
status-reminder = Still waiting for your device: open the app within { duration-text }, or this one expires.
too-large = This file is { $size }; Telegram lets bots download files up to { $limit }. Send a shorter recording or a compressed version.
unsupported = I can transcribe voice messages, audio files, video notes and audio documents — not { $what ->
    [photo] photos
    [video] videos (send the sound as a voice message or audio file)
    [animation] GIFs
    [sticker] stickers
    [location] locations
    [contact] contacts
    [poll] polls
   *[document] this kind of file ({ $mime })
}.
rate-limited = That's a lot of audio at once. Please send the next one in { duration-text }.
already-queued = This one is already waiting for your device.
already-done = Already transcribed — see my reply to it.
empty-transcript = (no speech recognised)
failed = Couldn't transcribe this on your device: { $message }
expired = No device of yours picked this up within { duration-text }. Tap Retry after opening the app.
retry = Retry
part-placeholder = (part { $part } of { $parts } follows…)
srt-button = Subtitles (.srt)
link-code =
    Your code: { $code }

    Enter it in the app within { $minutes } minutes to connect that browser. It works once.
link-only-private = Send /link to me in a private chat — a code posted here could be used by anyone.
unlinked-none = No browser was connected.
unlinked = { PLURAL($count) ->
    [one] Signed out { $count } browser session.
   *[other] Signed out { $count } browser sessions.
}
lang-current-auto = Language: detected automatically. Set a hint with /lang <code>, e.g. /lang en.
lang-current = Language hint: { $code }. Use /lang auto to detect automatically.
lang-set-auto = OK, I'll detect the language.
lang-set = OK, language hint set to { $code }.
lang-invalid = "{ $input }" is not a language code Whisper knows. Try e.g. en, de, es, ru, zh, km, or auto.
auto-usage = Use /auto on or /auto off.
auto-only-groups = In a private chat I transcribe every voice message anyway.
admins-only = Only group admins can change this.
auto-on = OK, I'll transcribe every voice message in this group.
auto-off = OK, only when asked (mention me or /transcribe).
reply-to-voice = Reply with this command to a voice message, audio file or video note.
reply-to-transcript = Reply /srt to a voice message I transcribed (or to my transcript).
no-transcript-yet = There's no finished transcript for that message yet.
not-yours = Only the person who asked can do that.
requeued = Queued again.
not-requeueable = That one can't be retried any more.
private-hint = Send me a voice message, an audio file or a video note. /help lists what I can do.

business-connected = Connected to your Telegram Business account. Voice messages people send you in private chats are transcribed by your own device, and the text comes here, to you only: the sender sees nothing.
business-disconnected = Disconnected from your Telegram Business account. I no longer see your chats.
business-voice-from = 🎙 Voice message from { $name }, sent to you (only you see this).

command-start = What I do, and the app button
command-help = How to use me
command-link = A code to connect a browser outside Telegram
command-unlink = Sign out every connected browser
command-lang = Language hint for this chat
command-srt = Reply to a transcribed message: subtitles file
command-transcribe = Reply to a voice message (groups)
command-auto = Groups: transcribe every voice message (on/off)
`;
