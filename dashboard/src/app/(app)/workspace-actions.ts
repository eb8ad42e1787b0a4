"use server";
/** Workspaces: create, switch (a cookie), members (invite by email, change role, remove, leave). */
import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import type { WorkspaceMembersRecord } from "@/cairn";
import { serverClient } from "@/lib/cairn-server";
import { WORKSPACE_COOKIE } from "@/lib/config";
import { formValues, fromError, str, type FormState } from "@/lib/form-state";

async function selectWorkspace(id: string): Promise<void> {
  (await cookies()).set(WORKSPACE_COOKIE, id, { path: "/", sameSite: "lax", httpOnly: true, maxAge: 60 * 60 * 24 * 365 });
}

/**
 * The creator can read a new workspace once the owner membership exists. gtm-wizard's hook adds
 * it in the create's transaction (first try succeeds); dashboard/scripts/dev-server.mjs adds it
 * a moment later, so wait briefly rather than render a list without it.
 */
async function untilVisible(read: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      await read();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function createWorkspace(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const client = await serverClient();
  const me = client.authStore.record?.id ?? "";
  try {
    const ws = await client.collection("workspaces").create({ name: str(form, "name"), owner: me });
    await selectWorkspace(ws.id);
    await untilVisible(() => client.collection("workspaces").getOne(ws.id));
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath("/", "layout");
  return { ok: `Workspace “${values["name"] ?? ""}” created.` };
}

export async function switchWorkspace(form: FormData): Promise<void> {
  await selectWorkspace(str(form, "workspace"));
  revalidatePath("/", "layout");
  const back = str(form, "back");
  redirect(back.startsWith("/") && !back.startsWith("//") ? back : "/");
}

type Role = Exclude<WorkspaceMembersRecord["role"], "">;
const ROLES: readonly Role[] = ["owner", "admin", "member"];

function role(form: FormData): Role {
  const r = str(form, "role");
  return (ROLES as readonly string[]).includes(r) ? (r as Role) : "member";
}

/**
 * Invites someone by email (`POST /api/gtm/workspaces/{id}/invites`, owners and admins): the
 * server mails them, and the invite becomes a membership once they have verified that address.
 */
export async function inviteMember(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  const client = await serverClient();
  const email = str(form, "email");
  try {
    await client.send(`/api/gtm/workspaces/${encodeURIComponent(str(form, "workspace"))}/invites`, {
      method: "POST",
      body: { email, role: role(form) },
    });
  } catch (err) {
    return fromError(err, values);
  }
  revalidatePath("/workspaces");
  return { ok: `Invitation sent to ${email}.` };
}

export async function revokeInvite(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("workspace_invites").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  revalidatePath("/workspaces");
  return { ok: "Invitation revoked." };
}

export async function changeRole(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("workspace_members").update(str(form, "id"), { role: role(form) });
  } catch (err) {
    return fromError(err);
  }
  revalidatePath("/workspaces");
  return { ok: "Role changed." };
}

export async function removeMember(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("workspace_members").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  revalidatePath("/workspaces");
  return { ok: "Member removed." };
}

/** Leaves the current workspace (refused for its last owner). */
export async function leaveWorkspace(_prev: FormState, form: FormData): Promise<FormState> {
  const client = await serverClient();
  try {
    await client.collection("workspace_members").delete(str(form, "id"));
  } catch (err) {
    return fromError(err);
  }
  (await cookies()).delete(WORKSPACE_COOKIE);
  revalidatePath("/", "layout");
  redirect("/workspaces");
}
