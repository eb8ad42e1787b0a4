"use client";
/**
 * The coach conversation: the transcript (`role="log"`) and the message box. Sending creates a
 * `role: "user"` message; the server's job then creates the assistant's message and streams the
 * answer into its `content`, which arrives here as realtime `update` events, so the reply grows
 * on screen. A reply that ends in `status: "error"` shows the error and a Retry button.
 */
import * as React from "react";

import type { MessagesRecord } from "@/cairn";
import { useBrowserClient } from "@/components/cairn-url";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";

import { Reply } from "./reply";

type Msg = MessagesRecord;

function order(a: Msg, b: Msg): number {
  return a.created === b.created ? a.id.localeCompare(b.id) : a.created.localeCompare(b.created);
}

function upsert(list: Msg[], m: Msg): Msg[] {
  const i = list.findIndex((x) => x.id === m.id);
  if (i === -1) return [...list, m].sort(order);
  // Events can arrive out of order; never let an older snapshot shrink a newer one.
  const cur = list[i]!;
  if (cur.updated > m.updated) return list;
  const next = list.slice();
  next[i] = m;
  return next;
}

export function Chat({ conversationId, initial, token }: { conversationId: string; initial: Msg[]; token: string }) {
  const client = useBrowserClient(token);
  const [messages, setMessages] = React.useState<Msg[]>(initial);
  const [draft, setDraft] = React.useState("");
  const [sending, setSending] = React.useState(false);
  const [sendError, setSendError] = React.useState("");
  const [live, setLive] = React.useState<"connecting" | "live" | "offline">("connecting");
  const logRef = React.useRef<HTMLDivElement>(null);

  React.useEffect(() => {
    let stop: (() => Promise<void>) | undefined;
    let cancelled = false;
    const filter = client.filter("conversation = {:c}", { c: conversationId });
    client
      .collection("messages")
      .subscribe(
        "*",
        (e) => {
          setMessages((list) => (e.action === "delete" ? list.filter((m) => m.id !== e.record.id) : upsert(list, e.record)));
        },
        { filter },
      )
      .then(async (unsubscribe) => {
        if (cancelled) return void unsubscribe();
        stop = unsubscribe;
        setLive("live");
        // Whatever changed between the server render and the subscription.
        const fresh = await client.collection("messages").getFullList({ filter, sort: "created,id" });
        setMessages((list) => fresh.reduce(upsert, list));
      })
      .catch(() => setLive("offline"));
    return () => {
      cancelled = true;
      void stop?.();
    };
  }, [client, conversationId]);

  // Keep the newest text in view while it streams.
  React.useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages]);

  async function send(content: string) {
    const text = content.trim();
    if (!text || sending) return;
    setSending(true);
    setSendError("");
    try {
      const m = await client.collection("messages").create({ conversation: conversationId, role: "user", content: text });
      setMessages((list) => upsert(list, m));
      setDraft("");
    } catch (err) {
      setSendError(err instanceof Error ? err.message : "Sending failed.");
    } finally {
      setSending(false);
    }
  }

  /** Retry a failed reply: the server's retry route runs the reply's job again in place. */
  async function retry(failed: Msg) {
    setSendError("");
    try {
      await client.send(`/api/gtm/messages/${encodeURIComponent(failed.id)}/retry`, { method: "POST" });
    } catch (err) {
      setSendError(err instanceof Error ? err.message : "Retry failed.");
    }
  }

  const busy = messages.some((m) => m.role === "assistant" && (m.status === "pending" || m.status === "streaming"));

  return (
    <section aria-label="Conversation" className="grid gap-4">
      <div
        ref={logRef}
        role="log"
        aria-label="Transcript"
        aria-busy={busy || undefined}
        tabIndex={0}
        className="grid max-h-[65dvh] min-h-48 content-start gap-3 overflow-y-auto rounded-lg border p-3 sm:p-4"
      >
        {messages.length === 0 ? <p className="text-sm text-muted-foreground">Ask your first question below.</p> : null}
        {messages.map((m) =>
          m.role === "assistant" ? (
            <Reply key={m.id} message={m} onRetry={() => void retry(m)} />
          ) : (
            <article key={m.id} data-role="user" aria-label="You" className="ml-auto max-w-[85%] rounded-lg bg-primary px-3 py-2 text-primary-foreground">
              <p className="text-sm whitespace-pre-wrap" data-content>
                {m.content}
              </p>
            </article>
          ),
        )}
      </div>
      <form
        className="grid gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void send(draft);
        }}
      >
        <Label htmlFor="message">Message</Label>
        <Textarea
          id="message"
          name="message"
          rows={3}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            // Enter sends, Shift+Enter is a new line.
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send(draft);
            }
          }}
          placeholder="How should I price the launch?"
          aria-describedby={sendError ? "send-error" : undefined}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={sending || !draft.trim()}>
            Send
          </Button>
          <span className="text-xs text-muted-foreground" role="status">
            {live === "offline" ? "Live updates are off: reload to see new replies." : busy ? "The coach is answering…" : ""}
          </span>
        </div>
        {sendError ? (
          <p id="send-error" role="alert" className="flex flex-wrap items-center gap-2 text-sm text-destructive">
            Your message was not sent: {sendError}
            <Button type="button" size="sm" variant="outline" onClick={() => void send(draft)}>
              Retry
            </Button>
          </p>
        ) : null}
      </form>
    </section>
  );
}
