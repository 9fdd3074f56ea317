import { describe, expect, it } from "vitest";
import {
  HISTORY_DB_NAME,
  HISTORY_DB_VERSION,
  MAX_TITLE_CHARS,
  TranscriptHistoryError,
  createTranscriptRecord,
  defaultTitle,
  filterTranscripts,
  findMatches,
  foldForSearch,
  isTranscriptRecord,
  isTranscriptSource,
  makeSnippet,
  matchesQuery,
  newTranscriptId,
  normalizeTitle,
  openTranscriptHistory,
  queryTerms,
  sortNewestFirst,
  type TranscriptRecord,
} from "../../../../lib/history/transcript-history";

function record(overrides: Partial<TranscriptRecord> = {}): TranscriptRecord {
  return {
    id: "a",
    title: "Title",
    createdAt: 1_000,
    updatedAt: 1_000,
    source: "file",
    duration: 3,
    language: "en",
    text: "Hello world",
    segments: [{ start: 0, end: 3, text: "Hello world" }],
    ...overrides,
  };
}

describe("isTranscriptRecord", () => {
  it("accepts a full record and one without the optional fields", () => {
    expect(isTranscriptRecord(record())).toBe(true);
    expect(isTranscriptRecord(record({ fileName: "a.ogg", model: "whisper-tiny", language: null }))).toBe(true);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["an array", []],
    ["an empty id", record({ id: "" })],
    ["a bad source", { ...record(), source: "email" }],
    ["a negative time", record({ createdAt: -1 })],
    ["a NaN duration", record({ duration: Number.NaN })],
    ["a numeric language", { ...record(), language: 1 }],
    ["a bad segment", { ...record(), segments: [{ start: 0, end: 1 }] }],
    ["segments not an array", { ...record(), segments: "x" }],
    ["a numeric fileName", { ...record(), fileName: 3 }],
    ["a missing text", { ...record(), text: undefined }],
  ])("refuses %s", (_, value) => {
    expect(isTranscriptRecord(value)).toBe(false);
  });

  it("knows the sources", () => {
    expect(["file", "recording", "telegram"].every(isTranscriptSource)).toBe(true);
    expect(isTranscriptSource("upload")).toBe(false);
  });
});

describe("titles", () => {
  it("cleans titles", () => {
    expect(normalizeTitle("  Weekly \n  sync  ")).toBe("Weekly sync");
    expect(normalizeTitle(" \t ")).toBeNull();
    const long = normalizeTitle("🎙️".repeat(300)) ?? "";
    expect(Array.from(long).length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(long).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it("defaults to the file name without its extension", () => {
    expect(defaultTitle({ source: "file", fileName: "meeting.2024.ogg", text: "x" })).toBe("meeting.2024");
    expect(defaultTitle({ source: "file", fileName: ".ogg", text: "Some words" })).toBe(".ogg");
  });

  it("falls back to the first words, then to the source", () => {
    expect(defaultTitle({ source: "recording", text: "  Call the plumber about the sink  " })).toBe("Call the plumber about the sink");
    expect(defaultTitle({ source: "recording", text: "one two three four five six seven eight nine ten" })).toBe("one two three four five six seven eight…");
    expect(defaultTitle({ source: "recording", text: "x".repeat(100) })).toBe(`${"x".repeat(60)}…`);
    expect(defaultTitle({ source: "recording", text: "" })).toBe("Recording");
    expect(defaultTitle({ source: "telegram", text: " " })).toBe("Telegram voice message");
    expect(defaultTitle({ source: "file", fileName: "   ", text: "" })).toBe("Transcript");
  });
});

describe("createTranscriptRecord", () => {
  it("fills in id, times and title, and copies segments", () => {
    const segments = [{ start: 0, end: 1, text: "Hi", extra: true }];
    const created = createTranscriptRecord({ source: "file", fileName: "voice.ogg", text: "Hi", segments, duration: 1, language: "en", model: "whisper-base" }, 42, "id-1");
    expect(created).toEqual({
      id: "id-1",
      title: "voice",
      createdAt: 42,
      updatedAt: 42,
      source: "file",
      fileName: "voice.ogg",
      duration: 1,
      language: "en",
      text: "Hi",
      segments: [{ start: 0, end: 1, text: "Hi" }],
      model: "whisper-base",
    });
    expect(isTranscriptRecord(created)).toBe(true);
  });

  it("keeps a given title, clamps a bad duration and omits absent optionals", () => {
    const created = createTranscriptRecord({ source: "recording", title: "  Mine ", text: "", segments: [], duration: Number.NaN, language: null }, 1, "x");
    expect(created.title).toBe("Mine");
    expect(created.duration).toBe(0);
    expect(created).not.toHaveProperty("fileName");
    expect(created).not.toHaveProperty("model");
    expect(isTranscriptRecord(created)).toBe(true);
  });

  it("makes unique ids", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newTranscriptId()));
    expect(ids.size).toBe(50);
    expect(isTranscriptRecord(createTranscriptRecord({ source: "telegram", text: "a", segments: [], duration: 1, language: null }))).toBe(true);
  });
});

