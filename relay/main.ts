/**
 * Entry point: `node --import tsx relay/main.ts`. Reads the environment once, starts the relay,
 * and shuts it down cleanly on SIGINT/SIGTERM. A bad environment stops it with a message naming
 * every bad variable.
 */
import { describeError } from "../lib/errors";
import { createLogger } from "../lib/logger";
import { ConfigError, parseConfig } from "./config";
import { startRelay } from "./relay-app";

const log = createLogger("relay");

function main(): void {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    log.error(error instanceof ConfigError ? error.message : `cannot read the configuration: ${describeError(error)}`);
    process.exitCode = 1;
    return;
  }
  startRelay(config)
    .then((relay) => {
      log.info(`listening on ${relay.url} (store: ${relay.store.kind})`);
      const stop = (signal: string): void => {
        log.info(`${signal}: shutting down`);
        relay.close().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error("shutdown failed", error);
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    })
    .catch((error: unknown) => {
      log.error(`could not start: ${describeError(error)}`, error);
      process.exit(1);
    });
}

main();
