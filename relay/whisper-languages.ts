/**
 * The language codes Whisper understands, for validating `/lang`. The browser passes the chosen
 * code to the model as its `language` option.
 */

/** Whisper's language codes (ISO 639-1 where one exists). */
export const WHISPER_LANGUAGES: ReadonlySet<string> = new Set(
  (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml " +
    "cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am " +
    "yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue"
  ).split(" "),
);

/** The canonical code for `input` ("EN", " en ") or null when Whisper does not know it. */
export function normalizeLanguage(input: string): string | null {
  const code = input.trim().toLowerCase();
  return WHISPER_LANGUAGES.has(code) ? code : null;
}
