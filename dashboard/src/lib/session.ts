/**
 * Who is signed in and which workspace they look at. Every page of the app shell starts here;
 * a user without a valid token is sent to sign-in (the proxy already did, this is the backstop).
 */
import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import type { Client, UsersRecord, WorkspaceMembersRecord, WorkspacesRecord } from "@/cairn";
import { serverClient } from "@/lib/cairn-server";
import { WORKSPACE_COOKIE } from "@/lib/config";

export interface Session {
  client: Client;
  user: UsersRecord;
  workspaces: WorkspacesRecord[];
  /** The current workspace (null until the user creates one). */
  workspace: WorkspacesRecord | null;
  /** The user's role in the current workspace. */
  role: WorkspaceMembersRecord["role"] | null;
}

export async function session(): Promise<Session> {
  const client = await serverClient();
  const user = client.authStore.record as UsersRecord | null;
  if (!client.authStore.isValid || !user) {
    redirect("/sign-in");
  }
  const workspaces = await client.collection("workspaces").getFullList({ sort: "name" });
  const wanted = (await cookies()).get(WORKSPACE_COOKIE)?.value;
  const workspace = workspaces.find((w) => w.id === wanted) ?? workspaces[0] ?? null;
  let role: Session["role"] = null;
  if (workspace) {
    const mine = await client.collection("workspace_members").getList(1, 1, {
      filter: client.filter("workspace = {:w} && user = {:u}", { w: workspace.id, u: user.id }),
      skipTotal: true,
    });
    role = mine.items[0]?.role ?? null;
  }
  return { client, user, workspaces, workspace, role };
}

/** The session of a page that needs a workspace: without one, go and create it. */
export async function workspaceSession(): Promise<Session & { workspace: WorkspacesRecord }> {
  const s = await session();
  if (!s.workspace) {
    redirect("/workspaces");
  }
  return { ...s, workspace: s.workspace };
}

export function canManage(role: Session["role"]): boolean {
  return role === "owner" || role === "admin";
}
