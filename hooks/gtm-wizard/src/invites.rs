//! Workspace invitations and the membership invariants:
//! - `POST /api/gtm/workspaces/{id}/invites` (`{"email", "role"}`; owners and admins of the
//!   workspace, anyone else gets 404 as from the collections' rules): records a pending
//!   `workspace_invites` row (one per workspace and address; inviting again updates the role)
//!   and mails the invitee a link to the dashboard (`meta.appURL`) through the engine's mailer.
//! - A pending invite becomes a `workspace_members` row for the user who owns the address, in
//!   the same transaction as the write that proves it: the invite itself when a verified user
//!   with that email already exists, or the user's write that makes them verified (email
//!   verification, or an OAuth2 sign-up with a verified email). Unverified addresses never get
//!   in: anyone can sign up with any email.
//! - A workspace always keeps an owner: demoting or removing its last owner is refused.

use std::sync::Arc;

use cairn::CoreHandle;
use cairn::auth::mail::{self, Mail, template::escape_html};
use cairn::core::Core;
use cairn::error::{ApiError, FieldError, FieldErrors};
use cairn::hooks::Hooks;
use cairn::hooks::routes::{RouteRequest, RouteResponse, Routes};
use cairn::hooks::tx::{TxAction, TxEvent};
use cairn::query::Sql;
use cairn::records::read::{self, QueryPlan};
use cairn::records::{Record, persist, prepare, serialize, server};
use cairn::schema::collection::Collection;
use cairn::schema::fields::email::is_email;
use serde_json::{Value, json};

use crate::routes::role_in;

const INVITES: &str = "workspace_invites";
const MEMBERS: &str = "workspace_members";
const ROLES: [&str; 3] = ["owner", "admin", "member"];
const NO_OWNER: &str = "A workspace needs an owner: make another member owner first.";

pub fn register_hooks(hooks: &Hooks, core: CoreHandle) {
    hooks.on_record_tx.add(0, move |e| {
        match (e.record.collection.name.as_str(), e.action) {
            ("users", TxAction::Create | TxAction::Update) if became_verified(e) => {
                let email = e.record.get_str("email").to_string();
                accept_pending(&core, e, &email, e.record.id())
            }
            (INVITES, TxAction::Create | TxAction::Update)
                if e.record.get_str("status") == "pending" =>
            {
                accept_if_verified_user(&core, e)
            }
            (MEMBERS, TxAction::Update | TxAction::Delete) => keep_an_owner(e),
            _ => Ok(()),
        }
    });
}

pub fn register_routes(routes: &Routes) {
    routes.post("/api/gtm/workspaces/{id}/invites", invite);
}

/// Whether this users write is the one that makes (or creates) a verified email.
fn became_verified(e: &TxEvent<'_>) -> bool {
    if !e.record.get_bool("verified") || e.record.get_str("email").is_empty() {
        return false;
    }
    match e.original {
        None => true,
        Some(before) => {
            !before.get_bool("verified") || before.get_str("email") != e.record.get_str("email")
        }
    }
}

fn collection(core: &CoreHandle, name: &str) -> Result<Arc<Collection>, ApiError> {
    core.get()
        .and_then(|core| core.schema.load().find(name))
        .ok_or_else(|| ApiError::internal(format!("the {name} collection is missing")))
}

