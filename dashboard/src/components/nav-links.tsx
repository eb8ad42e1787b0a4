"use client";
/** The app's main navigation; the current section is marked with `aria-current`. */
import Link from "next/link";
import { usePathname } from "next/navigation";

import { cx as cn } from "@/lib/cx";

const LINKS = [
  { href: "/campaigns", label: "Campaigns" },
  { href: "/coach", label: "AI coach" },
  { href: "/keys", label: "Provider keys" },
  { href: "/benchmarks", label: "Benchmarks" },
  { href: "/templates", label: "Templates" },
  { href: "/workspaces", label: "Workspaces" },
] as const;

export function NavLinks() {
  const path = usePathname();
  return (
    <ul className="flex gap-1 overflow-x-auto">
      {LINKS.map((l) => {
        const active = path === l.href || path.startsWith(l.href + "/");
        return (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "block rounded-md px-3 py-1.5 text-sm whitespace-nowrap hover:bg-accent",
                active ? "bg-accent font-medium text-accent-foreground" : "text-muted-foreground",
              )}
            >
              {l.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
