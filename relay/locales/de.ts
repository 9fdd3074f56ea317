/**
 * The bot's texts in German, in Fluent syntax (https://projectfluent.org/fluent/guide/). Kept as
 * a module rather than a `.ftl` file beside it, so the bundled relay (one file) carries it; edit
 * it as Fluent. `relay/i18n/bot-texts.ts` loads every locale; a test checks each has every key.
 * Numbers arrive as text: pick plural forms with `{ PLURAL($n) -> [one] … *[other] … }` (CLDR
 * categories, relay/i18n/plural.ts), never with a bare `{ $n -> }`, which would match only the default.
 */
export const DE_FTL = `
# Die Texte des Bots auf Deutsch.

duration-text = { $unit ->
    [hour] { PLURAL($n) ->
        [one] { $n } Stunde
       *[other] { $n } Stunden
    }
    [minute] { PLURAL($n) ->
        [one] { $n } Minute
       *[other] { $n } Minuten
    }
   *[second] { PLURAL($n) ->
        [one] { $n } Sekunde
       *[other] { $n } Sekunden
    }
}

start =
    Ich mache aus Sprachnachrichten Text. Die Spracherkennung (Whisper) läuft auf deinem eigenen Gerät, in der App – ich reiche das Audio nur weiter.

    Sende oder leite eine Sprachnachricht, eine Audiodatei oder eine Videonachricht weiter. Lass die App geöffnet, dann erscheint der Text hier. Du nutzt einen Browser außerhalb von Telegram? Sende /link für einen Code.
help =
    Sende oder leite eine Sprachnachricht, Audiodatei, Videonachricht oder ein Audiodokument weiter; die App auf deinem Gerät schreibt es ab.

    /start – was ich kann und der App-Knopf
    /link – ein Einmalcode, um einen Browser außerhalb von Telegram zu verbinden
    /unlink – alle verbundenen Browser abmelden
    /lang <Code> – Sprachhinweis für diesen Chat (z. B. /lang de, /lang auto)
    /srt – antworte auf eine abgeschriebene Nachricht, um Untertitel (.srt) zu bekommen
    /transcribe – in Gruppen: antworte auf eine Sprachnachricht
    /auto on|off – in Gruppen (Admins): jede Sprachnachricht abschreiben
open-app = App öffnen
live-draft = ✍ Entwurf – wird noch abgeschrieben…
status-working = Wird auf deinem Gerät abgeschrieben…
status-waiting = Warte auf dein Gerät: Öffne die App, um das abzuschreiben – es läuft dort. Ich bewahre es { duration-text } lang auf.
status-waiting-no-app = Warte auf dein Gerät: Keines ist online. Öffne die App (oder verbinde einen Browser mit /link im privaten Chat) innerhalb von { duration-text }.
status-reminder = Ich warte noch auf dein Gerät: Öffne die App innerhalb von { duration-text }, sonst verfällt das hier.
too-large = Diese Datei ist { $size } groß; Telegram lässt Bots Dateien bis { $limit } herunterladen. Sende eine kürzere Aufnahme oder eine komprimierte Fassung.
unsupported = Ich kann Sprachnachrichten, Audiodateien, Videonachrichten und Audiodokumente abschreiben – aber keine { $what ->
    [photo] Fotos
    [video] Videos (sende den Ton als Sprachnachricht oder Audiodatei)
    [animation] GIFs
    [sticker] Sticker
    [location] Standorte
    [contact] Kontakte
    [poll] Umfragen
   *[document] Dateien dieser Art ({ $mime })
}.
rate-limited = Das ist viel Audio auf einmal. Bitte sende das nächste in { duration-text }.
already-queued = Das wartet schon auf dein Gerät.
already-done = Schon abgeschrieben – siehe meine Antwort darauf.
empty-transcript = (keine Sprache erkannt)
failed = Konnte das auf deinem Gerät nicht abschreiben: { $message }
expired = Keines deiner Geräte hat das innerhalb von { duration-text } übernommen. Öffne die App und tippe auf Wiederholen.
retry = Wiederholen
part-placeholder = (Teil { $part } von { $parts } folgt…)
srt-button = Untertitel (.srt)
link-code =
    Dein Code: { $code }

    Gib ihn innerhalb von { $minutes } Minuten in der App ein, um diesen Browser zu verbinden. Er gilt einmal.
link-only-private = Sende mir /link in einem privaten Chat – einen hier geposteten Code könnte jeder benutzen.
unlinked-none = Es war kein Browser verbunden.
unlinked = { PLURAL($count) ->
    [one] { $count } Browser-Sitzung abgemeldet.
   *[other] { $count } Browser-Sitzungen abgemeldet.
}
lang-current-auto = Sprache: wird automatisch erkannt. Setze einen Hinweis mit /lang <Code>, z. B. /lang de.
lang-current = Sprachhinweis: { $code }. Mit /lang auto wird die Sprache automatisch erkannt.
lang-set-auto = OK, ich erkenne die Sprache selbst.
lang-set = OK, Sprachhinweis ist jetzt { $code }.
lang-invalid = „{ $input }“ ist kein Sprachcode, den Whisper kennt. Versuche z. B. en, de, es, ru, zh, km oder auto.
auto-usage = Verwende /auto on oder /auto off.
auto-only-groups = Im privaten Chat schreibe ich sowieso jede Sprachnachricht ab.
admins-only = Nur Gruppen-Admins können das ändern.
auto-on = OK, ich schreibe jede Sprachnachricht in dieser Gruppe ab.
auto-off = OK, nur auf Wunsch (erwähne mich oder nutze /transcribe).
reply-to-voice = Antworte mit diesem Befehl auf eine Sprachnachricht, Audiodatei oder Videonachricht.
reply-to-transcript = Antworte mit /srt auf eine Sprachnachricht, die ich abgeschrieben habe (oder auf meine Abschrift).
no-transcript-yet = Für diese Nachricht gibt es noch keine fertige Abschrift.
not-yours = Das kann nur die Person, die gefragt hat.
requeued = Wieder in der Warteschlange.
not-requeueable = Das lässt sich nicht mehr wiederholen.
private-hint = Sende mir eine Sprachnachricht, eine Audiodatei oder eine Videonachricht. /help zeigt, was ich kann.

business-connected = Mit deinem Telegram-Business-Konto verbunden. Sprachnachrichten, die man dir in privaten Chats schickt, schreibt dein eigenes Gerät ab, und der Text kommt hierher, nur zu dir: Wer sie geschickt hat, sieht nichts.
business-disconnected = Von deinem Telegram-Business-Konto getrennt. Ich sehe deine Chats nicht mehr.
business-voice-from = 🎙 Sprachnachricht von { $name } an dich (nur du siehst das).

command-start = Was ich kann und der App-Knopf
command-help = So benutzt du mich
command-link = Ein Code, um einen Browser außerhalb von Telegram zu verbinden
command-unlink = Alle verbundenen Browser abmelden
command-lang = Sprachhinweis für diesen Chat
command-srt = Antwort auf eine Abschrift: Untertiteldatei
command-transcribe = Antwort auf eine Sprachnachricht (Gruppen)
command-auto = Gruppen: jede Sprachnachricht abschreiben (on/off)
`;
