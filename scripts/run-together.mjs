// Supervision shared by `npm start` (scripts/start.mjs) and the container (scripts/container-start.mjs):
// the app and the relay run side by side; when one exits, the other is stopped and the process exits
// with the first one's code, so a supervisor (a terminal, a container runtime) sees one failure.

/** The relay's glibc allocator settings: freed stream buffers are given back (see relay/README.md). */
export const RELAY_MALLOC_ENV = { MALLOC_ARENA_MAX: "1", MALLOC_TRIM_THRESHOLD_: "0" };

/**
 * The relay's node flags: V8's young generation capped at 2 MB semi-spaces (it otherwise grows to
 * 16 MB each under request traffic, ~25 MB of RSS the relay's short-lived objects never need; see
 * relay/README.md, "Memory"). Must be given on the command line: V8 sizes its heap at start.
 */
export const RELAY_NODE_FLAGS = ["--max-semi-space-size=2"];

/** Stops every child when one exits or on SIGINT/SIGTERM; exits within 5 s either way. */
export function runTogether(children) {
  let stopping = false;
  function stopAll(code) {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    setTimeout(() => process.exit(code), 5000).unref();
    Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : null))).then(() => process.exit(code));
  }
  for (const child of children) child.once("exit", (code) => stopAll(code ?? 1));
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(0));
}
