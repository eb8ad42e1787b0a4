//! Realtime over SSE (PocketBase's protocol) and WebSocket, against a real server: topics,
//! per-subscriber rules, options (filter, fields, expand), unsubscribe, batch and cascade
//! events, and back-pressure (a slow client is dropped, writers never block).

mod common;

use std::time::Duration;

use common::{TestServer, assert_error};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// A minimal SSE reader over reqwest's byte stream.
struct Sse {
    stream: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = reqwest::Result<actix_web::web::Bytes>> + Send>,
    >,
    buf: String,
    client_id: String,
}

#[derive(Debug)]
struct Event {
    id: String,
    name: String,
    data: Value,
}

impl Sse {
    async fn connect(s: &TestServer) -> Self {
        let resp = s
            .client
            .get(format!("{}/api/realtime", s.base))
            .send()
            .await
            .expect("connect");
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let mut sse = Self {
            stream: Box::pin(resp.bytes_stream()),
            buf: String::new(),
            client_id: String::new(),
        };
        let first = sse.next(Duration::from_secs(5)).await.expect("PB_CONNECT");
        assert_eq!(first.name, "PB_CONNECT");
        sse.client_id = first.data["clientId"]
            .as_str()
            .expect("clientId")
            .to_string();
        assert_eq!(first.id, sse.client_id);
        assert_eq!(sse.client_id.len(), 40);
        sse
    }

    async fn next(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let raw: String = self.buf.drain(..end + 2).collect();
                if raw.starts_with(':') {
                    continue;
                }
                let mut ev = Event {
                    id: String::new(),
                    name: String::new(),
                    data: Value::Null,
                };
                for line in raw.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        ev.id = v.to_string();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        ev.name = v.to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        ev.data = serde_json::from_str(v).unwrap_or(Value::Null);
                    }
                }
                return Some(ev);
            }
            let chunk = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .ok()??
                .ok()?;
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    async fn subscribe(
        &self,
        s: &TestServer,
        topics: &[&str],
        token: Option<&str>,
    ) -> common::Resp {
        s.send(
            reqwest::Method::POST,
            "/api/realtime",
            Some(json!({"clientId": self.client_id, "subscriptions": topics})),
            token,
        )
        .await
    }

    /// Every event that arrives within `wait`.
    async fn drain(&mut self, wait: Duration) -> Vec<Event> {
        let mut out = Vec::new();
        while let Some(e) = self.next(wait).await {
            out.push(e);
        }
        out
    }
}

async fn setup() -> (TestServer, String) {
    let s = TestServer::start().await;
    s.su_patch(
        "/api/collections/users",
        json!({"listRule": "", "viewRule": ""}),
    )
    .await;
    s.create_collection(json!({"name": "posts", "type": "base", "createRule": "", "updateRule": "", "deleteRule": "",
        "listRule": "status = 'published' || author = @request.auth.id", "viewRule": "status = 'published' || author = @request.auth.id",
        "fields": [{"name": "title", "type": "text"}, {"name": "status", "type": "text"}, {"name": "secret", "type": "text", "hidden": true},
            {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}]}))
    .await;
    let r = s
        .post(
            "/api/collections/users/records",
            json!({"id": "alice0000000001", "email": "a@example.com", "name": "Alice",
        "password": "12345678", "passwordConfirm": "12345678"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let login = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "a@example.com", "password": "12345678"}),
            None,
        )
        .await;
    (s, login.body["token"].as_str().expect("token").to_string())
}

const QUIET: Duration = Duration::from_millis(800);

