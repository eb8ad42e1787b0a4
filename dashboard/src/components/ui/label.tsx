// shadcn/ui Label, copied and owned (a plain <label>: Radix Label adds nothing we need).
import * as React from "react";

import { cx as cn } from "@/lib/cx";

export function Label({ className, ...props }: React.ComponentProps<"label">) {
  return <label data-slot="label" className={cn("flex items-center gap-2 text-sm leading-none font-medium select-none", className)} {...props} />;
}
