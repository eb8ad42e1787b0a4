// shadcn/ui NativeSelect, copied and owned: a styled <select>, keyboard and screen-reader
// friendly without a popover library.
import * as React from "react";

import { cx as cn } from "@/lib/cx";

export function NativeSelect({ className, ...props }: React.ComponentProps<"select">) {
  return (
    <select
      data-slot="native-select"
      className={cn(
        "h-9 w-full rounded-md border border-input bg-background px-3 py-1 text-base shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 aria-invalid:border-destructive disabled:opacity-50 md:text-sm",
        className,
      )}
      {...props}
    />
  );
}
