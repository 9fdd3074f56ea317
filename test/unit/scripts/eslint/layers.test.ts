import { join } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, test } from "vitest";
import layers from "../../../../scripts/eslint/layers.mjs";

const root = join(__dirname, "..", "..", "..", "..");

function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: root });
  const messages = linter.verify(
    code,
    [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser }, plugins: { layers }, rules: { "layers/boundaries": "error" } }],
    join(root, file),
  );
  return messages.map((message) => message.message);
}

describe("layers/boundaries", () => {
  test.each([
    ["lib/telegram/x.ts", 'import { a } from "../../relay/config";', "lib/ must not import relay/"],
    ["lib/model/x.ts", 'import { a } from "@/app/hooks/use-relay";', "lib/ must not import app/"],
    ["app/components/x.ts", 'import { a } from "../../relay/texts";', "app/ must not import relay/"],
    ["relay/bot/x.ts", 'export { a } from "../../app/page";', "relay/ must not import app/"],
    ["relay/x.ts", 'const m = import("@/app/page"); export default m;', "relay/ must not import app/"],
  ])("%s: %s is refused", (file, code, message) => {
    expect(lint(file, code).join("\n")).toContain(message);
  });

  test.each([
    ["lib/telegram/x.ts", 'import { a } from "../relay/protocol";'],
    ["app/components/x.ts", 'import { a } from "@/lib/relay/client";'],
    ["relay/bot/x.ts", 'import { a } from "../../lib/languages";'],
    ["test/unit/x.ts", 'import { a } from "../../relay/config";'],
    ["lib/x.ts", 'import { a } from "grammy";'],
  ])("%s: %s is allowed", (file, code) => {
    expect(lint(file, code)).toEqual([]);
  });
});
