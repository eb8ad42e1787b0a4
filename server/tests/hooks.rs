//! Hook chains around the record pipeline: a hook that changes a field, one that rejects a write
//! with a field error, ordering, and after-success events.

mod common;

use std::sync::{Arc, Mutex};

use cairn::hooks::Hooks;
use cairn::{ApiError, FieldError, FieldErrors};
use common::{TestServer, assert_error};
use serde_json::json;

#[tokio::test]
async fn hooks_change_reject_and_observe() {
    let fired: Arc<Mutex<Vec<String>>> = Arc::default();
    let hooks = Hooks::default();
    let log = fired.clone();
    hooks.on_record_create_request.add(0, move |mut e, next| {
        let log = log.clone();
        async move {
            log.lock()
                .expect("lock")
                .push(format!("create_request:{}", e.collection.name));
            if e.collection.name == "notes" {
                let title = e.record.get_str("title").to_uppercase();
                e.record.set("title", json!(title));
            }
            next.run(e).await
        }
    });
    hooks.on_record_validate.add(0, |e, next| async move {
        if e.collection.name == "notes" && e.record.get_str("title").contains("SPAM") {
            let mut errors = FieldErrors::new();
            errors.add(
                "title",
                FieldError::new("validation_spam", "No spam, please."),
            );
            return Err(ApiError::validation("Failed to create record.", errors));
        }
        next.run(e).await
    });
    let log = fired.clone();
    hooks.on_record_create.add(5, move |e, next| {
        let log = log.clone();
        async move {
            log.lock().expect("lock").push("create:before".into());
            let e = next.run(e).await?;
            log.lock().expect("lock").push("create:after".into());
            Ok(e)
        }
    });
    let log = fired.clone();
    hooks.on_record_create.add(-5, move |e, next| {
        let log = log.clone();
        async move {
            log.lock().expect("lock").push("create:first".into());
            next.run(e).await
        }
    });
    let log = fired.clone();
    hooks.on_record_after_create_success.add(0, move |e, next| {
        let log = log.clone();
        async move {
            log.lock()
                .expect("lock")
                .push(format!("after_create:{}", e.record.get_str("title")));
            next.run(e).await
        }
    });
    let log = fired.clone();
    hooks.on_record_delete_request.add(0, move |e, next| {
        let log = log.clone();
        async move {
            log.lock().expect("lock").push("delete_request".into());
            if e.record.get_str("title") == "KEEP" {
                return Err(ApiError::bad_request("This one stays."));
            }
            next.run(e).await
        }
    });

    let s = TestServer::start_with_hooks(hooks).await;
    s.create_collection(
        json!({"name": "notes", "type": "base", "createRule": "", "deleteRule": "", "viewRule": "",
        "fields": [{"name": "title", "type": "text"}]}),
    )
    .await;
    fired.lock().expect("lock").clear();

    let r = s
        .post(
            "/api/collections/notes/records",
            json!({"title": "hello"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["title"],
        json!("HELLO"),
        "the request hook changed the field"
    );
    let id = r.body["id"].as_str().expect("id").to_string();
    let stored = s
        .guest_get(&format!("/api/collections/notes/records/{id}"))
        .await;
    assert_eq!(stored.body["title"], json!("HELLO"), "and it was persisted");

    let r = s
        .post(
            "/api/collections/notes/records",
            json!({"title": "buy spam"}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["title"],
        json!({"code": "validation_spam", "message": "No spam, please."})
    );
    assert_eq!(s.count_rows("notes"), 1, "the rejected write left nothing");

    let keep = s
        .post(
            "/api/collections/notes/records",
            json!({"title": "keep"}),
            None,
        )
        .await;
    let keep_id = keep.body["id"].as_str().expect("id").to_string();
    let r = s
        .send(
            reqwest::Method::DELETE,
            &format!("/api/collections/notes/records/{keep_id}"),
            None,
            None,
        )
        .await;
    assert_error(&r, 400);
    assert_eq!(r.body["message"], json!("This one stays."));
    assert_eq!(s.count_rows("notes"), 2);

    // After-success hooks run asynchronously; wait briefly for them.
    for _ in 0..50 {
        if fired
            .lock()
            .expect("lock")
            .iter()
            .filter(|e| e.starts_with("after_create"))
            .count()
            >= 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let events = fired.lock().expect("lock").clone();
    let first_create: Vec<&str> = events.iter().map(String::as_str).take(4).collect();
    assert_eq!(
        first_create,
        vec![
            "create_request:notes",
            "create:first",
            "create:before",
            "create:after"
        ]
    );
    assert!(
        events.contains(&"after_create:HELLO".to_string()),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| e.contains("SPAM") && e.starts_with("after")),
        "{events:?}"
    );
    assert!(events.contains(&"delete_request".to_string()));
}
