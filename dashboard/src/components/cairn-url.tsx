"use client";
/**
 * The Cairn URL for client components, read on the server at request time (see lib/config.ts)
 * and provided here, plus `useBrowserClient`: one SDK client per page, in memory, carrying a
 * token the server handed over (the cookie itself stays httpOnly).
 */
import * as React from "react";

import { createClient, type Client } from "@/cairn";

const UrlContext = React.createContext("http://127.0.0.1:8090");

export function CairnUrlProvider({ url, children }: { url: string; children: React.ReactNode }) {
  return <UrlContext.Provider value={url}>{children}</UrlContext.Provider>;
}

export function useCairnUrl(): string {
  return React.useContext(UrlContext);
}

/** A browser client for this page; `token` empty = a guest. Closes its realtime on unmount. */
export function useBrowserClient(token: string): Client {
  const url = useCairnUrl();
  const client = React.useMemo(() => {
    const c = createClient(url, { authStore: "memory" });
    if (token) c.authStore.save(token, null);
    return c;
  }, [url, token]);
  React.useEffect(() => () => client.realtime.disconnect(), [client]);
  return client;
}