describe("sortNewestFirst", () => {
  it("sorts by createdAt descending, then id, without mutating", () => {
    const input = [record({ id: "a", createdAt: 1 }), record({ id: "c", createdAt: 3 }), record({ id: "b", createdAt: 3 })];
    expect(sortNewestFirst(input).map((r) => r.id)).toEqual(["c", "b", "a"]);
    expect(input.map((r) => r.id)).toEqual(["a", "c", "b"]);
  });
});

describe("search", () => {
  it("folds case, accents, width and special letters", () => {
    expect(foldForSearch("Crème BRÛLÉE")).toBe("creme brulee");
    expect(foldForSearch("Ёлка")).toBe("елка");
    expect(foldForSearch("Straße")).toBe("strasse");
    expect(foldForSearch("Ｗｈｉｓｐｅｒ")).toBe("whisper");
    expect(foldForSearch("ΟΔΟΣ")).toBe(foldForSearch("οδοσ"));
    expect(foldForSearch("Łódź")).toBe("lodz");
    expect(foldForSearch("e\u0301")).toBe("e");
  });

  it("keeps marks that change a letter outside the Latin, Greek and Cyrillic scripts", () => {
    expect(foldForSearch("が")).not.toBe(foldForSearch("か"));
    expect(foldForSearch("がんばって")).toContain(foldForSearch("が"));
  });

  it("splits the query into distinct terms", () => {
    expect(queryTerms("  Hello   hello WORLD ")).toEqual(["hello", "world"]);
    expect(queryTerms("   ")).toEqual([]);
  });

  it("matches every term in the title or the text", () => {
    const r = record({ title: "Réunion d'équipe", text: "Nous avons parlé du budget." });
    expect(matchesQuery(r, "")).toBe(true);
    expect(matchesQuery(r, "reunion")).toBe(true);
    expect(matchesQuery(r, "PARLE")).toBe(true);
    expect(matchesQuery(r, "equipe budget")).toBe(true);
    expect(matchesQuery(r, "budget vacances")).toBe(false);
    expect(matchesQuery(r, "udg")).toBe(true);
    expect(matchesQuery(record({ title: "x", text: "東京で会いましょう" }), "東京")).toBe(true);
    expect(matchesQuery(record({ title: "x", text: "Привет, мир" }), "ПРИВЕТ")).toBe(true);
  });

  it("does not match across the title/text seam", () => {
    expect(matchesQuery(record({ title: "abc", text: "def" }), "cdef")).toBe(false);
  });

  it("filters and sorts newest first", () => {
    const records = [
      record({ id: "1", createdAt: 1, text: "apple pie" }),
      record({ id: "2", createdAt: 2, text: "banana" }),
      record({ id: "3", createdAt: 3, text: "Apple juice" }),
    ];
    expect(filterTranscripts(records, "apple").map((r) => r.id)).toEqual(["3", "1"]);
    expect(filterTranscripts(records, "").map((r) => r.id)).toEqual(["3", "2", "1"]);
  });
});

