/**
 * The web app's server-side configuration, read from the environment once per process and checked
 * with precise messages. Only the part in {@link ClientConfig} is sent to the browser.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "./errors";
import type { ModelSource } from "./model/catalog";
import { readModelManifest } from "./model/model-folder";
import type { ModelManifest } from "./model/model-manifest";

/** A bad environment variable; the message names it and says what is expected. */
export class ConfigError extends AppError {
  override readonly name = "ConfigError";
}

/** The part of {@link ClientConfig} fixed for the life of the process. */
export interface StaticClientConfig {
  readonly modelSource: ModelSource;
  /** Base URL of the relay for browser sessions, or null to use this host on `relayPort`. */
  readonly relayUrl: string | null;
  readonly relayPort: number;
}

/** What the browser needs to know about the deployment; build it with {@link clientConfig}. */
export interface ClientConfig extends StaticClientConfig {
  /** What the self-hosted folder holds, read at request time; null with the Hub (anything may be fetched). */
  readonly installed: ModelManifest | null;
}

/** Server-side configuration of the web app. */
export interface AppConfig {
  /** Absolute path of the self-hosted model folder (`WHISPER_MODELS_DIR`), or null for the Hub. */
  readonly modelsDir: string | null;
  readonly client: StaticClientConfig;
}

/** URL path under which the self-hosted model folder is served. */
export const MODELS_URL_PATH = "/models/";

function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError("config", `${name} must be a port number from 1 to 65535, got "${raw}"`);
  return port;
}

/** `HF_ENDPOINT` without trailing slashes, or undefined when unset; throws unless it is an http(s) URL. */
function parseHubEndpoint(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const endpoint = raw.replace(/\/+$/, "");
  let url: URL | null;
  try {
    url = new URL(endpoint);
  } catch {
    url = null;
  }
  if (url === null || !/^https?:$/.test(url.protocol) || url.search !== "" || url.hash !== "") {
    throw new ConfigError("config", `HF_ENDPOINT must be the http(s) address of the Hugging Face Hub or a mirror of it, e.g. https://hf-mirror.com, got "${raw}"`);
  }
  return endpoint;
}

/** Parses the app's environment; throws ConfigError naming the first bad variable. */
export function parseAppConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const rawDir = env.WHISPER_MODELS_DIR;
  let modelsDir: string | null = null;
  if (rawDir !== undefined && rawDir !== "") {
    modelsDir = resolve(rawDir);
    if (!existsSync(/*turbopackIgnore: true*/ modelsDir) || !statSync(/*turbopackIgnore: true*/ modelsDir).isDirectory()) {
      throw new ConfigError("config", `WHISPER_MODELS_DIR points at "${modelsDir}", which is not a folder. Fill it with \`npm run models:download\` or unset it to use the Hugging Face Hub.`);
    }
  }
  const endpoint = parseHubEndpoint(env.HF_ENDPOINT);
  const relayUrl = env.RELAY_PUBLIC_URL === undefined || env.RELAY_PUBLIC_URL === "" ? null : env.RELAY_PUBLIC_URL.replace(/\/+$/, "");
  if (relayUrl !== null && !/^https?:\/\//.test(relayUrl)) throw new ConfigError("config", `RELAY_PUBLIC_URL must start with http:// or https://, got "${relayUrl}"`);
  return {
    modelsDir,
    client: {
      modelSource: modelsDir !== null ? { kind: "self-hosted", baseUrl: MODELS_URL_PATH } : endpoint === undefined ? { kind: "hub" } : { kind: "hub", endpoint },
      relayUrl,
      relayPort: parsePort("RELAY_PORT", env.RELAY_PORT, 3001),
    },
  };
}

let cached: AppConfig | null = null;

/** The configuration of this process, parsed on first use. */
export function appConfig(): AppConfig {
  cached ??= parseAppConfig(process.env);
  return cached;
}

/** The configuration the page hands to the browser, with the model folder's manifest read now. */
export async function clientConfig(config: AppConfig = appConfig()): Promise<ClientConfig> {
  return { ...config.client, installed: config.modelsDir === null ? null : await readModelManifest(config.modelsDir) };
}
