//! GTM Wizard's HTTP routes (members of the record's workspace only; anyone else gets 404, as
//! the collections' view rules answer):
//! - `POST /api/gtm/campaigns/{id}/analyze` → the campaign's metrics against benchmarks;
//! - `POST /api/gtm/provider-keys/{id}/test` → `{"ok": true}` or `{"ok": false, "error": …}`
//!   after the cheapest authenticated provider call (owners and admins);
//! - `POST /api/gtm/messages/{id}/retry` → queues the coach again for a reply that ended in
//!   `error` (`{"job": id}`);
//! - `POST /api/gtm/workspaces/{id}/invites` → [`crate::invites`].

use std::sync::Arc;

use cairn::core::Core;
use cairn::error::ApiError;
use cairn::hooks::routes::{RouteRequest, RouteResponse, Routes};
use cairn::jobs::{Enqueue, Jobs};
use cairn::records::{Record, server};
use serde_json::json;

use crate::{coach, context, providers};

/// `user`'s role in `workspace`, if a member.
pub(crate) async fn role_in(
    core: &Arc<Core>,
    workspace: &str,
    user: &str,
) -> Result<Option<String>, ApiError> {
    let filter = server::filter(
        "workspace = {:w} && user = {:u}",
        &[("w", json!(workspace)), ("u", json!(user))],
    );
    Ok(server::list(core, "workspace_members", &filter, "", 1)
        .await?
        .first()
        .map(|m| m.get_str("role").to_string()))
}

/// `collection/{id}` when the requester is a member of its workspace (`workspace_of` finds
/// it), with their role; 404 otherwise.
async fn member_record(
    req: &RouteRequest,
    collection: &str,
    workspace_of: impl AsyncFnOnce(&Record) -> Result<String, ApiError>,
) -> Result<(Record, String), ApiError> {
    let auth = req.require_auth()?;
    let user = auth.id().unwrap_or_default().to_string();
    let id = req.param("id").unwrap_or_default();
    let record = server::find(&req.core, collection, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let workspace = workspace_of(&record).await?;
    let role = role_in(&req.core, &workspace, &user)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((record, role))
}

pub fn register(routes: &Routes) {
    routes.post("/api/gtm/campaigns/{id}/analyze", |req| async move {
        let (campaign, _) = member_record(&req, "campaigns", async |c: &Record| {
            Ok(c.get_str("workspace").to_string())
        })
        .await?;
        let templates = server::list(&req.core, "coaching_templates", "", "slug", 100).await?;
        let analysis = context::campaign_analysis(&req.core, &campaign, &templates).await?;
        let mut body = serde_json::to_value(&analysis).map_err(ApiError::internal)?;
        body["campaign"] = json!(campaign.id());
        Ok(RouteResponse::ok(body))
    });

    routes.post("/api/gtm/provider-keys/{id}/test", |req| async move {
        let (key, role) = member_record(&req, "provider_keys", async |k: &Record| {
            Ok(k.get_str("workspace").to_string())
        })
        .await?;
        if role != "owner" && role != "admin" {
            return Err(ApiError::forbidden(
                "Only the workspace's owners and admins can test its keys.",
            ));
        }
        let config = match context::provider_config(&req.core, &key, "") {
            Ok(c) => c,
            Err(message) => return Ok(RouteResponse::ok(json!({"ok": false, "error": message}))),
        };
        let result = providers::check_key(&providers::http_client(), &config).await;
        Ok(RouteResponse::ok(match result {
            Ok(()) => json!({"ok": true}),
            Err(e) => json!({"ok": false, "error": e.message()}),
        }))
    });

    routes.post("/api/gtm/messages/{id}/retry", |req| async move {
        let core = req.core.clone();
        let (reply, _) = member_record(&req, "messages", async |m: &Record| {
            let conversation = server::find(&core, "conversations", m.get_str("conversation"))
                .await?
                .ok_or_else(ApiError::not_found)?;
            Ok(conversation.get_str("workspace").to_string())
        })
        .await?;
        if reply.get_str("role") != "assistant" || reply.get_str("status") != "error" {
            return Err(ApiError::bad_request(
                "Only an assistant reply that ended in an error can be retried.",
            ));
        }
        // The reply's user message: the newest user message before it in the conversation.
        let filter = server::filter(
            "conversation = {:c} && role = 'user' && created <= {:t}",
            &[
                ("c", json!(reply.get_str("conversation"))),
                ("t", json!(reply.get_str("created"))),
            ],
        );
        let user_msg = server::list(&core, "messages", &filter, "-created,-@rowid", 1)
            .await?
            .into_iter()
            .find(|m| coach::reply_id(m.id()) == reply.id())
            .ok_or_else(|| ApiError::bad_request("The reply's question is gone."))?;
        let job = Jobs::enqueue(
            &core,
            coach::JOB,
            json!({"message": user_msg.id()}),
            Enqueue {
                max_attempts: coach::MAX_ATTEMPTS,
                ..Enqueue::default()
            },
        )
        .await?;
        Ok(RouteResponse::ok(json!({"job": job.id})))
    });
}
