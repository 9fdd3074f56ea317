/**
 * The bot's texts in Spanish, in Fluent syntax (https://projectfluent.org/fluent/guide/). Kept as
 * a module rather than a `.ftl` file beside it, so the bundled relay (one file) carries it; edit
 * it as Fluent. `relay/i18n/bot-texts.ts` loads every locale; a test checks each has every key.
 * Numbers arrive as text: pick plural forms with `{ PLURAL($n) -> [one] … *[other] … }` (CLDR
 * categories, relay/i18n/plural.ts), never with a bare `{ $n -> }`, which would match only the default.
 */
export const ES_FTL = `
# Los textos del bot en español.

duration-text = { $unit ->
    [hour] { PLURAL($n) ->
        [one] { $n } hora
       *[other] { $n } horas
    }
    [minute] { PLURAL($n) ->
        [one] { $n } minuto
       *[other] { $n } minutos
    }
   *[second] { PLURAL($n) ->
        [one] { $n } segundo
       *[other] { $n } segundos
    }
}

start =
    Convierto mensajes de voz en texto. El reconocimiento de voz (Whisper) se ejecuta en tu propio dispositivo, en la app; yo solo paso el audio.

    Envía o reenvía un mensaje de voz, un archivo de audio o una videonota. Mantén la app abierta y el texto aparecerá aquí. ¿Usas un navegador fuera de Telegram? Envía /link para obtener un código.
help =
    Envía o reenvía un mensaje de voz, archivo de audio, videonota o documento de audio; la app de tu dispositivo lo transcribe.

    /start – qué hago y el botón de la app
    /link – un código de un solo uso para conectar un navegador fuera de Telegram
    /unlink – cerrar la sesión en todos los navegadores conectados
    /lang <código> – idioma sugerido para este chat (p. ej. /lang de, /lang auto)
    /srt – responde a un mensaje transcrito para obtener subtítulos (.srt)
    /transcribe – en grupos, responde a un mensaje de voz
    /auto on|off – en grupos (administradores): transcribir todos los mensajes de voz
open-app = Abrir la app
live-draft = ✍ Borrador — transcripción en curso…
status-working = Transcribiendo en tu dispositivo…
status-waiting = Esperando a tu dispositivo: abre la app para transcribir esto; se ejecuta allí. Lo guardaré durante { duration-text }.
status-waiting-no-app = Esperando a tu dispositivo: ninguno está conectado. Abre la app (o conecta un navegador con /link en un chat privado) en { duration-text }.
status-reminder = Sigo esperando a tu dispositivo: abre la app en { duration-text } o esto caducará.
too-large = Este archivo ocupa { $size }; Telegram permite a los bots descargar archivos de hasta { $limit }. Envía una grabación más corta o una versión comprimida.
unsupported = Puedo transcribir mensajes de voz, archivos de audio, videonotas y documentos de audio, pero no { $what ->
    [photo] fotos
    [video] vídeos (envía el sonido como mensaje de voz o archivo de audio)
    [animation] GIF
    [sticker] stickers
    [location] ubicaciones
    [contact] contactos
    [poll] encuestas
   *[document] este tipo de archivo ({ $mime })
}.
rate-limited = Es mucho audio de golpe. Envía el siguiente dentro de { duration-text }.
already-queued = Este ya está esperando a tu dispositivo.
already-done = Ya está transcrito: mira mi respuesta.
empty-transcript = (no se reconoció voz)
failed = No se pudo transcribir en tu dispositivo: { $message }
expired = Ningún dispositivo tuyo lo recogió en { duration-text }. Pulsa Reintentar después de abrir la app.
retry = Reintentar
part-placeholder = (sigue la parte { $part } de { $parts }…)
srt-button = Subtítulos (.srt)
link-code =
    Tu código: { $code }

    Introdúcelo en la app en menos de { $minutes } minutos para conectar ese navegador. Funciona una sola vez.
link-only-private = Envíame /link en un chat privado: cualquiera podría usar un código publicado aquí.
unlinked-none = No había ningún navegador conectado.
unlinked = { PLURAL($count) ->
    [one] Cerrada { $count } sesión de navegador.
   *[other] Cerradas { $count } sesiones de navegador.
}
lang-current-auto = Idioma: detección automática. Indica uno con /lang <código>, p. ej. /lang es.
lang-current = Idioma sugerido: { $code }. Usa /lang auto para detectarlo automáticamente.
lang-set-auto = De acuerdo, detectaré el idioma.
lang-set = De acuerdo, idioma sugerido: { $code }.
lang-invalid = «{ $input }» no es un código de idioma que Whisper conozca. Prueba p. ej. en, de, es, ru, zh, km o auto.
auto-usage = Usa /auto on o /auto off.
auto-only-groups = En un chat privado ya transcribo todos los mensajes de voz.
admins-only = Solo los administradores del grupo pueden cambiar esto.
auto-on = De acuerdo, transcribiré todos los mensajes de voz de este grupo.
auto-off = De acuerdo, solo cuando me lo pidan (mencióname o usa /transcribe).
reply-to-voice = Responde con este comando a un mensaje de voz, archivo de audio o videonota.
reply-to-transcript = Responde /srt a un mensaje de voz que transcribí (o a mi transcripción).
no-transcript-yet = Todavía no hay una transcripción terminada de ese mensaje.
not-yours = Solo quien lo pidió puede hacer eso.
requeued = De nuevo en la cola.
not-requeueable = Eso ya no se puede reintentar.
private-hint = Envíame un mensaje de voz, un archivo de audio o una videonota. /help muestra lo que sé hacer.

business-connected = Conectado a tu cuenta de Telegram Business. Los mensajes de voz que te envían en chats privados los transcribe tu propio dispositivo, y el texto llega aquí, solo a ti: quien lo envía no ve nada.
business-disconnected = Desconectado de tu cuenta de Telegram Business. Ya no veo tus chats.
business-voice-from = 🎙 Mensaje de voz de { $name } para ti (solo tú ves esto).

command-start = Qué hago y el botón de la app
command-help = Cómo usarme
command-link = Un código para conectar un navegador fuera de Telegram
command-unlink = Cerrar la sesión en todos los navegadores
command-lang = Idioma sugerido para este chat
command-srt = Responde a un mensaje transcrito: subtítulos
command-transcribe = Responde a un mensaje de voz (grupos)
command-auto = Grupos: transcribir todos los mensajes de voz (on/off)
`;
