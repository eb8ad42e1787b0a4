"use client";
// Dark mode: follows the system until the user picks, stored in localStorage, no flash.
import { ThemeProvider as NextThemes } from "next-themes";
import type * as React from "react";

export function ThemeProvider({ children }: { children: React.ReactNode }) {
  return (
    <NextThemes attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      {children}
    </NextThemes>
  );
}
