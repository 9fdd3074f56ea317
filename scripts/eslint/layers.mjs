// ESLint rule `layers/boundaries`: the three parts import downwards only. lib/ is shared by the app
// and the relay, so it must not import app/ or relay/; app/ (the browser UI) must not import relay/
// (a Node server); relay/ must not import app/. Specifiers are resolved against the importing file
// (relative paths and the `@/` alias), so `../relay/protocol` inside lib/ is lib/relay, as it is.
import { dirname, relative, resolve, sep } from "node:path";

const FORBIDDEN = {
  lib: ["app", "relay"],
  app: ["relay"],
  relay: ["app"],
};

function topFolder(root, file) {
  const rel = relative(root, file);
  if (rel.startsWith("..")) return null;
  return rel.split(sep)[0] ?? null;
}

/** @type {import("eslint").Rule.RuleModule} */
const boundaries = {
  meta: { type: "problem", messages: { layer: "{{from}}/ must not import {{to}}/ ({{spec}}): keep the layers one-way (lib ← app, lib ← relay)." }, schema: [] },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = topFolder(root, file);
    const banned = from === null ? undefined : FORBIDDEN[from];
    if (banned === undefined) return {};
    function check(node, spec) {
      if (typeof spec !== "string") return;
      let target;
      if (spec.startsWith("@/")) target = resolve(root, spec.slice(2));
      else if (spec.startsWith(".")) target = resolve(dirname(file), spec);
      else return;
      const to = topFolder(root, target);
      if (to !== null && banned.includes(to)) context.report({ node, messageId: "layer", data: { from, to, spec } });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
    };
  },
};

export default { rules: { boundaries } };
