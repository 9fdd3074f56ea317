"use client";

import { describeDevice, type DeviceProfile } from "@/lib/model/device-profile";
import { describeAttempt, type Attempt } from "@/lib/model/catalog";
import type { ModelPlan } from "@/lib/model/plan";

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

/** The model in use (or planned), why it was chosen, the device facts behind it and memory in use. */
export function ModelInfo(props: {
  readonly plan: ModelPlan | null;
  readonly profile: DeviceProfile | null;
  readonly active: Attempt | null;
  readonly memoryBytes: number | undefined;
}) {
  const { plan, profile, active, memoryBytes } = props;
  if (plan === null || profile === null) {
    // The same three lines as below, so the answer of the probe moves less of the page.
    return (
      <div data-testid="model-info" className="model-info">
        <p>Checking this device…</p>
        <p>Device: being checked.</p>
        <p>Memory in use: not measured.</p>
      </div>
    );
  }
  const first = plan.attempts[0];
  if (first === undefined) {
    return (
      <p data-testid="model-info" className="model-info">
        {plan.why}
      </p>
    );
  }
  const fallbacks = plan.attempts.slice(1).map(describeAttempt);
  return (
    <div data-testid="model-info" className="model-info">
      <p>
        <strong>{describeAttempt(active ?? first)}</strong>
        {active !== null && describeAttempt(active) !== describeAttempt(first) ? " (fallback)" : ""}. {plan.why}
      </p>
      <p>
        Device: {describeDevice(profile)}.{fallbacks.length > 0 ? ` Fallbacks: ${fallbacks.join(" → ")}.` : ""}
      </p>
      {/* Always there, so the line measured after a run does not push the page down. */}
      <p>Memory in use: {memoryBytes === undefined ? "not measured" : megabytes(memoryBytes)}.</p>
    </div>
  );
}
