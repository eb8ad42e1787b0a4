//! `GET /api/realtime/ws`: the WebSocket transport (protocol in the parent module's docs).

use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message as WsMessage};
use serde_json::{Value, json};

use crate::auth::resolve::resolve_token;
use crate::core::Core;
use crate::error::ApiError;
use crate::http::extract::{Auth, core_of};
use crate::realtime::Client;

const PING_EVERY: Duration = Duration::from_secs(30);
const SILENCE_LIMIT: Duration = Duration::from_secs(90);

fn error_frame(e: &ApiError) -> String {
    json!({"type": "error", "status": e.status, "message": e.message, "data": e.data}).to_string()
}

fn topics_of(v: &Value) -> Vec<String> {
    v.get("topics")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn current_topics(client: &Client) -> Value {
    json!({"type": "subscriptions", "topics": client.subscriptions().into_iter().map(|s| s.raw).collect::<Vec<_>>()})
}

/// Handles one client text frame; returns the reply frame.
async fn on_frame(core: &Arc<Core>, client: &Client, text: &str) -> String {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return error_frame(&ApiError::bad_request("Invalid frame."));
    };
    let result = match frame
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "subscribe" => client
            .add_topics(&topics_of(&frame))
            .map(|()| current_topics(client)),
        "unsubscribe" => {
            client.remove_topics(&topics_of(&frame));
            Ok(current_topics(client))
        }
        "auth" => {
            let token = frame
                .get("token")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match resolve_token(core, token).await {
                Some(auth) => super::check_auth_change(&client.auth(), &auth).map(|()| {
                    client.set_auth(auth);
                    json!({"type": "auth", "ok": true})
                }),
                None => Err(ApiError::unauthorized()),
            }
        }
        "ping" => Ok(json!({"type": "pong"})),
        _ => Err(ApiError::bad_request("Unknown frame type.")),
    };
    match result {
        Ok(v) => v.to_string(),
        Err(e) => error_frame(&e),
    }
}

/// Open a realtime WebSocket.
pub async fn handler(
    req: HttpRequest,
    body: web::Payload,
    Auth(auth): Auth,
) -> Result<HttpResponse, actix_web::Error> {
    let core = core_of(&req)?;
    let (response, mut session, mut incoming) = actix_ws::handle(&req, body)?;
    let (client, mut rx) = core.realtime.register();
    client.set_auth(auth);
    let id = client.id.clone();
    drop(client);
    actix_web::rt::spawn(async move {
        let hello = json!({"type": "connect", "clientId": id}).to_string();
        let mut close = if session.text(hello).await.is_err() {
            Some(None)
        } else {
            None
        };
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.reset();
        let mut last_heard = tokio::time::Instant::now();
        while close.is_none() {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(m) => {
                        let frame = format!("{{\"type\":\"event\",\"event\":{},\"data\":{}}}", Value::String(m.event), m.data);
                        if session.text(frame).await.is_err() {
                            close = Some(None);
                        }
                    }
                    // The broker dropped this client (its queue overflowed).
                    None => close = Some(Some(CloseReason { code: CloseCode::Again, description: Some("too slow".into()) })),
                },
                frame = incoming.recv() => match frame {
                    Some(Ok(WsMessage::Text(text))) => {
                        last_heard = tokio::time::Instant::now();
                        let Some(client) = core.realtime.get(&id) else { break };
                        let reply = on_frame(&core, &client, &text).await;
                        if session.text(reply).await.is_err() {
                            close = Some(None);
                        }
                    }
                    Some(Ok(WsMessage::Ping(bytes))) => {
                        last_heard = tokio::time::Instant::now();
                        if session.pong(&bytes).await.is_err() {
                            close = Some(None);
                        }
                    }
                    Some(Ok(WsMessage::Pong(_))) => last_heard = tokio::time::Instant::now(),
                    Some(Ok(WsMessage::Close(reason))) => close = Some(reason),
                    Some(Ok(_)) => last_heard = tokio::time::Instant::now(),
                    Some(Err(_)) | None => close = Some(None),
                },
                _ = ping.tick() => {
                    if last_heard.elapsed() > SILENCE_LIMIT {
                        close = Some(Some(CloseReason { code: CloseCode::Policy, description: Some("no pong".into()) }));
                    } else if session.ping(b"").await.is_err() {
                        close = Some(None);
                    }
                }
            }
        }
        core.realtime.unregister(&id);
        let _ = session.close(close.flatten()).await;
    });
    Ok(response)
}
