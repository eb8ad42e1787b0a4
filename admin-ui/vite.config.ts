import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// base "/_/": the console is served under that prefix by the Cairn binary.
export default defineConfig({
  base: "/_/",
  plugins: [svelte()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, modulePreload: { polyfill: false } },
});
