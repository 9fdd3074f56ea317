import type { ESLint } from "eslint";

/** The `layers` ESLint plugin: one rule, `boundaries` (see layers.mjs). */
declare const plugin: ESLint.Plugin;
export default plugin;
