import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ClientResponseError, type ConversationsRecord } from "@/cairn";
import { PageHeader } from "@/components/page-header";
import { workspaceSession } from "@/lib/session";

import { Chat } from "./chat";

export const metadata: Metadata = { title: "Coach conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { client } = await workspaceSession();
  let conversation: ConversationsRecord;
  try {
    conversation = await client.collection("conversations").getOne(id, { expand: "campaign" });
  } catch (err) {
    if (err instanceof ClientResponseError && err.status === 404) notFound();
    throw err;
  }
  const messages = await client.collection("messages").getFullList({
    filter: client.filter("conversation = {:c}", { c: id }),
    sort: "created,id",
  });
  const camp = conversation.expand?.campaign;
  const campaign = Array.isArray(camp) ? camp[0] : camp;
  return (
    <>
      <PageHeader title={conversation.title || "Conversation"} description={campaign ? `About the campaign ${campaign.name}` : "General coaching"}>
        <Link href="/coach" className="text-sm underline underline-offset-4">
          All conversations
        </Link>
      </PageHeader>
      {/* The browser subscribes to this conversation's messages itself (realtime), so it gets
          the user's token for this page only; the cookie stays httpOnly. */}
      <Chat conversationId={id} initial={messages} token={client.authStore.token} />
    </>
  );
}
