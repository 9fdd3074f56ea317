/**
 * The labelled corpus of `npm run bench:vad`: 30-second windows at 16 kHz, each a category, a bed
 * (silence, noise, hum, tones, music) and speech placed at known times. Speech is espeak-ng (several
 * languages and voices), every other sound is SoX (`-R`, its repeatable mode: fixed seeds), and the
 * music is fixed note sequences, so the corpus is the same on every run. Each sound is made once
 * into `.cache/vad/parts/` (raw 32-bit float, named by a hash of its command).
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gainTo, mixWindow, rms, speechIntervals, type Interval, type MixedWindow, type Placement } from "./timeline";

export const RATE = 16_000;
export const WINDOW_SAMPLES = 30 * RATE;

export type Category = "silence" | "noise" | "hum / tones" | "music" | "speech" | "speech + noise" | "speech + music";
export const CATEGORIES: readonly Category[] = ["silence", "noise", "hum / tones", "music", "speech", "speech + noise", "speech + music"];

type Language = "en" | "de" | "ru" | "es" | "fr";

const SENTENCES: Record<Language, readonly string[]> = {
  en: [
    "The quick brown fox jumps over the lazy dog.",
    "Please send me the report before the meeting on Thursday.",
    "I think we should take the train, it is faster than the bus.",
    "The weather today is cold, but the sun is shining.",
    "Can you hear me clearly, or should I speak a little louder?",
    "We bought apples, bread and cheese at the market this morning.",
  ],
  de: [
    "Guten Morgen, wie geht es Ihnen heute?",
    "Ich habe den Bericht gestern Abend fertig geschrieben.",
    "Der Zug nach Berlin fährt um halb neun ab.",
    "Wir treffen uns morgen vor dem Rathaus.",
    "Kannst du mir bitte das Salz geben?",
    "Im Sommer fahren wir mit dem Fahrrad an den See.",
  ],
  ru: [
    "Доброе утро, как у вас дела?",
    "Я прочитал эту книгу за два дня.",
    "Поезд отправляется в восемь часов вечера.",
    "Завтра мы пойдём гулять в парк.",
    "Пожалуйста, перезвоните мне после обеда.",
    "Летом мы часто ездим к бабушке в деревню.",
  ],
  es: [
    "Buenos días, ¿cómo estás hoy?",
    "Mañana vamos a visitar a mis abuelos.",
    "El tren sale de la estación a las nueve.",
    "Me gusta mucho leer libros por la noche.",
    "¿Puedes ayudarme con esta tarea, por favor?",
    "En verano siempre vamos a la playa con mis amigos.",
  ],
  fr: [
    "Bonjour, je voudrais un café, s'il vous plaît.",
    "Nous partons en vacances la semaine prochaine.",
    "Le musée est fermé le mardi.",
    "Il fait très beau aujourd'hui, allons nous promener.",
    "Pouvez-vous répéter la question, s'il vous plaît?",
    "Ma soeur habite à Lyon depuis trois ans.",
  ],
};

/** Speech in a window: sentences of one voice, laid end to end from `from` seconds, or at given times. */
interface SpeechSpec {
  readonly voice: string;
  readonly language: Language;
  readonly speed?: number;
  /** Active-speech RMS, dBFS; default −22. */
  readonly db?: number;
  /** Sentences laid end to end with `gap` seconds between them until the window is full… */
  readonly fill?: { readonly from: number; readonly gap: number };
  /** …or these texts at these times (seconds). */
  readonly at?: readonly { readonly text: string; readonly time: number }[];
}

type Instrument = "pluck" | "organ" | "square";

/** Music: a note (or chord) per beat step, `[]` a rest, repeated over the window; optional drums. */
interface MusicSpec {
  readonly instrument: Instrument;
  readonly beat: number;
  readonly steps: readonly (readonly string[])[];
  readonly drums?: boolean;
}

type BedSpec =
  | { readonly kind: "digital-silence" }
  | { readonly kind: "synth"; readonly synth: readonly string[]; readonly db: number }
  | { readonly kind: "music"; readonly music: MusicSpec; readonly db: number }
  /** A sound switched on and off: `on` seconds every `every` seconds. */
  | { readonly kind: "bursts"; readonly synth: readonly string[]; readonly on: number; readonly every: number; readonly db: number };

