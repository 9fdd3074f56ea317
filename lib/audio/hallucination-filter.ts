/**
 * The second guard against silence: on silent or near-silent audio Whisper does not return
 * nothing, it invents "Thanks for watching!", "ご視聴ありがとうございました" or "Subtitles by the
 * Amara.org community" (phrases from the video subtitles it was trained on).
 * {@link shouldDiscardTranscript} runs on the model's text for a window the speech gate
 * (./silence-gate) let through: if the text is a known silence hallucination
 * ({@link matchHallucination}) and the window held little speech, the text is dropped. Pure.
 */
import type { SpeechAnalysis } from "./silence-gate";

/**
 * How sure we are that a phrase is a hallucination. "strong": credits and sign-offs from video
 * subtitles that nobody says into a voice message. "weak": phrases people do say ("Thank you.",
 * "Bye."), which Whisper also invents on silence.
 */
export type HallucinationStrength = "strong" | "weak";

/** What {@link matchHallucination} recognised. */
export interface HallucinationMatch {
  readonly strength: HallucinationStrength;
  /** The normalised phrases that make up the whole text, in order (empty for a text of only symbols or annotations). */
  readonly phrases: readonly string[];
}

/** Known phrases Whisper produces on silence or noise; written as people would, normalised at load. */
const STRONG_PHRASES: readonly string[] = [
  "Thanks for watching", "Thank you for watching", "Thank you so much for watching", "Thanks for watching and see you next time",
  "Thank you for watching and see you next time", "Please subscribe", "Please subscribe to my channel", "Subscribe to my channel",
  "Like and subscribe", "Please like and subscribe", "Don't forget to like and subscribe", "See you in the next video",
  "ご視聴ありがとうございました", "ご清聴ありがとうございました", "チャンネル登録よろしくお願いします", "最後までご視聴いただきありがとうございます",
  "Продолжение следует", "Спасибо за просмотр", "Подписывайтесь на канал", "Ставьте лайки и подписывайтесь на канал",
  "Vielen Dank fürs Zuschauen", "Danke fürs Zuschauen", "Merci d'avoir regardé", "Merci d'avoir regardé cette vidéo",
  "Gracias por ver", "Gracias por ver el video", "Suscríbete", "Obrigado por assistir", "Grazie per la visione",
  "谢谢观看", "感谢观看", "謝謝觀看", "請不吝點贊 訂閱 轉發 打賞支持明鏡與點點欄目", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
  "시청해주셔서 감사합니다", "구독과 좋아요 부탁드립니다",
];

const WEAK_PHRASES: readonly string[] = [
  "you", "Thank you", "Thank you very much", "Thank you so much", "Thanks", "Bye", "Bye bye", "Goodbye", "The end",
  "Thanks for listening", "Thank you for listening", "See you next time", "Dziękuję za uwagę",
  "Спасибо", "Спасибо большое", "ありがとうございました", "ありがとうございます", "Danke", "Merci", "Gracias", "Obrigado", "Grazie",
  "谢谢", "謝謝", "谢谢大家", "감사합니다",
];

/**
 * Credits lines, matched on the normalised text: subtitle and transcription credits in several
 * languages, and Amara.org anywhere. A text matching one of these is a strong hallucination on its own.
 */
const STRONG_PATTERNS: readonly RegExp[] = [
  /amara ?org/u,
  /^subtitles? (by|made by|created by|provided by)\b/u,
  /^(transcription|transcribed|translated|captions?|captioned) by\b/u,
  /^(субтитры|редактор субтитров|корректор)/u,
  /^untertitel(ung)?\b/u,
  /^sous ?titr/u,
  /^subt[ií]tulos?\b/u,
  /^legendas?\b/u,
  /^sottotitoli\b/u,
  /^ondertitel/u,
  /^napisy\b/u,
  /^字幕/u,
  /^mbc 뉴스/u,
];

/** Texts longer than this are never treated as hallucinations (repetition loops included, up to this). */
const MAX_HALLUCINATION_CHARS = 2_000;

