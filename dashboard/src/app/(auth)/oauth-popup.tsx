"use client";
import * as React from "react";

import { createClient } from "@/cairn";
import { Button } from "@/components/ui/button";

import { adoptToken } from "./oauth-action";

export function OAuthPopup({ url, providers }: { url: string; providers: { name: string; displayName: string }[] }) {
  const [error, setError] = React.useState("");
  async function start(provider: string) {
    setError("");
    const client = createClient(url, { authStore: "memory" });
    try {
      const auth = await client.collection("users").authWithOAuth2({ provider });
      await adoptToken(auth.token);
    } catch (err) {
      // adoptToken redirects by throwing; anything else is a failed sign-in.
      if (err instanceof Error && err.message.includes("NEXT_REDIRECT")) throw err;
      setError(err instanceof Error ? err.message : "Sign-in failed.");
    } finally {
      client.realtime.disconnect();
    }
  }
  return (
    <div className="grid gap-2">
      {providers.map((p) => (
        <Button key={p.name} type="button" variant="outline" onClick={() => void start(p.name)}>
          Continue with {p.displayName}
        </Button>
      ))}
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
