/**
 * Text normalisation and error rates for the accuracy evaluation (`npm run eval:accuracy`).
 *
 * Both the browser's and the reference's transcript go through the same normalisation before they
 * are compared with the script the clip was spoken from, so the normalisation never favours one
 * side. The rules, in order:
 *
 * 1. Unicode NFKC (full-width letters and digits become ASCII, ligatures are split).
 * 2. Lower case (`toLowerCase`, locale-independent).
 * 3. English only: numbers written in digits become words as spoken ("12" → "twelve",
 *    "1,250" → "one thousand two hundred fifty", "3.5" → "three point five", "%" → "percent");
 *    "and" inside numbers is not inserted, and the scripts spell their numbers the same way. Other
 *    languages keep digits as they are (their scripts contain no numbers).
 * 4. Apostrophes (' ’ ʼ) are removed ("don't" → "dont", French "l'homme" → "lhomme").
 * 5. Every other punctuation mark or symbol (Unicode categories P and S: . , ! ? ; : - — « » 。 、 …)
 *    becomes a space, so "twenty-five" is two words.
 * 6. Runs of whitespace become one space; leading and trailing space is dropped.
 *
 * Word error rate (WER) = (substitutions + deletions + insertions) / words in the script × 100,
 * from a Levenshtein alignment of the word sequences. Chinese and Japanese are written without
 * spaces, so they get the character error rate (CER) instead: the same formula over Unicode code
 * points after all whitespace is removed. No script conversion is made (traditional vs simplified
 * Chinese, kana vs kanji count as different characters). Rates can exceed 100 (many insertions).
 */

/** Languages scored by characters rather than words. */
export const CER_LANGUAGES: ReadonlySet<string> = new Set(["zh", "ja", "yue"]);

/** Which unit a language is scored in. */
export function metricFor(language: string): "WER" | "CER" {
  return CER_LANGUAGES.has(language) ? "CER" : "WER";
}

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES: readonly (readonly [number, string])[] = [
  [1_000_000_000, "billion"],
  [1_000_000, "million"],
  [1_000, "thousand"],
];

function underHundred(n: number): string {
  if (n < 20) return ONES[n] ?? String(n);
  const ten = TENS[Math.floor(n / 10)] ?? "";
  return n % 10 === 0 ? ten : `${ten} ${ONES[n % 10] ?? ""}`;
}

function underThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(`${ONES[hundreds] ?? ""} hundred`);
  if (rest > 0 || hundreds === 0) parts.push(underHundred(rest));
  return parts.join(" ");
}

/** An English integer (0 ≤ n < 10¹²) in words, without "and": 1250 → "one thousand two hundred fifty". */
export function englishInteger(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 1e12) return String(n);
  if (n < 1000) return underThousand(n);
  const parts: string[] = [];
  let rest = n;
  for (const [size, name] of SCALES) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${underThousand(count)} ${name}`);
    rest %= size;
  }
  if (rest > 0) parts.push(underThousand(rest));
  return parts.join(" ");
}

/** Digits as English words: "12" → "twelve", "3.5" → "three point five", "07" → "zero seven". */
export function englishNumber(digits: string): string {
  const [whole = "", fraction] = digits.split(".");
  const spoken = /^0\d/.test(whole) ? [...whole].map((d) => ONES[Number(d)] ?? d).join(" ") : englishInteger(Number(whole));
  if (fraction === undefined || fraction === "") return spoken;
  return `${spoken} point ${[...fraction].map((d) => ONES[Number(d)] ?? d).join(" ")}`;
}

function spellEnglishNumbers(text: string): string {
  return text
    .replace(/(\d),(?=\d{3}\b)/g, "$1")
    .replace(/(\d+(?:\.\d+)?)\s*%/g, "$1 percent")
    .replace(/\d+(?:\.\d+)?/g, (match) => ` ${englishNumber(match)} `);
}

/** Normalises a transcript or script for scoring (see the module comment for the rules). */
export function normalizeText(text: string, language: string): string {
  let out = text.normalize("NFKC").toLowerCase();
  if (language === "en") out = spellEnglishNumbers(out);
  out = out.replace(/['’ʼ]/g, "");
  out = out.replace(/[\p{P}\p{S}]/gu, " ");
  return out.replace(/\s+/gu, " ").trim();
}

/** The units a normalised text is scored in: words, or characters for {@link CER_LANGUAGES}. */
export function scoringUnits(text: string, language: string): string[] {
  const normalized = normalizeText(text, language);
  if (CER_LANGUAGES.has(language)) return Array.from(normalized.replace(/\s+/gu, ""));
  return normalized === "" ? [] : normalized.split(" ");
}

/** Counts of a Levenshtein alignment between a reference and a hypothesis sequence. */
export interface EditCounts {
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
  /** Length of the reference sequence. */
  readonly reference: number;
}

/** Minimum-edit alignment of `hypothesis` against `reference`, with the kinds of edit counted. */
export function editCounts(reference: readonly string[], hypothesis: readonly string[]): EditCounts {
  interface Cell {
    readonly cost: number;
    readonly s: number;
    readonly d: number;
    readonly i: number;
  }
  let previous: Cell[] = Array.from({ length: hypothesis.length + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= reference.length; r += 1) {
    const row: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let h = 1; h <= hypothesis.length; h += 1) {
      const diagonal = previous[h - 1];
      const up = previous[h];
      const left = row[h - 1];
      if (diagonal === undefined || up === undefined || left === undefined) throw new Error("alignment table out of range");
      const same = reference[r - 1] === hypothesis[h - 1];
      const candidates: Cell[] = [
        same ? diagonal : { cost: diagonal.cost + 1, s: diagonal.s + 1, d: diagonal.d, i: diagonal.i },
        { cost: up.cost + 1, s: up.s, d: up.d + 1, i: up.i },
        { cost: left.cost + 1, s: left.s, d: left.d, i: left.i + 1 },
      ];
      let best = candidates[0] ?? diagonal;
      for (const candidate of candidates) if (candidate.cost < best.cost) best = candidate;
      row.push(best);
    }
    previous = row;
  }
  const last = previous[hypothesis.length] ?? { cost: 0, s: 0, d: 0, i: 0 };
  return { substitutions: last.s, deletions: last.d, insertions: last.i, reference: reference.length };
}

/** A transcript scored against its script. */
export interface Score extends EditCounts {
  readonly metric: "WER" | "CER";
  /** Error rate in percent (points); can exceed 100. */
  readonly rate: number;
  readonly normalizedReference: string;
  readonly normalizedHypothesis: string;
}

/** WER (or CER for Chinese and Japanese) of `hypothesis` against the `script`, in percent. */
export function scoreTranscript(script: string, hypothesis: string, language: string): Score {
  const reference = scoringUnits(script, language);
  const hyp = scoringUnits(hypothesis, language);
  const counts = editCounts(reference, hyp);
  const errors = counts.substitutions + counts.deletions + counts.insertions;
  const rate = reference.length === 0 ? (hyp.length === 0 ? 0 : 100) : (100 * errors) / reference.length;
  return {
    ...counts,
    metric: metricFor(language),
    rate,
    normalizedReference: CER_LANGUAGES.has(language) ? reference.join("") : reference.join(" "),
    normalizedHypothesis: CER_LANGUAGES.has(language) ? hyp.join("") : hyp.join(" "),
  };
}
