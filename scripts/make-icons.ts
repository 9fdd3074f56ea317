// Renders the app's PNG icons from the SVG sources in public/ with the system Chromium, so the
// committed PNGs can be regenerated whenever the artwork changes: `npx tsx scripts/make-icons.ts`.
//   icon.svg          → icon-192.png, icon-512.png (rounded, transparent corners: "any" purpose)
//   icon-maskable.svg → icon-maskable-512.png (full bleed, glyph inside the 80 % safe zone),
//                       apple-touch-icon.png (180 px; iOS rounds the corners itself)
import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_ARGS, findChromium } from "../test/support/chromium";

const publicDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public");

const outputs: readonly { readonly source: string; readonly out: string; readonly size: number }[] = [
  { source: "icon.svg", out: "icon-192.png", size: 192 },
  { source: "icon.svg", out: "icon-512.png", size: 512 },
  { source: "icon-maskable.svg", out: "icon-maskable-512.png", size: 512 },
  { source: "icon-maskable.svg", out: "apple-touch-icon.png", size: 180 },
];

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const { source, out, size } of outputs) {
      const svg = readFileSync(join(publicDir, source), "utf8");
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:transparent">` +
          `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
      await page.screenshot({ path: join(publicDir, out), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      console.info(`[make-icons] ${out} (${size}×${size}) from ${source}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
