/**
 * The WebSocket transport (`/api/realtime/ws`): JSON text frames — `connect` carries the
 * client id; `auth`, `subscribe` and `unsubscribe` are each answered by one frame (`auth`,
 * `subscriptions`, or `error`), so replies are matched to commands in order.
 */

import { ClientResponseError } from "./errors.js";
import type { Http } from "./http.js";
import type { Connection, ConnectionEvents } from "./realtime.js";

/** The part of the WebSocket API the transport uses (browsers, Node 22+, Deno, Bun, `ws`). */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketCtor = new (url: string) => WebSocketLike;

/** How long the server may take to say hello or answer a command. */
const REPLY_TIMEOUT_MS = 15000;

interface Pending {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function openWs(
  Ctor: WebSocketCtor,
  http: Http,
  token: string,
  events: ConnectionEvents,
): Promise<Connection> {
  const url = http.url("/api/realtime/ws").replace(/^http/, "ws");
  const ws = new Ctor(url);
  const pending: Pending[] = [];
  let sent = new Set<string>();
  let closed = false;
  let clientId = "";

  const fail = (err: unknown) => {
    for (const p of pending.splice(0)) {
      p.reject(err);
    }
  };

  const command = (frame: object): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ClientResponseError({ url, message: "realtime: no reply" })), REPLY_TIMEOUT_MS);
      pending.push({
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      ws.send(JSON.stringify(frame));
    });

  const conn: Connection = {
    get clientId() {
      return clientId;
    },
    async sync(topics: string[]) {
      const want = new Set(topics);
      const removed = [...sent].filter((t) => !want.has(t));
      const added = topics.filter((t) => !sent.has(t));
      if (removed.length) {
        await command({ type: "unsubscribe", topics: removed });
      }
      if (added.length) {
        await command({ type: "subscribe", topics: added });
      }
      sent = want;
    },
    close() {
      closed = true;
      fail(new ClientResponseError({ url, isAbort: true }));
      ws.close(1000);
    },
  };

  return new Promise<Connection>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new ClientResponseError({ url, message: "realtime: no connect frame" }));
      conn.close();
    }, REPLY_TIMEOUT_MS);
    ws.onmessage = (ev) => {
      let frame: { type?: string; clientId?: string; event?: string; data?: unknown; status?: number; message?: string };
      try {
        frame = JSON.parse(String(ev.data)) as typeof frame;
      } catch {
        return;
      }
      switch (frame.type) {
        case "connect":
          clientId = frame.clientId ?? "";
          clearTimeout(timer);
          if (token) {
            command({ type: "auth", token }).then(() => resolve(conn), reject);
          } else {
            resolve(conn);
          }
          break;
        case "event":
          events.onEvent(frame.event ?? "", frame.data);
          break;
        case "error":
          pending.shift()?.reject(
            new ClientResponseError({ url, status: frame.status ?? 400, response: frame as Record<string, unknown> }),
          );
          break;
        case "pong":
          break;
        default:
          pending.shift()?.resolve();
      }
    };
    ws.onclose = () => {
      clearTimeout(timer);
      fail(new ClientResponseError({ url, message: "realtime connection closed" }));
      if (!clientId) {
        reject(new ClientResponseError({ url, message: "realtime: could not connect" }));
      }
      if (!closed) {
        closed = true;
        events.onDrop();
      }
    };
    ws.onerror = () => {
      // onclose follows and reports the drop.
    };
  });
}
