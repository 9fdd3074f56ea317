/**
 * The user's transcription settings, kept in localStorage. Parsing is defensive: anything stored by
 * an older version, or edited by hand, falls back to the default field by field.
 */
import { isDevice, isModelId, type Device, type ModelId } from "./model/catalog";
import { isQuality, type Quality } from "./model/plan";
import type { KeyValueStorage } from "./storage";

/** What the user chose in the settings panel. */
export interface Settings {
  readonly quality: Quality;
  /** A forced model, or null to let the planner choose. */
  readonly model: ModelId | null;
  /** A forced device, or null to let the planner choose. */
  readonly device: Device | null;
  /** Minutes without a job after which the model is unloaded (0 keeps it loaded). */
  readonly idleUnloadMinutes: number;
}

/** Settings on first use. */
export const DEFAULT_SETTINGS: Settings = { quality: "medium", model: null, device: null, idleUnloadMinutes: 5 };

/** The localStorage key holding {@link Settings} as JSON. */
export const SETTINGS_KEY = "whisper:settings:v1";

function field(record: object, key: string): unknown {
  return key in record ? Reflect.get(record, key) : undefined;
}

/** Reads settings from JSON text, keeping each valid field and defaulting the rest. */
export function parseSettings(text: string | null): Settings {
  if (text === null) return DEFAULT_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_SETTINGS;
  }
  if (typeof raw !== "object" || raw === null) return DEFAULT_SETTINGS;
  const quality = field(raw, "quality");
  const model = field(raw, "model");
  const device = field(raw, "device");
  const idle = field(raw, "idleUnloadMinutes");
  return {
    quality: isQuality(quality) ? quality : DEFAULT_SETTINGS.quality,
    model: isModelId(model) ? model : null,
    device: isDevice(device) ? device : null,
    idleUnloadMinutes: typeof idle === "number" && Number.isFinite(idle) && idle >= 0 && idle <= 24 * 60 ? idle : DEFAULT_SETTINGS.idleUnloadMinutes,
  };
}

/** Loads settings; storage failures (private mode, quota) give the defaults. */
export function loadSettings(storage: KeyValueStorage): Settings {
  try {
    return parseSettings(storage.getItem(SETTINGS_KEY));
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** Saves settings; returns false when storage refused. */
export function saveSettings(storage: KeyValueStorage, settings: Settings): boolean {
  try {
    storage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    return true;
  } catch {
    return false;
  }
}
