// The container's entry point (copied to /app/container-start.mjs): runs the standalone Next server
// (PORT) and the bundled relay (RELAY_PORT) side by side, as `npm start` does. If one exits, so does
// the other, so the container stops and the orchestrator restarts it. CONTAINER_ROLE=app or relay
// runs only one of them (compose's Redis profile runs relays on their own).
import { RELAY_NODE_FLAGS, runTogether } from "./run-together.mjs";
import { spawn } from "node:child_process";

const role = process.env.CONTAINER_ROLE ?? "both";
const env = { ...process.env, HOSTNAME: process.env.HOST ?? "0.0.0.0" };
const children = [];
if (role === "both" || role === "app") children.push(spawn(process.execPath, ["server.js"], { stdio: "inherit", env }));
if (role === "both" || role === "relay") children.push(spawn(process.execPath, [...RELAY_NODE_FLAGS, "relay-dist/relay.cjs"], { stdio: "inherit", env }));
if (children.length === 0) {
  process.stderr.write(`[container] CONTAINER_ROLE must be both, app or relay (got "${role}")\n`);
  process.exit(2);
}

runTogether(children);
