import type { Metadata } from "next";

import { ActionForm } from "@/components/form/action-form";
import { Field } from "@/components/form/field";
import { SubmitButton } from "@/components/form/submit-button";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { canManage, workspaceSession } from "@/lib/session";

import { addKey, deleteKey, testKey } from "./actions";

export const metadata: Metadata = { title: "Provider keys" };

const PROVIDERS = [
  { value: "openai", label: "OpenAI" },
  { value: "anthropic", label: "Anthropic" },
  { value: "ollama", label: "Ollama" },
  { value: "openai_compatible", label: "OpenAI-compatible" },
] as const;

export default async function KeysPage() {
  const { client, workspace, role } = await workspaceSession();
  const keys = await client.collection("provider_keys").getFullList({
    filter: client.filter("workspace = {:w}", { w: workspace.id }),
    sort: "-created",
  });
  const manage = canManage(role);
  return (
    <>
      <PageHeader title="Provider keys" description="Your own LLM keys. The coach calls your provider with them; the key itself is never shown again." />
      <Card>
        <CardHeader>
          <CardTitle>
            <h2>Keys of {workspace.name}</h2>
          </CardTitle>
        </CardHeader>
        <CardContent>
          {keys.length === 0 ? (
            <EmptyState title="No keys yet">{manage ? "Add one below to talk to the coach." : "Ask an owner or admin to add one."}</EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Label</TableHead>
                  <TableHead>Provider</TableHead>
                  <TableHead>Key</TableHead>
                  <TableHead>Default model</TableHead>
                  <TableHead>Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {keys.map((k) => (
                  <TableRow key={k.id}>
                    <TableCell>{k.label || "—"}</TableCell>
                    <TableCell>{PROVIDERS.find((p) => p.value === k.provider)?.label ?? k.provider}</TableCell>
                    <TableCell>
                      <code>{k.key_hint || "—"}</code>
                    </TableCell>
                    <TableCell>{k.default_model || "—"}</TableCell>
                    <TableCell>
                      <div className="flex flex-wrap items-start gap-2">
                        <ActionForm action={testKey} label={`Test ${k.label || k.provider}`} className="gap-2">
                          <input type="hidden" name="id" value={k.id} />
                          <SubmitButton size="sm" variant="outline">
                            Test
                          </SubmitButton>
                        </ActionForm>
                        {manage ? (
                          <ActionForm action={deleteKey} label={`Delete ${k.label || k.provider}`} className="gap-2">
                            <input type="hidden" name="id" value={k.id} />
                            <SubmitButton size="sm" variant="destructive">
                              Delete
                            </SubmitButton>
                          </ActionForm>
                        ) : null}
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      {manage ? (
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Add a key</h2>
            </CardTitle>
            <CardDescription>Base URL is optional except for OpenAI-compatible servers.</CardDescription>
          </CardHeader>
          <CardContent>
            <ActionForm action={addKey} label="Add a key" className="sm:grid-cols-2">
              <input type="hidden" name="workspace" value={workspace.id} />
              <Field name="provider" label="Provider" as="select" options={PROVIDERS} defaultValue="openai" />
              <Field name="label" label="Label" placeholder="Team OpenAI" />
              <Field name="api_key" label="API key" type="password" autoComplete="off" />
              <Field name="base_url" label="Base URL" type="url" placeholder="https://api.openai.com/v1" />
              <Field name="default_model" label="Default model" placeholder="gpt-4o-mini" />
              <div className="flex items-end">
                <SubmitButton>Add key</SubmitButton>
              </div>
            </ActionForm>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