/**
 * Lower-cases, applies NFKC, drops bracketed annotations (`[Music]`, `(applause)`, `*sigh*`) and
 * every punctuation mark and symbol (musical notes, emoji), and collapses whitespace, so phrases
 * compare regardless of how Whisper punctuated them.
 */
export function normalizeForHallucination(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|【[^】]*】|（[^）]*）/gu, " ")
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

interface Phrase {
  readonly text: string;
  readonly strength: HallucinationStrength;
}

function phrases(texts: readonly string[], strength: HallucinationStrength): Phrase[] {
  return texts.map((text) => ({ text: normalizeForHallucination(text), strength }));
}

const PHRASES: readonly Phrase[] = [...phrases(STRONG_PHRASES, "strong"), ...phrases(WEAK_PHRASES, "weak")];

/** Scripts written without spaces between words, where a phrase may end in the middle of a "word". */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Khmer}]/u;

function endsAtBoundary(text: string, end: number): boolean {
  const next = text[end];
  const previous = text[end - 1];
  return next === undefined || next === " " || (previous !== undefined && UNSPACED.test(previous)) || UNSPACED.test(next);
}

/**
 * Recognises a known silence hallucination: the whole text (after {@link normalizeForHallucination})
 * is made only of known phrases, possibly repeated ("Thank you. Thank you."), or only of symbols and
 * bracketed annotations ("♪", "[Music]", "[BLANK_AUDIO]"), or is a subtitle credits line. Returns
 * null for ordinary speech, for an empty text, and for a text that merely contains such a phrase.
 */
export function matchHallucination(text: string): HallucinationMatch | null {
  if (text.trim().length === 0 || text.length > MAX_HALLUCINATION_CHARS) return null;
  const normalized = normalizeForHallucination(text);
  if (normalized.length === 0) return { strength: "strong", phrases: [] };
  if (STRONG_PATTERNS.some((pattern) => pattern.test(normalized)) && normalized.length <= 200) return { strength: "strong", phrases: [normalized] };
  // Which prefixes of the text can be split into known phrases; best[i] is one such split of text[0, i).
  const best: Array<Phrase[] | undefined> = new Array<Phrase[] | undefined>(normalized.length + 1);
  best[0] = [];
  for (let i = 0; i < normalized.length; i += 1) {
    const before = best[i];
    if (before === undefined) continue;
    if (normalized[i] === " ") {
      best[i + 1] ??= before;
      continue;
    }
    for (const phrase of PHRASES) {
      const end = i + phrase.text.length;
      if (best[end] === undefined && normalized.startsWith(phrase.text, i) && endsAtBoundary(normalized, end)) best[end] = [...before, phrase];
    }
  }
  const split = best[normalized.length];
  if (split === undefined || split.length === 0) return null;
  return { strength: split.some((phrase) => phrase.strength === "strong") ? "strong" : "weak", phrases: split.map((phrase) => phrase.text) };
}

/** True when `text` is a known Whisper silence hallucination; see {@link matchHallucination}. */
export function isLikelyHallucination(text: string): boolean {
  return matchHallucination(text) !== null;
}

/** Limits for {@link shouldDiscardTranscript}, in seconds of voiced audio. */
export interface DiscardOptions {
  /** A strong hallucination is dropped when the window had less voiced time than this; default 3 s. */
  readonly strongBelowSeconds?: number;
  /** A weak one ("Thank you.") only below this; default 0.4 s, i.e. when there was next to no speech. */
  readonly weakBelowSeconds?: number;
}

/**
 * The second guard: true when the model's `text` for a window should be thrown away because it is a
 * known hallucination and the gate heard little speech in that window. Empty text is always
 * discarded. A real "Thank you." spoken clearly survives; "Thanks for watching!" over a cough does not.
 */
export function shouldDiscardTranscript(text: string, analysis: Pick<SpeechAnalysis, "voicedSeconds">, options: DiscardOptions = {}): boolean {
  if (text.trim().length === 0) return true;
  const match = matchHallucination(text);
  if (match === null) return false;
  const limit = match.strength === "strong" ? (options.strongBelowSeconds ?? 3) : (options.weakBelowSeconds ?? 0.4);
  return analysis.voicedSeconds < limit;
}
