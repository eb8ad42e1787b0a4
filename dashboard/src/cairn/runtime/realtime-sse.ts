/**
 * PocketBase's SSE transport read with `fetch` streams: `GET /api/realtime` opens the stream
 * (its first message, `PB_CONNECT`, carries the client id) and `POST /api/realtime` sets the
 * whole topic set. Each message's `event:` line is the topic it belongs to.
 */

import { ClientResponseError } from "./errors.js";
import type { Http } from "./http.js";
import type { Connection, ConnectionEvents } from "./realtime.js";

export async function openSse(http: Http, events: ConnectionEvents): Promise<Connection> {
  const controller = new AbortController();
  let closed = false;
  const body = await http.stream("/api/realtime", {
    headers: { Accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (!body) {
    throw new ClientResponseError({ url: http.url("/api/realtime"), message: "realtime: no stream" });
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let clientId = "";
  let onConnect: ((id: string) => void) | undefined;
  let onFail: ((e: unknown) => void) | undefined;
  const connected = new Promise<string>((resolve, reject) => {
    onConnect = resolve;
    onFail = reject;
  });

  const handle = (event: string, data: string, id: string) => {
    if (event === "PB_CONNECT") {
      clientId = id || readClientId(data);
      onConnect?.(clientId);
      return;
    }
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(data);
    } catch {
      // keep {} for a payload that is not JSON
    }
    events.onEvent(event, parsed);
  };

  void (async () => {
    let buf = "";
    let event = "message";
    let data: string[] = [];
    let id = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, "");
          buf = buf.slice(nl + 1);
          if (line === "") {
            if (data.length) handle(event, data.join("\n"), id);
            event = "message";
            data = [];
            continue;
          }
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = value;
          else if (field === "data") data.push(value);
          else if (field === "id") id = value;
        }
      }
    } catch {
      // a read error is a drop, reported below
    }
    onFail?.(new ClientResponseError({ url: http.url("/api/realtime"), message: "realtime: stream ended" }));
    if (!closed) {
      closed = true;
      events.onDrop();
    }
  })();

  await connected;
  return {
    get clientId() {
      return clientId;
    },
    async sync(topics: string[]) {
      await http.send("/api/realtime", {
        method: "POST",
        body: { clientId, subscriptions: topics },
        signal: controller.signal,
      });
    },
    close() {
      closed = true;
      controller.abort();
    },
  };
}

function readClientId(data: string): string {
  try {
    const v = JSON.parse(data) as { clientId?: unknown };
    return typeof v.clientId === "string" ? v.clientId : "";
  } catch {
    return "";
  }
}