export interface WindowSpec {
  readonly name: string;
  readonly category: Category;
  readonly bed: BedSpec;
  readonly speech?: SpeechSpec;
  /** Bed level relative to the speech's active RMS, dB (overrides the bed's own `db`). */
  readonly snr?: number;
}

const noise = (color: "white" | "pink" | "brown", db: number): BedSpec => ({ kind: "synth", synth: [`${color}noise`], db });
const MELODY: MusicSpec = { instrument: "pluck", beat: 0.25, steps: [["C4"], ["E4"], ["G4"], ["C5"], ["B4"], ["G4"], ["E4"], [], ["A3"], ["C4"], ["E4"], ["A4"], ["G4"], ["E4"], ["C4"], []] };
const CHORDS: MusicSpec = { instrument: "pluck", beat: 0.5, steps: [["C3", "E3", "G3"], [], ["A2", "C3", "E3"], ["A2", "C3", "E3"], ["F2", "A2", "C3"], [], ["G2", "B2", "D3"], ["G2", "B2", "D3"]] };
const ORGAN: MusicSpec = { instrument: "organ", beat: 0.6, steps: [["C4", "E4", "G4"], ["C4", "E4", "G4"], ["A3", "C4", "F4"], ["G3", "B3", "D4"], ["E4"], ["D4"], ["C4"], []] };
const ARPEGGIO: MusicSpec = { instrument: "square", beat: 0.15, steps: [["A3"], ["C4"], ["E4"], ["A4"], ["E4"], ["C4"], ["F3"], ["A3"], ["C4"], ["F4"], ["C4"], ["A3"], [], [], [], []] };
const BAND: MusicSpec = { ...MELODY, beat: 0.2, drums: true };

const en = (fill = { from: 0.5, gap: 0.7 }): SpeechSpec => ({ voice: "en", language: "en", fill });
const SPARSE = (voice: string, language: Language, db?: number): SpeechSpec => ({
  voice,
  language,
  db,
  at: [
    { text: SENTENCES[language][0] ?? "", time: 2 },
    { text: SENTENCES[language][2] ?? "", time: 13 },
    { text: SENTENCES[language][4] ?? "", time: 24 },
  ],
});
const ONE_WORD: SpeechSpec = { voice: "en+f3", language: "en", at: [{ text: "Yes.", time: 14 }] };
const SHORT_END: SpeechSpec = { voice: "de", language: "de", at: [{ text: "Danke schön.", time: 28.2 }] };
const HUM_50 = ["sine", "50", "sine", "100", "sine", "150"];