describe("findMatches", () => {
  it("gives ranges in the original text", () => {
    const text = "Crème brûlée, then more crème.";
    const ranges = findMatches(text, "creme");
    expect(ranges.map((r) => text.slice(r.start, r.end))).toEqual(["Crème", "crème"]);
  });

  it("maps through decomposed accents, emoji and expanded letters", () => {
    const decomposed = "cafe\u0301 🎙️ Straße";
    const [cafe] = findMatches(decomposed, "CAFÉ");
    expect(cafe && decomposed.slice(cafe.start, cafe.end)).toBe("cafe\u0301");
    const [strasse] = findMatches(decomposed, "strasse");
    expect(strasse && decomposed.slice(strasse.start, strasse.end)).toBe("Straße");
    const [ss] = findMatches(decomposed, "ss");
    expect(ss && decomposed.slice(ss.start, ss.end)).toBe("ß");
  });

  it("merges overlapping matches of several terms, sorted", () => {
    const text = "banana bandana";
    expect(findMatches(text, "ana ban")).toEqual([
      { start: 0, end: 6 },
      { start: 7, end: 10 },
      { start: 11, end: 14 },
    ]);
  });

  it("is empty for an empty query or no match, and honours the limit", () => {
    expect(findMatches("abc", " ")).toEqual([]);
    expect(findMatches("abc", "x")).toEqual([]);
    expect(findMatches("a a a a a", "a", 2)).toHaveLength(2);
  });
});

describe("makeSnippet", () => {
  it("cuts around the first match with ellipses and shifted ranges", () => {
    const text = `${"lorem ipsum ".repeat(20)}the budget is approved ${"dolor sit ".repeat(20)}`;
    const snippet = makeSnippet(text, "budget", 20);
    expect(snippet).not.toBeNull();
    if (snippet === null) return;
    expect(snippet.text.startsWith("…")).toBe(true);
    expect(snippet.text.endsWith("…")).toBe(true);
    const [first] = snippet.matches;
    expect(first && snippet.text.slice(first.start, first.end)).toBe("budget");
    expect(snippet.text.length).toBeLessThan(60);
  });

  it("keeps short texts whole and collapses whitespace", () => {
    const snippet = makeSnippet("Call   Anna\nabout the flat", "anna");
    expect(snippet).toEqual({ text: "Call Anna about the flat", matches: [{ start: 5, end: 9 }] });
  });

  it("is null when only the title matched", () => {
    expect(makeSnippet("nothing here", "budget")).toBeNull();
  });
});

describe("openTranscriptHistory without IndexedDB", () => {
  it("fails with history-unavailable when there is no IndexedDB", async () => {
    await expect(openTranscriptHistory({ indexedDB: undefined })).rejects.toMatchObject({ name: "TranscriptHistoryError", code: "history-unavailable" });
  });

  it("fails with history-unavailable when open() throws (sandboxed frames, blocked storage)", async () => {
    const factory = {
      open: () => {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    } as unknown as IDBFactory;
    const error = await openTranscriptHistory({ indexedDB: factory }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptHistoryError);
    expect(error).toMatchObject({ code: "history-unavailable" });
    expect((error as TranscriptHistoryError).message).toMatch(/not available/);
  });

  it("fails with history-unavailable when the open request errors (old Firefox private mode)", async () => {
    const opened: Array<{ name: string; version: number }> = [];
    const factory = {
      open(name: string, version: number) {
        opened.push({ name, version });
        const req: { error: DOMException; onerror: (() => void) | null } = { error: new DOMException("A mutation operation was attempted on a database that did not allow mutations.", "InvalidStateError"), onerror: null };
        queueMicrotask(() => req.onerror?.());
        return req;
      },
    } as unknown as IDBFactory;
    await expect(openTranscriptHistory({ indexedDB: factory })).rejects.toMatchObject({ code: "history-unavailable" });
    expect(opened).toEqual([{ name: HISTORY_DB_NAME, version: HISTORY_DB_VERSION }]);
  });
});
