import type { NextConfig } from "next";

const config: NextConfig = {
  // `scripts/test.sh` runs `tsc --noEmit` and eslint right before `next build`; checking the
  // types a second time inside the build only costs CI minutes on 2 cores.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // The generated SDK (src/cairn) imports its own files as `./x.js`, as NodeNext requires.
  // Turbopack cannot map those to the `.ts` files yet (vercel/next.js#82945), so the dashboard
  // builds with webpack (`--webpack`) and this alias.
  experimental: { extensionAlias: { ".js": [".ts", ".tsx", ".js"] }, agentUpgrade: false },
  // Next would otherwise write AGENTS.md/CLAUDE.md into the project on `next dev`.
  agentRules: false,
};

export default config;
