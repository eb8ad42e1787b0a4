import type * as React from "react";

import { signOut } from "@/app/(auth)/actions";
import { switchWorkspace } from "@/app/(app)/workspace-actions";
import { CairnUrlProvider } from "@/components/cairn-url";
import { NavLinks } from "@/components/nav-links";
import { ThemeToggle } from "@/components/theme-toggle";
import { VerifyBanner } from "@/components/verify-banner";
import { Button } from "@/components/ui/button";
import { cairnUrl } from "@/lib/config";
import { session } from "@/lib/session";

/** The signed-in shell: header (workspace switcher, theme, sign out), navigation, content. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const { user, workspaces, workspace } = await session();
  return (
    <CairnUrlProvider url={cairnUrl()}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <header className="border-b">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <span className="font-semibold">GTM Wizard</span>
          {workspaces.length > 0 ? (
            <form action={switchWorkspace} className="flex items-center gap-2">
              <label htmlFor="ws-switch" className="sr-only">
                Workspace
              </label>
              <select
                id="ws-switch"
                name="workspace"
                defaultValue={workspace?.id}
                className="h-8 max-w-40 rounded-md border border-input bg-background px-2 text-sm"
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
              <Button type="submit" size="sm" variant="outline">
                Switch
              </Button>
            </form>
          ) : null}
          <div className="ml-auto flex items-center gap-2">
            <span className="hidden text-sm text-muted-foreground sm:inline">{user.name || user.email}</span>
            <ThemeToggle />
            <form action={signOut}>
              <Button type="submit" size="sm" variant="ghost">
                Sign out
              </Button>
            </form>
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto max-w-6xl px-2 pb-2">
          <NavLinks />
        </nav>
      </header>
      <main id="main" className="mx-auto grid max-w-6xl grid-cols-1 gap-6 px-4 py-6">
        {user.verified ? null : <VerifyBanner email={user.email ?? ""} />}
        {children}
      </main>
    </CairnUrlProvider>
  );
}
