import Link from "next/link";

import { cn } from "@/lib/utils";

/** A row of links that filter a list by one query parameter ("All" clears it). */
export function FilterLinks({ label, param, base, current, options }: {
  label: string;
  param: string;
  base: string;
  current: string;
  options: readonly { value: string; label: string }[];
}) {
  const all = [{ value: "", label: "All" }, ...options];
  return (
    <nav aria-label={label}>
      <ul className="flex flex-wrap gap-2">
        {all.map((o) => (
          <li key={o.value}>
            <Link
              href={o.value ? `${base}?${param}=${encodeURIComponent(o.value)}` : base}
              aria-current={o.value === current ? "page" : undefined}
              className={cn(
                "inline-block rounded-full border px-3 py-1 text-sm hover:bg-accent",
                o.value === current ? "bg-primary text-primary-foreground hover:bg-primary/90" : "",
              )}
            >
              {o.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
