import type { MetadataRoute } from "next";
import { SHARE_ACCEPT, SHARE_FILE_FIELD, SHARE_TARGET_PATH } from "@/lib/offline/share-target";

/**
 * The web app manifest (served at /manifest.webmanifest, linked from every page): what an
 * installed app is called and looks like, and the share target that lets another app share a
 * voice note or video with this one (see lib/offline/share-target.ts).
 */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "Voice to text — private Whisper transcription",
    short_name: "Voice to text",
    description: "Transcribe voice messages and recordings privately, with Whisper running on your own device. Works offline once the model is stored.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    orientation: "any",
    // The same colour as the page's light theme-color (app/layout.tsx).
    theme_color: "#f6f7f9",
    background_color: "#f6f7f9",
    categories: ["productivity", "utilities"],
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
    share_target: {
      action: SHARE_TARGET_PATH,
      method: "POST",
      enctype: "multipart/form-data",
      params: {
        title: "title",
        text: "text",
        files: [{ name: SHARE_FILE_FIELD, accept: [...SHARE_ACCEPT] }],
      },
    },
  };
}
