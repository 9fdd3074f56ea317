import { connection } from "next/server";
import { clientConfig } from "@/lib/app-config";
import { TranscribeApp } from "./components/transcribe-app";

export default async function HomePage() {
  // Read the environment at request time, not at build time: one build serves any deployment.
  await connection();
  return <TranscribeApp config={await clientConfig()} />;
}
