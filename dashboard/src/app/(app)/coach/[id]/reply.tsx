"use client";
/** One assistant message: Markdown while it streams and after, or its error with Retry. */
import * as React from "react";

import type { MessagesRecord } from "@/cairn";
import { Button } from "@/components/ui/button";

// Raw HTML in a reply is shown as text, never parsed into elements (the model's output is
// untrusted); links still pass markdown-to-jsx's URL sanitizer.
const OPTIONS = { disableParsingRawHTML: true, forceBlock: true };

// The Markdown renderer (~7 KB gzipped) is its own chunk, loaded right after the page, to keep
// the chat page's first-load JS within its 150 KB budget. The server renders it into the HTML;
// a reply that arrives before the chunk shows as plain text for that moment.
const Markdown = React.lazy(() => import("markdown-to-jsx"));

export function Reply({ message, onRetry }: { message: MessagesRecord; onRetry: () => void }) {
  const status = message.status || "pending";
  return (
    <article data-role="assistant" data-status={status} aria-label="Coach" className="max-w-[92%] rounded-lg bg-muted px-3 py-2">
      {message.content ? (
        <div className="markdown text-sm" data-content>
          <React.Suspense fallback={<p className="whitespace-pre-wrap">{message.content}</p>}>
            <Markdown options={OPTIONS}>{message.content}</Markdown>
          </React.Suspense>
        </div>
      ) : status === "pending" || status === "streaming" ? (
        <p className="text-sm text-muted-foreground">Thinking…</p>
      ) : null}
      {status === "error" ? (
        <div role="alert" className="mt-2 flex flex-wrap items-center gap-2 text-sm text-destructive">
          <span>The coach could not answer: {message.error || "unknown error"}</span>
          <Button type="button" size="sm" variant="outline" onClick={onRetry}>
            Retry
          </Button>
        </div>
      ) : null}
      {status === "done" && message.model ? <p className="mt-1 text-xs text-muted-foreground">{message.model}</p> : null}
    </article>
  );
}
