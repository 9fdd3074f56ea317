// Preloaded into the relay by scripts/relay-soak.ts (`node --import`): every RELAY_SOAK_PROBE_MS it
// prints one line "@@soak-probe {json}" with the event-loop delay since the last line
// (perf_hooks.monitorEventLoopDelay sampling every 10 ms; in ms beyond those 10 ms) and the open
// handles (process.getActiveResourcesInfo(), by kind). Plain JavaScript so the relay runs bundled
// under plain node, as deployed, with nothing else loaded.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setInterval } from "node:timers";

const RESOLUTION_MS = 10;
const every = Number(process.env.RELAY_SOAK_PROBE_MS) || 5000;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
const beyond = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
setInterval(() => {
  const resources = process.getActiveResourcesInfo();
  const kinds = {};
  for (const kind of resources) kinds[kind] = (kinds[kind] ?? 0) + 1;
  const line = { p50: beyond(delay.percentile(50)), p99: beyond(delay.percentile(99)), max: beyond(delay.max), handles: resources.length, kinds };
  delay.reset();
  process.stdout.write(`@@soak-probe ${JSON.stringify(line)}\n`);
}, every).unref();
