/**
 * The speech corpus of the accuracy evaluation: scripts spoken by espeak-ng, and the English script
 * re-encoded in the formats people send (Ogg Opus voice notes, MP3, M4A, WebM, narrow-band WAV).
 * Everything is generated into a git-ignored folder; nothing here is committed audio.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** A text espeak-ng speaks, and the transcript a perfect recogniser would write for it. */
export interface Script {
  readonly id: string;
  /** Whisper language code, also what the app's Language select is set to. */
  readonly language: string;
  /** What the transcript should say, in the language's usual spelling. */
  readonly text: string;
  /** What espeak-ng is given, where it reads another spelling better (pinyin, kana); default `text`. */
  readonly speak?: string;
  readonly voice: string;
  /** espeak-ng speed in words per minute. */
  readonly rate: number;
}

/** One audio file to transcribe. */
export interface Clip {
  /** File name inside the corpus folder. */
  readonly file: string;
  readonly script: Script;
  /** How the file is encoded, for the report. */
  readonly format: string;
}

const EN: Script = {
  id: "en",
  language: "en",
  voice: "en-us",
  rate: 150,
  text:
    "The quick brown fox jumps over the lazy dog. Please send the report to the team by Friday afternoon. " +
    "We bought twelve eggs, two loaves of bread and a bottle of milk at the market.",
};

/** Longer than one 30-second window, so the app's windowing is exercised. */
const EN_LONG: Script = {
  id: "en-long",
  language: "en",
  voice: "en-us",
  rate: 150,
  text:
    "Last summer my sister and I took the night train from London to Edinburgh. The journey took almost eight hours, " +
    "and we spent most of it talking about our childhood and the old house near the river. When we arrived, the city " +
    "was covered in a thin grey fog, and the castle looked like a drawing in a history book. We walked up the hill, " +
    "found a small cafe that served hot chocolate and fresh bread, and watched the people hurry to work. In the " +
    "afternoon the sun came out, so we climbed to the top of the old volcano and looked over the sea. It was the best " +
    "holiday we have had in years, and we promised each other to do it again next summer.",
};

/** Scripts in other languages; they contain no digits (numbers are spelled out). */
export const SCRIPTS: readonly Script[] = [
  EN,
  EN_LONG,
  {
    id: "de",
    language: "de",
    voice: "de",
    rate: 150,
    text: "Heute ist das Wetter sehr schön. Am Nachmittag gehen wir in den Park und trinken dort einen Kaffee. Morgen fahre ich mit dem Zug nach Berlin.",
  },
  {
    id: "es",
    language: "es",
    voice: "es",
    rate: 150,
    text: "Hoy hace muy buen tiempo. Por la tarde vamos al parque a tomar un café. Mañana viajo en tren a Madrid para visitar a mi familia.",
  },
  {
    id: "fr",
    language: "fr",
    voice: "fr",
    rate: 150,
    text: "Aujourd'hui il fait très beau. Cet après-midi nous allons au parc pour boire un café. Demain je prends le train pour Paris.",
  },
  {
    id: "ru",
    language: "ru",
    voice: "ru",
    rate: 150,
    text: "Сегодня очень хорошая погода. После обеда мы пойдём в парк и выпьем кофе. Завтра я поеду на поезде в Москву.",
  },
  {
    // espeak-ng's Mandarin voice reads Hanzi poorly on Debian (many fall back to English letter
    // names); its pinyin voice with tone numbers is intelligible to Whisper.
    id: "zh",
    language: "zh",
    voice: "cmn-latn-pinyin",
    rate: 120,
    text: "我是中国人。我爱我的家。今天天气很好。",
    speak: "wo3 shi4 zhong1 guo2 ren2. wo3 ai4 wo3 de5 jia1. jin1 tian1 tian1 qi4 hen3 hao3.",
  },
  {
    // espeak-ng's Japanese voice reads kana, not kanji; the transcript is written as Whisper would.
    id: "ja",
    language: "ja",
    voice: "ja",
    rate: 120,
    text: "私は学生です。毎日日本語を勉強します。",
    speak: "わたしは がくせいです。 まいにち にほんごを べんきょう します。",
  },
];

/** The English clip re-encoded: file name, description, ffmpeg output options. */
const ENGLISH_VARIANTS: readonly (readonly [string, string, readonly string[]])[] = [
  ["en-opus-48k.ogg", "Ogg Opus 48 kHz mono 32 kb/s", ["-ar", "48000", "-ac", "1", "-c:a", "libopus", "-b:a", "32k"]],
  ["en-stereo-44k.mp3", "MP3 44.1 kHz stereo 128 kb/s", ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"]],
  ["en-aac-44k.m4a", "M4A (AAC) 44.1 kHz mono 96 kb/s", ["-ar", "44100", "-ac", "1", "-c:a", "aac", "-b:a", "96k"]],
  ["en-opus-48k.webm", "WebM Opus 48 kHz mono 32 kb/s", ["-ar", "48000", "-ac", "1", "-c:a", "libopus", "-b:a", "32k"]],
  ["en-8k.wav", "WAV 8 kHz mono 16-bit", ["-ar", "8000", "-ac", "1", "-c:a", "pcm_s16le"]],
];

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, [...args], { encoding: "utf8" });
  if (result.error !== undefined) throw new Error(`${command} could not be started: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${String(result.status)}): ${result.stderr.trim()}`);
}

/** True when `command` runs (`<command> --version` exits 0 or prints something). */
export function hasCommand(command: string, versionFlag = "--version"): boolean {
  const result = spawnSync(command, [versionFlag], { encoding: "utf8" });
  return result.error === undefined && result.status === 0;
}

/**
 * Speaks every script with espeak-ng into `<dir>/<id>.wav` (22.05 kHz mono, espeak's own rate) and
 * encodes the English clip in the other formats with ffmpeg. Files are rewritten on every run, so
 * the corpus always matches the scripts above. `only` keeps clips whose id or language is listed.
 */
export function makeCorpus(dir: string, only: ReadonlySet<string> | null = null): Clip[] {
  mkdirSync(dir, { recursive: true });
  const clips: Clip[] = [];
  const wanted = (id: string, language: string): boolean => only === null || only.has(id) || only.has(language);
  for (const script of SCRIPTS) {
    const variants = script.id === "en" ? ENGLISH_VARIANTS.filter(([file]) => wanted(file.replace(/\.[^.]+$/, ""), script.language)) : [];
    if (!wanted(script.id, script.language) && variants.length === 0) continue;
    const wav = join(dir, `${script.id}.wav`);
    run("espeak-ng", ["-v", script.voice, "-s", String(script.rate), "-w", wav, script.speak ?? script.text]);
    if (statSync(wav).size < 1000) throw new Error(`espeak-ng wrote an empty clip for "${script.id}" (voice ${script.voice})`);
    if (wanted(script.id, script.language)) clips.push({ file: `${script.id}.wav`, script, format: "WAV 22.05 kHz mono 16-bit (espeak-ng)" });
    for (const [file, format, options] of variants) {
      run("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", wav, ...options, join(dir, file)]);
      clips.push({ file, script, format });
    }
  }
  return clips;
}
