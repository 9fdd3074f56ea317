import { describe, expect, it } from "vitest";
import { LINK_CODE_LENGTH, normalizeLinkCode } from "@/lib/relay/link-code";

describe("normalizeLinkCode", () => {
  it("cleans a typed code", () => {
    expect(normalizeLinkCode(" 7kq2-m9xd ")).toBe("7KQ2M9XD");
    expect(normalizeLinkCode(" - ")).toBeNull();
  });

  it("folds look-alikes and refuses what cannot be a code", () => {
    expect(normalizeLinkCode(" ab1o-i2lk ")).toBe("AB10121K");
    expect(normalizeLinkCode("ABCD-EFG")).toBeNull();
    expect(normalizeLinkCode("ABCD-EFGU")).toBeNull();
    expect(normalizeLinkCode("7KQ2M9XD")?.length).toBe(LINK_CODE_LENGTH);
  });
});