#[tokio::test]
async fn sse_topics_rules_and_options() {
    let (s, alice) = setup().await;
    let mut guest = Sse::connect(&s).await;
    let mut owner = Sse::connect(&s).await;
    assert_eq!(guest.subscribe(&s, &["posts/*"], None).await.status, 204);
    let fields_opt = format!(
        "posts/*?options={}",
        urlencode(
            &json!({"query": {"fields": "id,title", "filter": "title ~ 'draft'"}}).to_string()
        )
    );
    assert_eq!(
        owner
            .subscribe(&s, &["posts/*", &fields_opt], Some(&alice))
            .await
            .status,
        204
    );

    let draft = s.post("/api/collections/posts/records", json!({"title": "my draft", "status": "draft", "author": "alice0000000001", "secret": "x"}), None).await;
    let draft_id = draft.body["id"].as_str().expect("id").to_string();
    let public = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "hello", "status": "published"}),
            None,
        )
        .await;
    let public_id = public.body["id"].as_str().expect("id").to_string();

    let g = guest.drain(QUIET).await;
    assert_eq!(g.len(), 1, "the guest only sees the published post: {g:?}");
    assert_eq!(g[0].name, "posts/*");
    assert_eq!(g[0].id, guest.client_id);
    assert_eq!(g[0].data["action"], json!("create"));
    assert_eq!(g[0].data["record"]["id"], json!(public_id));
    assert!(
        g[0].data["record"].get("secret").is_none(),
        "hidden fields stay hidden"
    );

    let o = owner.drain(QUIET).await;
    let names: Vec<(&str, &str)> = o
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.data["record"]["id"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("posts/*", draft_id.as_str()),
            (fields_opt.as_str(), draft_id.as_str()),
            ("posts/*", public_id.as_str())
        ]
    );
    assert_eq!(
        o[1].data["record"],
        json!({"id": draft_id, "title": "my draft"}),
        "fields option shapes the payload"
    );

    // A single-record topic, update and delete, then unsubscribe everything.
    assert_eq!(
        guest
            .subscribe(&s, &[&format!("posts/{public_id}")], None)
            .await
            .status,
        204
    );
    s.send(
        reqwest::Method::PATCH,
        &format!("/api/collections/posts/records/{public_id}"),
        Some(json!({"title": "edited"})),
        None,
    )
    .await;
    s.send(
        reqwest::Method::DELETE,
        &format!("/api/collections/posts/records/{public_id}"),
        None,
        None,
    )
    .await;
    let g = guest.drain(QUIET).await;
    let actions: Vec<&str> = g
        .iter()
        .map(|e| e.data["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, vec!["update", "delete"]);
    assert_eq!(g[0].data["record"]["title"], json!("edited"));
    assert_eq!(g[1].name, format!("posts/{public_id}"));
    assert_eq!(guest.subscribe(&s, &[], None).await.status, 204);
    s.post(
        "/api/collections/posts/records",
        json!({"title": "again", "status": "published"}),
        None,
    )
    .await;
    assert!(
        guest.drain(QUIET).await.is_empty(),
        "unsubscribed clients get nothing"
    );
}

#[tokio::test]
async fn sse_subscription_errors_and_auth_changes() {
    let (s, alice) = setup().await;
    let sse = Sse::connect(&s).await;
    let r = s
        .send(
            reqwest::Method::POST,
            "/api/realtime",
            Some(json!({"subscriptions": []})),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["clientId"]["code"],
        json!("validation_required")
    );
    let r = s
        .send(
            reqwest::Method::POST,
            "/api/realtime",
            Some(json!({"clientId": "nope", "subscriptions": []})),
            None,
        )
        .await;
    assert_error(&r, 404);
    assert_eq!(r.body["message"], json!("Missing or invalid client id."));
    assert_eq!(
        sse.subscribe(&s, &["posts/*"], Some(&alice)).await.status,
        204
    );
    let r = sse.subscribe(&s, &["posts/*"], Some(&s.token)).await;
    assert_error(&r, 403);
    assert_eq!(
        r.body["message"],
        json!("The current and the previous request authorization don't match.")
    );
}

#[tokio::test]
async fn batch_and_cascade_publish_after_commit() {
    let (s, _) = setup().await;
    s.su_patch("/api/settings", json!({"batch": {"enabled": true}}))
        .await;
    let posts_id = cairn::schema::ids::collection_id("base", "posts");
    s.create_collection(json!({"name": "notes", "type": "base", "listRule": "", "viewRule": "", "createRule": "", "deleteRule": "",
        "fields": [{"name": "text", "type": "text", "required": true}, {"name": "post", "type": "relation", "collectionId": posts_id, "maxSelect": 1, "cascadeDelete": true}]}))
    .await;
    let mut sse = Sse::connect(&s).await;
    assert_eq!(sse.subscribe(&s, &["notes/*"], None).await.status, 204);
    // A failing batch publishes nothing.
    let r = s
        .send(
            reqwest::Method::POST,
            "/api/batch",
            Some(json!({"requests": [
        {"method": "POST", "url": "/api/collections/notes/records", "body": {"text": "kept?"}},
        {"method": "POST", "url": "/api/collections/notes/records", "body": {"text": ""}}]})),
            None,
        )
        .await;
    assert_error(&r, 400);
    assert!(sse.drain(QUIET).await.is_empty());
    let post = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "p", "status": "published"}),
            None,
        )
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = s.send(reqwest::Method::POST, "/api/batch", Some(json!({"requests": [
        {"method": "POST", "url": "/api/collections/notes/records", "body": {"text": "one", "post": post}},
        {"method": "POST", "url": "/api/collections/notes/records", "body": {"text": "two", "post": post}}]})), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let events = sse.drain(QUIET).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.data["action"] == json!("create"))
            .count(),
        2
    );
    // Deleting the post cascades to both notes: two delete events.
    assert_eq!(
        s.send(
            reqwest::Method::DELETE,
            &format!("/api/collections/posts/records/{post}"),
            None,
            None
        )
        .await
        .status,
        204
    );
    let events = sse.drain(QUIET).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.data["action"] == json!("delete"))
            .count(),
        2,
        "{events:?}"
    );
    // Truncate publishes a delete per record too.
    for text in ["a", "b"] {
        s.post(
            "/api/collections/notes/records",
            json!({"text": text}),
            None,
        )
        .await;
    }
    assert_eq!(sse.drain(QUIET).await.len(), 2);
    assert_eq!(
        s.su_delete("/api/collections/notes/truncate").await.status,
        204
    );
    let events = sse.drain(QUIET).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.data["action"] == json!("delete"))
            .count(),
        2,
        "{events:?}"
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn ws_connect(
    s: &TestServer,
    token: Option<&str>,
) -> (
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    String,
) {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{}/api/realtime/ws", s.addr)
        .into_client_request()
        .expect("request");
    if let Some(t) = token {
        req.headers_mut()
            .insert("Authorization", t.parse().expect("header"));
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("ws connect");
    let hello = next_json(&mut ws).await.expect("connect frame");
    assert_eq!(hello["type"], json!("connect"));
    let id = hello["clientId"].as_str().expect("clientId").to_string();
    (ws, id)
}

async fn next_json<S>(ws: &mut S) -> Option<Value>
where
    S: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
{
    loop {
        match tokio::time::timeout(QUIET, ws.next()).await.ok()?? {
            Ok(WsMessage::Text(t)) => return serde_json::from_str(&t).ok(),
            Ok(WsMessage::Close(frame)) => {
                return Some(json!({"type": "closed", "code": frame.map(|f| u16::from(f.code))}));
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn websocket_transport() {
    let (s, alice) = setup().await;
    let (mut ws, _id) = ws_connect(&s, None).await;
    ws.send(WsMessage::Text(
        json!({"type": "subscribe", "topics": ["posts/*"]})
            .to_string()
            .into(),
    ))
    .await
    .expect("send");
    assert_eq!(
        next_json(&mut ws).await.expect("ack"),
        json!({"type": "subscriptions", "topics": ["posts/*"]})
    );
    s.post(
        "/api/collections/posts/records",
        json!({"title": "draft", "status": "draft", "author": "alice0000000001"}),
        None,
    )
    .await;
    s.post(
        "/api/collections/posts/records",
        json!({"title": "pub", "status": "published"}),
        None,
    )
    .await;
    let ev = next_json(&mut ws).await.expect("event");
    assert_eq!(ev["type"], json!("event"));
    assert_eq!(ev["event"], json!("posts/*"));
    assert_eq!(
        ev["data"]["record"]["title"],
        json!("pub"),
        "the draft was filtered out for the guest"
    );
    assert!(next_json(&mut ws).await.is_none());

    // Auth upgrade over the socket: now the author's drafts arrive too.
    ws.send(WsMessage::Text(
        json!({"type": "auth", "token": alice}).to_string().into(),
    ))
    .await
    .expect("send");
    assert_eq!(
        next_json(&mut ws).await.expect("auth ack"),
        json!({"type": "auth", "ok": true})
    );
    s.post(
        "/api/collections/posts/records",
        json!({"title": "draft 2", "status": "draft", "author": "alice0000000001"}),
        None,
    )
    .await;
    assert_eq!(
        next_json(&mut ws).await.expect("event")["data"]["record"]["title"],
        json!("draft 2")
    );
    ws.send(WsMessage::Text(
        json!({"type": "auth", "token": s.token}).to_string().into(),
    ))
    .await
    .expect("send");
    assert_eq!(
        next_json(&mut ws).await.expect("error")["status"],
        json!(403)
    );
    ws.send(WsMessage::Text(json!({"type": "ping"}).to_string().into()))
        .await
        .expect("send");
    assert_eq!(
        next_json(&mut ws).await.expect("pong"),
        json!({"type": "pong"})
    );
    ws.send(WsMessage::Text("not json".into()))
        .await
        .expect("send");
    assert_eq!(
        next_json(&mut ws).await.expect("error")["status"],
        json!(400)
    );
    ws.send(WsMessage::Text(
        json!({"type": "unsubscribe", "topics": []})
            .to_string()
            .into(),
    ))
    .await
    .expect("send");
    assert_eq!(next_json(&mut ws).await.expect("ack")["topics"], json!([]));
    s.post(
        "/api/collections/posts/records",
        json!({"title": "later", "status": "published"}),
        None,
    )
    .await;
    assert!(next_json(&mut ws).await.is_none());
    ws.send(WsMessage::Close(None)).await.expect("close");
}

#[tokio::test]
async fn slow_clients_are_dropped_and_never_block_writers() {
    let (s, _) = setup().await;
    s.create_collection(json!({"name": "blobs", "type": "base", "listRule": "", "createRule": "", "fields": [{"name": "body", "type": "editor"}]}))
        .await;
    // A WebSocket client that subscribes and then never reads.
    let (mut slow, slow_id) = ws_connect(&s, None).await;
    slow.send(WsMessage::Text(
        json!({"type": "subscribe", "topics": ["blobs/*"]})
            .to_string()
            .into(),
    ))
    .await
    .expect("send");
    let mut fast = Sse::connect(&s).await;
    assert_eq!(fast.subscribe(&s, &["blobs/*"], None).await.status, 204);
    let big = "x".repeat(16 * 1024);
    let started = std::time::Instant::now();
    let total = 1200;
    let mut received = 0;
    for i in 0..total {
        let r = s
            .post(
                "/api/collections/blobs/records",
                json!({"body": format!("{i} {big}")}),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        while let Some(e) = fast.next(Duration::from_millis(1)).await {
            if e.name == "blobs/*" {
                received += 1;
            }
        }
    }
    received += fast.drain(Duration::from_secs(2)).await.len();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "writes were not blocked by the slow client"
    );
    assert_eq!(received, total, "a client that keeps up loses nothing");
    assert!(
        s.app.core.realtime.get(&slow_id).is_none(),
        "the slow client was dropped"
    );
}