fn db(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

/// `"<column>" = ?` for a condition of a [`QueryPlan`].
fn equals(column: &str, value: &str) -> Sql {
    let mut s = Sql::raw(format!("\"{column}\" = "));
    s.append(&Sql::value(value.to_string()));
    s
}

/// Turns every pending invite for `email` into a membership of `user`.
fn accept_pending(
    core: &CoreHandle,
    e: &TxEvent<'_>,
    email: &str,
    user: &str,
) -> Result<(), ApiError> {
    let invites = collection(core, INVITES)?;
    let mut by_email = Sql::raw("lower(\"email\") = lower(");
    by_email.append(&Sql::value(email.to_string()));
    by_email.push(")");
    let plan = QueryPlan::default()
        .with_condition(by_email)
        .with_condition(equals("status", "pending"));
    for invite in read::select(e.conn(), &invites, &plan, 1000, 0).map_err(db)? {
        accept(core, e, &invite, user)?;
    }
    Ok(())
}

/// A new (or renewed) pending invite for an address a verified user already owns.
fn accept_if_verified_user(core: &CoreHandle, e: &TxEvent<'_>) -> Result<(), ApiError> {
    let users = collection(core, "users")?;
    let mut by_email = Sql::raw("lower(\"email\") = lower(");
    by_email.append(&Sql::value(e.record.get_str("email").to_string()));
    by_email.push(")");
    let plan = QueryPlan::default()
        .with_condition(by_email)
        .with_condition(Sql::raw("\"verified\" = 1"));
    if let Some(user) = read::select(e.conn(), &users, &plan, 1, 0)
        .map_err(db)?
        .first()
    {
        accept(core, e, e.record, user.id())?;
    }
    Ok(())
}

/// Inserts the membership (unless `user` already is a member) and marks the invite accepted.
fn accept(core: &CoreHandle, e: &TxEvent<'_>, invite: &Record, user: &str) -> Result<(), ApiError> {
    let members = collection(core, MEMBERS)?;
    let workspace = invite.get_str("workspace");
    let plan = QueryPlan::default()
        .with_condition(equals("workspace", workspace))
        .with_condition(equals("user", user));
    if read::select(e.conn(), &members, &plan, 1, 0)
        .map_err(db)?
        .is_empty()
    {
        let mut member = Record::new(members);
        member.set("workspace", json!(workspace));
        member.set("user", json!(user));
        member.set("role", json!(invite.get_str("role")));
        prepare::fill_generated(&mut member, true);
        persist::insert(e.conn(), &member)
            .map_err(|err| err.into_api("Failed to accept the invite."))?;
    }
    let mut accepted = invite.clone();
    accepted.set("status", json!("accepted"));
    prepare::fill_generated(&mut accepted, false);
    persist::update(e.conn(), &accepted).map_err(|err| err.into_api("Failed to accept the invite."))
}

/// Refuses a membership write that would leave its workspace without an owner.
fn keep_an_owner(e: &TxEvent<'_>) -> Result<(), ApiError> {
    let was_owner = match e.action {
        TxAction::Delete => e.record.get_str("role") == "owner",
        _ => {
            e.original.is_some_and(|o| o.get_str("role") == "owner")
                && e.record.get_str("role") != "owner"
        }
    };
    if !was_owner {
        return Ok(());
    }
    let mut count = Sql::raw("SELECT COUNT(*) FROM \"workspace_members\" WHERE ");
    count.append(&equals("workspace", e.record.get_str("workspace")));
    count.push(" AND \"role\" = 'owner'");
    if read::count_rows(e.conn(), count).map_err(db)? == 0 {
        return Err(ApiError::bad_request(NO_OWNER));
    }
    Ok(())
}

/// `POST /api/gtm/workspaces/{id}/invites`.
async fn invite(req: RouteRequest) -> Result<RouteResponse, ApiError> {
    let auth = req.require_auth()?.clone();
    let me = auth.id().unwrap_or_default().to_string();
    let core = req.core.clone();
    let id = req.param("id").unwrap_or_default().to_string();
    let workspace = server::find(&core, "workspaces", &id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let my_role = role_in(&core, &id, &me).await?.unwrap_or_default();
    if my_role != "owner" && my_role != "admin" {
        return Err(ApiError::not_found());
    }
    let body: Value = req.json()?;
    let (email, role) = validate(&core, &body, &id, &my_role).await?;

    let existing = server::list(
        &core,
        INVITES,
        &server::filter(
            "workspace = {:w} && email = {:e}",
            &[("w", json!(id)), ("e", json!(email))],
        ),
        "",
        1,
    )
    .await?;
    let fields = json!({"role": role, "invited_by": me, "status": "pending"});
    let record = match existing.first() {
        Some(old) => server::update(&core, INVITES, old.id(), fields).await?,
        None => {
            let mut fields = fields;
            fields["workspace"] = json!(id);
            fields["email"] = json!(email);
            server::create(&core, INVITES, fields).await?
        }
    };
    // The transaction hook may have accepted it already (a verified user owns the address).
    let record = server::find(&core, INVITES, record.id())
        .await?
        .unwrap_or(record);
    let inviter = server::find(&core, "users", &me).await?;
    mail::send_in_background(
        &core,
        invite_mail(&core, &workspace, inviter.as_ref(), &email, &role),
    );
    Ok(RouteResponse::ok(serialize::to_json(&record, &auth)))
}

/// The invite's email and role, or PocketBase's 400 with the fields that are wrong.
async fn validate(
    core: &Arc<Core>,
    body: &Value,
    workspace: &str,
    my_role: &str,
) -> Result<(String, String), ApiError> {
    let email = body["email"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let role = body["role"].as_str().unwrap_or_default().trim().to_string();
    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.add("email", FieldError::required());
    } else if !is_email(&email) {
        errors.add(
            "email",
            FieldError::new("validation_is_email", "Must be a valid email address."),
        );
    } else if already_member(core, workspace, &email).await? {
        errors.add(
            "email",
            FieldError::new(
                "validation_already_member",
                "Someone with this email is already a member.",
            ),
        );
    }
    if role.is_empty() {
        errors.add("role", FieldError::required());
    } else if !ROLES.contains(&role.as_str()) {
        errors.add("role", FieldError::invalid_value());
    } else if role == "owner" && my_role != "owner" {
        errors.add(
            "role",
            FieldError::new(
                "validation_owner_only",
                "Only an owner can invite another owner.",
            ),
        );
    }
    errors.into_result("Failed to create the invite.")?;
    Ok((email, role))
}

async fn already_member(core: &Arc<Core>, workspace: &str, email: &str) -> Result<bool, ApiError> {
    let users = server::list(
        core,
        "users",
        &server::filter("email = {:e}", &[("e", json!(email))]),
        "",
        1,
    )
    .await?;
    let Some(user) = users.first() else {
        return Ok(false);
    };
    Ok(role_in(core, workspace, user.id()).await?.is_some())
}

/// The invitation: who invited whom to what, and a link to the dashboard.
fn invite_mail(
    core: &Core,
    workspace: &Record,
    inviter: Option<&Record>,
    to: &str,
    role: &str,
) -> Mail {
    let settings = core.settings.get();
    let app_name = settings["meta"]["appName"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or("GTM Wizard");
    let app_url = settings["meta"]["appURL"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('/');
    let who = inviter
        .map(|u| {
            let name = u.get_str("name");
            if name.is_empty() {
                u.get_str("email")
            } else {
                name
            }
        })
        .filter(|s| !s.is_empty())
        .unwrap_or("A teammate");
    let ws = workspace.get_str("name");
    let link = format!("{app_url}/workspaces");
    Mail {
        to: to.to_string(),
        subject: format!("{who} invited you to {ws} on {app_name}"),
        html: format!(
            "<p>Hello,</p>\n<p>{who} invited you to the workspace <b>{ws}</b> on {app} as {role}.</p>\n\
             <p>Sign in, or create an account with this email address ({to}) and verify it: the \
             workspace appears on your Workspaces page.</p>\n\
             <p><a class=\"btn\" href=\"{link}\" target=\"_blank\" rel=\"noopener\">Open {app}</a></p>\n\
             <p><i>Not expecting this? You can ignore this email.</i></p>",
            who = escape_html(who),
            ws = escape_html(ws),
            app = escape_html(app_name),
            role = escape_html(role),
            to = escape_html(to),
            link = escape_html(&link),
        ),
    }
}
