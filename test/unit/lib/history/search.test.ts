import { describe, expect, it } from "vitest";
import { filterTranscripts, findMatches, foldForSearch, makeSnippet, matchesQuery, queryTerms } from "../../../../lib/history/search";
import { record } from "../../../support/transcript-record";

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
