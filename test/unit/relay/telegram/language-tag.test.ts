import { describe, expect, it } from "vitest";
import { languageTag } from "../../../../relay/telegram/language-tag";
import { RELAY_LIMITS } from "../../../../lib/relay/protocol";

describe("languageTag", () => {
  it("keeps Telegram's language_code as sent, region and all", () => {
    expect(languageTag("uk")).toBe("uk");
    expect(languageTag("pt-BR")).toBe("pt-BR");
    expect(languageTag("zh-hans")).toBe("zh-hans");
    expect(languageTag(" en ")).toBe("en");
  });

  it("gives null for no code, and for anything that is not a short language tag", () => {
    for (const bad of [undefined, null, "", "e", "en US", "<script>", "12", `en-${"a".repeat(RELAY_LIMITS.maxLanguageCodeChars)}`]) {
      expect(languageTag(bad)).toBeNull();
    }
  });
});
