import type { Metadata } from "next";
import Link from "next/link";

import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { workspaceSession } from "@/lib/session";

import { startConversation } from "./actions";

export const metadata: Metadata = { title: "AI coach" };

export default async function CoachPage() {
  const { client, workspace } = await workspaceSession();
  const inWs = client.filter("workspace = {:w}", { w: workspace.id });
  const [conversations, campaigns, keys] = await Promise.all([
    client.collection("conversations").getFullList({ filter: inWs, sort: "-updated", expand: "campaign" }),
    client.collection("campaigns").getFullList({ filter: inWs, sort: "name", fields: "id,name" }),
    client.collection("provider_keys").getFullList({ filter: inWs, sort: "-created", fields: "id,label,provider,default_model" }),
  ]);
  return (
    <>
      <PageHeader title="AI coach" description="Ask about positioning, outbound, pricing — or about one of your campaigns." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Conversations</h2>
            </CardTitle>
          </CardHeader>
          <CardContent>
            {conversations.length === 0 ? (
              <EmptyState title="No conversations yet">Start one with the form.</EmptyState>
            ) : (
              <ul className="grid gap-2">
                {conversations.map((c) => {
                  const camp = c.expand?.campaign;
                  const campaignName = (Array.isArray(camp) ? camp[0] : camp)?.name;
                  return (
                    <li key={c.id}>
                      <Link href={`/coach/${c.id}`} className="grid gap-0.5 rounded-md border px-3 py-2 hover:bg-accent">
                        <span className="font-medium">{c.title || "Untitled"}</span>
                        <span className="text-xs text-muted-foreground">
                          {campaignName ? `About ${campaignName} · ` : ""}
                          {new Date(c.updated.replace(" ", "T")).toLocaleString("en")}
                        </span>
                      </Link>
                    </li>
                  );
                })}
              </ul>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>New conversation</h2>
            </CardTitle>
            {keys.length === 0 ? (
              <CardDescription>
                The coach needs a provider key: <Link className="underline" href="/keys">add one</Link>.
              </CardDescription>
            ) : null}
          </CardHeader>
          <CardContent>
            <ActionForm action={startConversation} label="New conversation">
              <input type="hidden" name="workspace" value={workspace.id} />
              <Field name="title" label="Title" placeholder="Pricing for the launch" />
              <Field
                name="campaign"
                label="Campaign"
                as="select"
                options={[{ value: "", label: "None" }, ...campaigns.map((c) => ({ value: c.id, label: c.name }))]}
                hint="Optional: the coach then sees its numbers against benchmarks."
              />
              <Field
                name="provider_key"
                errorKey="provider_key"
                label="Provider key"
                as="select"
                options={keys.map((k) => ({ value: k.id, label: `${k.label || k.provider}${k.default_model ? ` (${k.default_model})` : ""}` }))}
              />
              <Field name="model" label="Model" placeholder="Default of the key" />
              <SubmitButton disabled={keys.length === 0}>Start conversation</SubmitButton>
            </ActionForm>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
