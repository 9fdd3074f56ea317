/**
 * Languages Whisper was trained on, as ISO 639-1 (or -3) codes with English names, in the order of
 * Whisper's language tokens. Used for the language picker and to name a detected language.
 */
export const WHISPER_LANGUAGES: Readonly<Record<string, string>> = {
  en: "English", zh: "Chinese", de: "German", es: "Spanish", ru: "Russian", ko: "Korean", fr: "French",
  ja: "Japanese", pt: "Portuguese", tr: "Turkish", pl: "Polish", ca: "Catalan", nl: "Dutch", ar: "Arabic",
  sv: "Swedish", it: "Italian", id: "Indonesian", hi: "Hindi", fi: "Finnish", vi: "Vietnamese",
  he: "Hebrew", uk: "Ukrainian", el: "Greek", ms: "Malay", cs: "Czech", ro: "Romanian", da: "Danish",
  hu: "Hungarian", ta: "Tamil", no: "Norwegian", th: "Thai", ur: "Urdu", hr: "Croatian", bg: "Bulgarian",
  lt: "Lithuanian", la: "Latin", mi: "Maori", ml: "Malayalam", cy: "Welsh", sk: "Slovak", te: "Telugu",
  fa: "Persian", lv: "Latvian", bn: "Bengali", sr: "Serbian", az: "Azerbaijani", sl: "Slovenian",
  kn: "Kannada", et: "Estonian", mk: "Macedonian", br: "Breton", eu: "Basque", is: "Icelandic",
  hy: "Armenian", ne: "Nepali", mn: "Mongolian", bs: "Bosnian", kk: "Kazakh", sq: "Albanian",
  sw: "Swahili", gl: "Galician", mr: "Marathi", pa: "Punjabi", si: "Sinhala", km: "Khmer", sn: "Shona",
  yo: "Yoruba", so: "Somali", af: "Afrikaans", oc: "Occitan", ka: "Georgian", be: "Belarusian",
  tg: "Tajik", sd: "Sindhi", gu: "Gujarati", am: "Amharic", yi: "Yiddish", lo: "Lao", uz: "Uzbek",
  fo: "Faroese", ht: "Haitian Creole", ps: "Pashto", tk: "Turkmen", nn: "Nynorsk", mt: "Maltese",
  sa: "Sanskrit", lb: "Luxembourgish", my: "Myanmar", bo: "Tibetan", tl: "Tagalog", mg: "Malagasy",
  as: "Assamese", tt: "Tatar", haw: "Hawaiian", ln: "Lingala", ha: "Hausa", ba: "Bashkir", jw: "Javanese",
  su: "Sundanese", yue: "Cantonese",
};

/** The English name of a language code, or the code itself when unknown. */
export function languageName(code: string | null): string {
  if (code === null) return "unknown";
  return WHISPER_LANGUAGES[code] ?? code;
}

/** True when `code` is a language Whisper knows. */
export function isWhisperLanguage(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(WHISPER_LANGUAGES, code);
}

/** Other English names people type for a language (Whisper's own aliases), lower case. */
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  burmese: "my", valencian: "ca", flemish: "nl", haitian: "ht", letzeburgesch: "lb", pushto: "ps",
  panjabi: "pa", moldavian: "ro", moldovan: "ro", sinhalese: "si", castilian: "es", mandarin: "zh",
};

const CODE_BY_NAME: ReadonlyMap<string, string> = new Map([
  ...Object.entries(WHISPER_LANGUAGES).map(([code, name]): [string, string] => [name.toLowerCase(), code]),
  ...Object.entries(LANGUAGE_ALIASES),
]);

/**
 * The Whisper code for a language as a person or a browser writes it — "EN", " en ", "pt-BR",
 * "zh_CN", "Khmer", "burmese" — or null when Whisper does not know it (or for "" and "auto", which
 * mean "detect"). The one place that turns free text into a language code: the planner, the
 * settings and the relay's `/lang` all go through it.
 */
export function whisperLanguageCode(input: string): string | null {
  const text = input.trim().toLowerCase();
  if (text === "" || text === "auto") return null;
  if (isWhisperLanguage(text)) return text;
  const named = CODE_BY_NAME.get(text);
  if (named !== undefined) return named;
  const primary = text.split(/[-_]/)[0] ?? text;
  return isWhisperLanguage(primary) ? primary : null;
}