/** The windows: 3 silence, 9 noise, 5 hum/tone, 6 music, 12 speech, 8 speech + noise, 6 speech + music. */
export const WINDOWS: readonly WindowSpec[] = [
  { name: "digital silence", category: "silence", bed: { kind: "digital-silence" } },
  { name: "white dither −90 dBFS", category: "silence", bed: noise("white", -90) },
  { name: "pink room tone −70 dBFS", category: "silence", bed: noise("pink", -70) },
  ...(["white", "pink", "brown"] as const).flatMap((color) =>
    [-55, -40, -25].map((db): WindowSpec => ({ name: `${color} noise ${db} dBFS`, category: "noise", bed: noise(color, db) })),
  ),
  { name: "50 Hz hum + harmonics −30 dBFS", category: "hum / tones", bed: { kind: "synth", synth: HUM_50, db: -30 } },
  { name: "60 Hz hum + brown noise (fan) −35 dBFS", category: "hum / tones", bed: { kind: "synth", synth: ["sine", "60", "sine", "120", "brownnoise"], db: -35 } },
  { name: "1 kHz tone −20 dBFS", category: "hum / tones", bed: { kind: "synth", synth: ["sine", "1000"], db: -20 } },
  { name: "1 kHz beeps 0.5 s every 2 s −20 dBFS", category: "hum / tones", bed: { kind: "bursts", synth: ["sine", "1000"], on: 0.5, every: 2, db: -20 } },
  { name: "pink noise bursts 1 s every 3 s −30 dBFS", category: "hum / tones", bed: { kind: "bursts", synth: ["pinknoise"], on: 1, every: 3, db: -30 } },
  { name: "plucked melody −22 dBFS", category: "music", bed: { kind: "music", music: MELODY, db: -22 } },
  { name: "plucked chords −22 dBFS", category: "music", bed: { kind: "music", music: CHORDS, db: -22 } },
  { name: "organ chords −22 dBFS", category: "music", bed: { kind: "music", music: ORGAN, db: -22 } },
  { name: "square arpeggio −25 dBFS", category: "music", bed: { kind: "music", music: ARPEGGIO, db: -25 } },
  { name: "melody + drums −22 dBFS", category: "music", bed: { kind: "music", music: BAND, db: -22 } },
  { name: "plucked melody −40 dBFS (quiet)", category: "music", bed: { kind: "music", music: MELODY, db: -40 } },
  { name: "en dense", category: "speech", bed: { kind: "digital-silence" }, speech: en() },
  { name: "de dense (f2)", category: "speech", bed: { kind: "digital-silence" }, speech: { voice: "de+f2", language: "de", fill: { from: 0.5, gap: 0.7 } } },
  { name: "ru dense", category: "speech", bed: { kind: "digital-silence" }, speech: { voice: "ru", language: "ru", fill: { from: 0.5, gap: 0.7 } } },
  { name: "es dense (f4)", category: "speech", bed: { kind: "digital-silence" }, speech: { voice: "es+f4", language: "es", fill: { from: 0.5, gap: 0.7 } } },
  { name: "en-us sparse (f3)", category: "speech", bed: { kind: "digital-silence" }, speech: SPARSE("en-us+f3", "en") },
  { name: "fr sparse (m2)", category: "speech", bed: { kind: "digital-silence" }, speech: SPARSE("fr+m2", "fr") },
  { name: "one word \"Yes\" (en f3)", category: "speech", bed: { kind: "digital-silence" }, speech: ONE_WORD },
  { name: "\"Danke schön\" at 28 s (de)", category: "speech", bed: { kind: "digital-silence" }, speech: SHORT_END },
  { name: "en sparse quiet −42 dBFS", category: "speech", bed: { kind: "digital-silence" }, speech: SPARSE("en", "en", -42) },
  { name: "ru fast (220 wpm)", category: "speech", bed: { kind: "digital-silence" }, speech: { voice: "ru", language: "ru", speed: 220, fill: { from: 0.5, gap: 0.4 } } },
  { name: "en whisper voice sparse", category: "speech", bed: { kind: "digital-silence" }, speech: SPARSE("en+whisper", "en") },
  { name: "es slow (m1) sparse", category: "speech", bed: { kind: "digital-silence" }, speech: { ...SPARSE("es+m1", "es"), speed: 120 } },
  { name: "en dense + white noise, SNR 20 dB", category: "speech + noise", bed: noise("white", 0), speech: en(), snr: 20 },
  { name: "de dense + pink noise, SNR 10 dB", category: "speech + noise", bed: noise("pink", 0), speech: { voice: "de", language: "de", fill: { from: 0.5, gap: 0.7 } }, snr: 10 },
  { name: "ru dense + brown noise, SNR 10 dB", category: "speech + noise", bed: noise("brown", 0), speech: { voice: "ru", language: "ru", fill: { from: 0.5, gap: 0.7 } }, snr: 10 },
  { name: "es sparse + white noise, SNR 5 dB", category: "speech + noise", bed: noise("white", 0), speech: SPARSE("es", "es"), snr: 5 },
  { name: "en sparse + pink noise, SNR 10 dB", category: "speech + noise", bed: noise("pink", 0), speech: SPARSE("en+m3", "en"), snr: 10 },
  { name: "one word + white noise, SNR 15 dB", category: "speech + noise", bed: noise("white", 0), speech: ONE_WORD, snr: 15 },
  { name: "quiet en sparse −42 dBFS + brown noise, SNR 15 dB", category: "speech + noise", bed: noise("brown", 0), speech: SPARSE("en", "en", -42), snr: 15 },
  { name: "fr sparse + 50 Hz hum, SNR 10 dB", category: "speech + noise", bed: { kind: "synth", synth: HUM_50, db: 0 }, speech: SPARSE("fr", "fr"), snr: 10 },
  { name: "en dense + plucked melody, SNR 10 dB", category: "speech + music", bed: { kind: "music", music: MELODY, db: 0 }, speech: en(), snr: 10 },
  { name: "de dense + plucked chords, SNR 5 dB", category: "speech + music", bed: { kind: "music", music: CHORDS, db: 0 }, speech: { voice: "de", language: "de", fill: { from: 0.5, gap: 0.7 } }, snr: 5 },
  { name: "ru sparse + organ, SNR 0 dB", category: "speech + music", bed: { kind: "music", music: ORGAN, db: 0 }, speech: SPARSE("ru", "ru"), snr: 0 },
  { name: "es sparse + melody and drums, SNR 10 dB", category: "speech + music", bed: { kind: "music", music: BAND, db: 0 }, speech: SPARSE("es+f4", "es"), snr: 10 },
  { name: "one word + square arpeggio, SNR 5 dB", category: "speech + music", bed: { kind: "music", music: ARPEGGIO, db: 0 }, speech: ONE_WORD, snr: 5 },
  { name: "fr dense + plucked melody, SNR 5 dB", category: "speech + music", bed: { kind: "music", music: MELODY, db: 0 }, speech: { voice: "fr", language: "fr", fill: { from: 0.5, gap: 0.7 } }, snr: 5 },
];

