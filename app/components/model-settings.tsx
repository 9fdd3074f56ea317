"use client";

import { useId } from "react";
import { isDevice, isModelId, MODELS } from "@/lib/model/catalog";
import { installedModels, type ModelManifest } from "@/lib/model/model-manifest";
import { isQuality, QUALITIES } from "@/lib/model/plan";
import type { Settings } from "@/lib/settings";

const QUALITY_LABELS = { low: "Fast (low)", medium: "Balanced (medium)", high: "Accurate (high)" } as const;

/**
 * Quality, model and device overrides, idle unload, and resetting what the device learned. Only the
 * models `installed` holds are offered (all of them with the Hub, `installed` null).
 */
export function ModelSettings(props: {
  readonly settings: Settings;
  readonly installed: ModelManifest | null;
  readonly onChange: (settings: Settings) => void;
  readonly onResetLearned: () => void;
  readonly disabled: boolean;
}) {
  const { settings, installed, onChange, onResetLearned, disabled } = props;
  const models = installedModels(installed);
  const ids = { quality: useId(), model: useId(), device: useId(), idle: useId() };
  return (
    <details className="settings">
      <summary>Model settings</summary>
      <div className="options">
        <label htmlFor={ids.quality}>Quality</label>
        <select
          id={ids.quality}
          data-testid="quality"
          value={settings.quality}
          disabled={disabled}
          onChange={(event) => {
            const quality = event.target.value;
            if (isQuality(quality)) onChange({ ...settings, quality });
          }}
        >
          {QUALITIES.map((quality) => (
            <option key={quality} value={quality}>
              {QUALITY_LABELS[quality]}
            </option>
          ))}
        </select>
        <label htmlFor={ids.model}>Model</label>
        <select
          id={ids.model}
          data-testid="model-override"
          value={settings.model !== null && models.includes(settings.model) ? settings.model : "auto"}
          disabled={disabled}
          onChange={(event) => onChange({ ...settings, model: isModelId(event.target.value) ? event.target.value : null })}
        >
          <option value="auto">Choose for this device</option>
          {models.map((id) => (
            <option key={id} value={id}>
              {MODELS[id].label}
            </option>
          ))}
        </select>
        <label htmlFor={ids.device}>Runs on</label>
        <select
          id={ids.device}
          data-testid="device-override"
          value={settings.device ?? "auto"}
          disabled={disabled}
          onChange={(event) => onChange({ ...settings, device: isDevice(event.target.value) ? event.target.value : null })}
        >
          <option value="auto">Choose for this device</option>
          <option value="webgpu">GPU (WebGPU)</option>
          <option value="wasm">CPU (WASM)</option>
        </select>
        <label htmlFor={ids.idle}>Unload model after</label>
        <select
          id={ids.idle}
          value={String(settings.idleUnloadMinutes)}
          disabled={disabled}
          onChange={(event) => onChange({ ...settings, idleUnloadMinutes: Number(event.target.value) })}
        >
          <option value="1">1 minute idle</option>
          <option value="5">5 minutes idle</option>
          <option value="30">30 minutes idle</option>
          <option value="0">Never</option>
        </select>
      </div>
      <button type="button" className="button" onClick={onResetLearned} disabled={disabled}>
        Forget what this device learned
      </button>
    </details>
  );
}
