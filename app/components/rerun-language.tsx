"use client";

import { useId } from "react";
import { WHISPER_LANGUAGES, languageName } from "@/lib/languages";

/** "Wrong language? Run again in …": one choice re-runs the last file or recording in that language. */
export function RerunLanguage({ used, onRerun }: { readonly used: string | null; readonly onRerun: (language: string) => void }) {
  const id = useId();
  return (
    <p className="rerun-language">
      <label htmlFor={id}>Not {languageName(used)}? Run again in </label>
      <select
        id={id}
        value=""
        data-testid="rerun-language"
        onChange={(event) => {
          if (event.target.value !== "") onRerun(event.target.value);
        }}
      >
        <option value="">a language…</option>
        {Object.entries(WHISPER_LANGUAGES)
          .filter(([code]) => code !== used)
          .map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
      </select>
    </p>
  );
}
