"use client";
/** Light / dark / system switch (a native select: keyboard and screen readers for free). */
import { useTheme } from "next-themes";
import * as React from "react";

const noop = () => () => undefined;

export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  // The theme is only known in the browser: the server (and hydration) render "system".
  const mounted = React.useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="sr-only">Theme</span>
      <select
        className="h-8 rounded-md border border-input bg-background px-2 text-sm"
        value={mounted ? (theme ?? "system") : "system"}
        onChange={(e) => setTheme(e.target.value)}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