/** Runs `make(path)` once for a key (the whole command, so a changed command makes a new file); returns the cached raw float samples. */
function cached(dir: string, key: readonly string[], make: (path: string) => void): Float32Array {
  const name = createHash("sha1").update(JSON.stringify(key)).digest("hex").slice(0, 16);
  const path = join(dir, `${name}.f32`);
  if (!existsSync(path)) {
    const partial = `${path}.partial`;
    make(partial);
    renameSync(partial, path);
  }
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

const RAW_OUT = ["-r", String(RATE), "-c", "1", "-e", "floating-point", "-b", "32", "-L", "-t", "raw"];

/** `seconds` of a SoX synth (one or several generators, mixed to mono) at 16 kHz. */
function synth(dir: string, generators: readonly string[], seconds: number): Float32Array {
  return cached(dir, ["synth", String(seconds), ...generators], (path) => {
    execFileSync("sox", ["-R", "-r", String(RATE), "-n", ...RAW_OUT, path, "synth", String(seconds), ...generators]);
  });
}

/** One note or chord, `seconds` long with a short fade-out; pluck is made at 48 kHz (SoX needs it) and resampled. */
function note(dir: string, instrument: Instrument, pitches: readonly string[], seconds: number): Float32Array {
  const kind = instrument === "pluck" ? "pluck" : instrument === "organ" ? "sine" : "square";
  const generators = pitches.flatMap((pitch) => [kind, pitch]);
  const shape = instrument === "organ" ? ["tremolo", "5", "30", "fade", "0.03", String(seconds), "0.15"] : ["fade", "0", String(seconds), String(Math.min(0.1, seconds / 3))];
  const effects = ["synth", String(seconds), ...generators, ...shape, "gain", "-12", "rate", String(RATE)];
  return cached(dir, ["note", ...effects], (path) => execFileSync("sox", ["-R", "-r", "48000", "-n", ...RAW_OUT, path, ...effects]));
}

/** A drum hit: a low thump on the beat, a short hiss off it. */
function drum(dir: string, low: boolean): Float32Array {
  const effects = low ? ["synth", "0.12", "brownnoise", "lowpass", "150", "fade", "0", "0.12", "0.1", "gain", "6"] : ["synth", "0.05", "whitenoise", "highpass", "5000", "fade", "0", "0.05", "0.045"];
  return cached(dir, ["drum", ...effects], (path) => execFileSync("sox", ["-R", "-r", String(RATE), "-n", ...RAW_OUT, path, ...effects]));
}

/** A whole window of music: the steps repeated on their beat. */
function music(dir: string, spec: MusicSpec): Float32Array {
  const beat = Math.round(spec.beat * RATE);
  const placements: Placement[] = [];
  const length = spec.instrument === "pluck" ? spec.beat * 1.8 : spec.beat * 0.95;
  for (let step = 0, at = 0; at < WINDOW_SAMPLES; step += 1, at += beat) {
    const pitches = spec.steps[step % spec.steps.length] ?? [];
    if (pitches.length > 0) placements.push({ clip: note(dir, spec.instrument, pitches, Number(length.toFixed(3))), speech: [], at, gain: 1 });
    if (spec.drums === true) placements.push({ clip: drum(dir, step % 2 === 0), speech: [], at, gain: step % 2 === 0 ? 1 : 0.2 });
  }
  return mixWindow(WINDOW_SAMPLES, null, 0, placements).samples;
}

/** A sound switched on for `on` seconds every `every` seconds, with 10 ms ramps. */
function bursts(source: Float32Array, on: number, every: number): Float32Array {
  const out = new Float32Array(WINDOW_SAMPLES);
  const ramp = Math.round(0.01 * RATE);
  const onSamples = Math.round(on * RATE);
  const period = Math.round(every * RATE);
  for (let i = 0; i < WINDOW_SAMPLES; i += 1) {
    const phase = i % period;
    if (phase >= onSamples) continue;
    const envelope = Math.min(1, phase / ramp, (onSamples - phase) / ramp);
    out[i] = (source[i % source.length] ?? 0) * envelope;
  }
  return out;
}

interface Utterance {
  readonly samples: Float32Array;
  readonly speech: Interval[];
}

/** One espeak-ng utterance at 16 kHz, with where it speaks (its own leading and trailing silence excluded). */
function utterance(dir: string, voice: string, text: string, speed: number): Utterance {
  // Down 6 dB before resampling: SoX works in fixed point, and espeak-ng peaks near full scale.
  const effects = ["gain", "-6", "rate", String(RATE)];
  const samples = cached(dir, ["espeak", voice, String(speed), text, ...effects], (path) => {
    const wav = `${path}.wav`;
    execFileSync("espeak-ng", ["-v", voice, "-s", String(speed), "-w", wav, text]);
    execFileSync("sox", ["-R", wav, ...RAW_OUT, path, ...effects]);
    rmSync(wav);
  });
  // Pauses under 200 ms (between words, at commas) are part of the speech; espeak's silence is exact.
  return { samples, speech: speechIntervals(samples, { silence: 1e-4, minGap: Math.round(0.2 * RATE) }) };
}

/** The speech placements of a window, at unit gain, and the gain that brings their active RMS to the target. */
function speechPlacements(dir: string, spec: SpeechSpec): Placement[] {
  const speed = spec.speed ?? 160;
  const raw: Placement[] = [];
  if (spec.fill !== undefined) {
    let time = spec.fill.from;
    for (let i = 0; ; i += 1) {
      const text = SENTENCES[spec.language][i % SENTENCES[spec.language].length] ?? "";
      const said = utterance(dir, spec.voice, text, speed);
      const first = said.speech[0]?.start ?? 0;
      const last = said.speech[said.speech.length - 1]?.end ?? said.samples.length;
      const at = Math.round(time * RATE) - first;
      if (at + last > WINDOW_SAMPLES) break;
      raw.push({ clip: said.samples, speech: said.speech, at, gain: 1 });
      time = (at + last) / RATE + spec.fill.gap;
    }
  }
  for (const item of spec.at ?? []) {
    const said = utterance(dir, spec.voice, item.text, speed);
    raw.push({ clip: said.samples, speech: said.speech, at: Math.round(item.time * RATE) - (said.speech[0]?.start ?? 0), gain: 1 });
  }
  const dry = mixWindow(WINDOW_SAMPLES, null, 0, raw);
  const gain = gainTo(rms(dry.samples, dry.truth), spec.db ?? -22);
  return raw.map((placement) => ({ ...placement, gain }));
}

/** The bed's samples at unit gain (a full window, or null for digital silence). */
function bedSamples(dir: string, bed: BedSpec): Float32Array | null {
  switch (bed.kind) {
    case "digital-silence":
      return null;
    case "synth":
      return synth(dir, bed.synth, 30);
    case "music":
      return music(dir, bed.music);
    case "bursts":
      return bursts(synth(dir, bed.synth, 30), bed.on, bed.every);
  }
}

/** One labelled window: its samples at 16 kHz and its speech intervals. */
export function buildWindow(dir: string, spec: WindowSpec): MixedWindow {
  mkdirSync(dir, { recursive: true });
  const placements = spec.speech === undefined ? [] : speechPlacements(dir, spec.speech);
  const bed = bedSamples(dir, spec.bed);
  let bedDb = spec.bed.kind === "digital-silence" ? 0 : spec.bed.db;
  if (spec.snr !== undefined) bedDb = (spec.speech?.db ?? -22) - spec.snr;
  const bedGain = bed === null ? 0 : gainTo(rms(bed), bedDb);
  const window = mixWindow(WINDOW_SAMPLES, bed, bedGain, placements);
  let peak = 0;
  for (const value of window.samples) peak = Math.max(peak, Math.abs(value));
  if (peak > 1) throw new Error(`${spec.name}: clips (peak ${peak.toFixed(2)})`);
  return window;
}
