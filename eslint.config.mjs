import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import layers from "./scripts/eslint/layers.mjs";

export default tseslint.config(
  {
    ignores: ["node_modules/", ".next/", ".next-*/", "public/", ".cache/", "test-results/", "playwright-report/", "bench-results/", "next-env.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ["**/*.{ts,tsx}"],
    rules: {
      "no-console": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-assertions": ["error", { assertionStyle: "never" }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "relay/**/*.ts"],
    plugins: { layers },
    rules: { "layers/boundaries": "error" },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Tests and tooling may print and may assert shapes.
    files: ["test/**/*.ts", "scripts/**/*.{mjs,ts}", "*.config.{ts,mjs}"],
    rules: { "no-console": "off", "@typescript-eslint/consistent-type-assertions": "off" },
  },
  {
    files: ["scripts/**/*.mjs", "*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", Buffer: "readonly", fetch: "readonly", AbortController: "readonly", performance: "readonly" } },
  },
);
