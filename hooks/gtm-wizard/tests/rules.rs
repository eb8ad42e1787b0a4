//! GTM Wizard's API rules against a real Cairn: a user sees and changes only the data of the
//! workspaces they are a member of (lists filtered, other records 404), only `owner`/`admin`
//! members manage members and provider keys, clients create only `role = "user"` messages, and
//! `benchmarks`/`coaching_templates` are public to read and superuser-only to write.
//!
//! Memberships are created by the superuser here (the app's hook will add the creator as owner).

mod support;

use serde_json::{Value, json};
use support::cairn_server::{Server, read_json, schema_dir};

/// The records one user's workspace holds, one per GTM collection.
struct Workspace {
    workspace: String,
    owner_member: String,
    key: String,
    campaign: String,
    metric: String,
    conversation: String,
    message: String,
}

/// `owner` creates a workspace through the API; the superuser adds the owner membership (the
/// future hook's job); then the owner fills every collection through the API.
async fn workspace_of(s: &Server, owner: &(String, String), name: &str) -> Workspace {
    let (uid, token) = owner;
    let t = Some(token.as_str());
    let ws = s
        .create("workspaces", json!({"name": name, "owner": uid}), t)
        .await;
    assert_eq!(ws.status, 200, "create workspace: {}", ws.body);
    let workspace = ws.body["id"].as_str().expect("id").to_string();
    let owner_member = s
        .su_create(
            "workspace_members",
            json!({"workspace": workspace, "user": uid, "role": "owner"}),
        )
        .await;
    let key = s
        .create(
            "provider_keys",
            json!({"workspace": workspace, "provider": "openai", "label": "main",
                   "api_key": format!("sk-test-{name}-secret"), "default_model": "gpt-4o-mini"}),
            t,
        )
        .await
        .id();
    let campaign = s
        .create(
            "campaigns",
            json!({"workspace": workspace, "name": format!("{name} outbound"),
                   "channel": "cold_email", "status": "active"}),
            t,
        )
        .await
        .id();
    let metric = s
        .create(
            "campaign_metrics",
            json!({"campaign": campaign, "date": "2026-11-02 00:00:00.000Z",
                   "sent": 200, "opens": 80, "replies": 9, "meetings": 2}),
            t,
        )
        .await
        .id();
    let conversation = s
        .create(
            "conversations",
            json!({"workspace": workspace, "user": uid, "title": "Cold email help",
                   "provider_key": key, "campaign": campaign}),
            t,
        )
        .await
        .id();
    let message = s
        .create(
            "messages",
            json!({"conversation": conversation, "role": "user", "content": "How do I get more replies?"}),
            t,
        )
        .await
        .id();
    Workspace {
        workspace,
        owner_member,
        key,
        campaign,
        metric,
        conversation,
        message,
    }
}

/// A create refused by the create rule: 400 with empty `data` (a validation error names fields).
fn assert_rule_refused(r: &support::cairn_server::Resp, what: &str) {
    assert_eq!(r.status, 400, "{what}: {}", r.body);
    assert_eq!(
        r.body["data"],
        json!({}),
        "{what}: refused by the rule, not validation"
    );
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["id"].as_str().map(String::from))
        .collect()
}

/// Every GTM collection with the record of `w` in it.
fn records(w: &Workspace) -> Vec<(&'static str, String)> {
    vec![
        ("workspaces", w.workspace.clone()),
        ("workspace_members", w.owner_member.clone()),
        ("provider_keys", w.key.clone()),
        ("campaigns", w.campaign.clone()),
        ("campaign_metrics", w.metric.clone()),
        ("conversations", w.conversation.clone()),
        ("messages", w.message.clone()),
    ]
}

/// A body that would be a valid update of a record of `collection`.
fn harmless_update(collection: &str) -> Value {
    match collection {
        "workspaces" => json!({"name": "taken over"}),
        "workspace_members" => json!({"role": "member"}),
        "provider_keys" => json!({"label": "mine now"}),
        "campaigns" => json!({"goal": "mine now"}),
        "campaign_metrics" => json!({"sent": 1}),
        "conversations" => json!({"title": "mine now"}),
        _ => json!({"content": "mine now"}),
    }
}

#[tokio::test]
async fn members_of_another_workspace_get_empty_lists_and_404s() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let bob = s.user("bob@example.com", "Bob").await;
    let wa = workspace_of(&s, &alice, "alpha").await;
    let wb = workspace_of(&s, &bob, "beta").await;
    let (a, b) = (Some(alice.1.as_str()), Some(bob.1.as_str()));

    for ((c, mine), (_, theirs)) in records(&wb).into_iter().zip(records(&wa)) {
        // Lists are filtered: bob sees exactly his own record, never alice's.
        let list = s.list(c, b).await;
        assert_eq!(list.status, 200, "{c}: {}", list.body);
        assert_eq!(ids(&list.body), vec![mine.clone()], "{c} as bob");
        let list = s.list(c, a).await;
        assert_eq!(ids(&list.body), vec![theirs.clone()], "{c} as alice");
        // Other records are 404 for view, update and delete, and stay unchanged.
        assert_eq!(s.view(c, &theirs, b).await.status, 404, "view {c}");
        let r = s.update(c, &theirs, harmless_update(c), b).await;
        assert_eq!(r.status, 404, "update {c}: {}", r.body);
        assert_eq!(s.delete(c, &theirs, b).await.status, 404, "delete {c}");
        assert_eq!(s.view(c, &theirs, a).await.status, 200, "{c} still there");
        // A guest sees nothing and gets 404s too.
        let list = s.list(c, None).await;
        assert_eq!(ids(&list.body), Vec::<String>::new(), "{c} as guest");
        assert_eq!(s.view(c, &theirs, None).await.status, 404, "guest view {c}");
        assert_eq!(
            s.delete(c, &theirs, None).await.status,
            404,
            "guest delete {c}"
        );
    }
    // The data of a foreign workspace is not reachable through a filter either.
    let path = format!(
        "/api/collections/campaigns/records?filter=(workspace='{}')",
        wa.workspace
    );
    let r = s.send(reqwest::Method::GET, &path, None, b).await;
    assert_eq!((r.status, r.body["totalItems"].clone()), (200, json!(0)));
    // Nor through expand: bob's own conversation cannot expand alice's key or campaign.
    let path = format!(
        "/api/collections/messages/records/{}?expand=conversation.workspace",
        wb.message
    );
    let r = s.send(reqwest::Method::GET, &path, None, b).await;
    assert_eq!(
        r.body["expand"]["conversation"]["expand"]["workspace"]["id"],
        json!(wb.workspace)
    );
    s.stop().await;
}

#[tokio::test]
async fn nobody_creates_into_or_moves_records_into_a_foreign_workspace() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let bob = s.user("bob@example.com", "Bob").await;
    let wa = workspace_of(&s, &alice, "alpha").await;
    let wb = workspace_of(&s, &bob, "beta").await;
    let b = Some(bob.1.as_str());
    let foreign = [
        (
            "workspace_members",
            json!({"workspace": wa.workspace, "user": bob.0, "role": "owner"}),
        ),
        (
            "workspace_members",
            json!({"workspace": wa.workspace, "user": bob.0, "role": "member"}),
        ),
        (
            "provider_keys",
            json!({"workspace": wa.workspace, "provider": "openai", "api_key": "sk-x"}),
        ),
        (
            "campaigns",
            json!({"workspace": wa.workspace, "name": "x", "channel": "linkedin"}),
        ),
        (
            "campaign_metrics",
            json!({"campaign": wa.campaign, "date": "2026-11-03 00:00:00.000Z", "sent": 5}),
        ),
        (
            "conversations",
            json!({"workspace": wa.workspace, "user": bob.0, "title": "x"}),
        ),
        (
            "messages",
            json!({"conversation": wa.conversation, "role": "user", "content": "hi"}),
        ),
        // Own workspace, but pointing at alice's key (her paid LLM account) or campaign.
        (
            "conversations",
            json!({"workspace": wb.workspace, "user": bob.0, "provider_key": wa.key}),
        ),
        (
            "conversations",
            json!({"workspace": wb.workspace, "user": bob.0, "campaign": wa.campaign}),
        ),
        // Own workspace, but on someone else's behalf.
        (
            "conversations",
            json!({"workspace": wb.workspace, "user": alice.0}),
        ),
        ("workspaces", json!({"name": "fake", "owner": alice.0})),
    ];
    for (c, body) in foreign {
        let r = s.create(c, body.clone(), b).await;
        assert_rule_refused(&r, &format!("create {c} {body}"));
    }
    // Moving own records into alice's workspace (or re-pointing them) is refused too.
    let moves = [
        (
            "campaigns",
            wb.campaign.clone(),
            json!({"workspace": wa.workspace}),
        ),
        (
            "provider_keys",
            wb.key.clone(),
            json!({"workspace": wa.workspace}),
        ),
        (
            "campaign_metrics",
            wb.metric.clone(),
            json!({"campaign": wa.campaign}),
        ),
        (
            "conversations",
            wb.conversation.clone(),
            json!({"workspace": wa.workspace}),
        ),
        (
            "conversations",
            wb.conversation.clone(),
            json!({"provider_key": wa.key}),
        ),
        (
            "conversations",
            wb.conversation.clone(),
            json!({"campaign": wa.campaign}),
        ),
        (
            "messages",
            wb.message.clone(),
            json!({"conversation": wa.conversation}),
        ),
        (
            "workspace_members",
            wb.owner_member.clone(),
            json!({"workspace": wa.workspace}),
        ),
        (
            "workspaces",
            wb.workspace.clone(),
            json!({"owner": alice.0}),
        ),
    ];
    for (c, id, body) in moves {
        let r = s.update(c, &id, body.clone(), b).await;
        assert_eq!(r.status, 404, "update {c} {body}: {}", r.body);
    }
    // The same kind of writes inside his own workspace work.
    let ok = s
        .create(
            "conversations",
            json!({"workspace": wb.workspace, "user": bob.0, "provider_key": wb.key, "campaign": wb.campaign}),
            b,
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let r = s
        .update(
            "conversations",
            &wb.conversation,
            json!({"provider_key": ""}),
            b,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    s.stop().await;
}

#[tokio::test]
async fn only_owners_and_admins_manage_members_and_keys() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let carol = s.user("carol@example.com", "Carol").await; // member of alpha
    let dave = s.user("dave@example.com", "Dave").await; // admin of alpha
    let erin = s.user("erin@example.com", "Erin").await; // not in alpha yet
    let wa = workspace_of(&s, &alice, "alpha").await;
    // Carol owns a workspace of her own: being an owner *somewhere* must not count in alpha.
    let wc = workspace_of(&s, &carol, "gamma").await;
    let carol_in_a = s
        .su_create(
            "workspace_members",
            json!({"workspace": wa.workspace, "user": carol.0, "role": "member"}),
        )
        .await;
    let dave_in_a = s
        .su_create(
            "workspace_members",
            json!({"workspace": wa.workspace, "user": dave.0, "role": "admin"}),
        )
        .await;
    let (a, c, d) = (
        Some(alice.1.as_str()),
        Some(carol.1.as_str()),
        Some(dave.1.as_str()),
    );

    // A plain member reads members and keys (the secret stays hidden) but manages neither.
    assert_eq!(ids(&s.list("workspace_members", c).await.body).len(), 4); // 3 alpha + 1 gamma
    let key = s.view("provider_keys", &wa.key, c).await;
    assert_eq!(key.status, 200);
    assert!(
        key.body.get("api_key").is_none(),
        "api_key is hidden: {}",
        key.body
    );
    let new_member = json!({"workspace": wa.workspace, "user": erin.0, "role": "member"});
    assert_rule_refused(
        &s.create("workspace_members", new_member.clone(), c).await,
        "member adds",
    );
    assert_eq!(
        s.update(
            "workspace_members",
            &carol_in_a,
            json!({"role": "admin"}),
            c
        )
        .await
        .status,
        404
    );
    assert_eq!(
        s.delete("workspace_members", &dave_in_a, c).await.status,
        404
    );
    let new_key =
        json!({"workspace": wa.workspace, "provider": "anthropic", "api_key": "sk-ant-x"});
    assert_rule_refused(
        &s.create("provider_keys", new_key.clone(), c).await,
        "member adds key",
    );
    assert_eq!(
        s.update("provider_keys", &wa.key, json!({"label": "x"}), c)
            .await
            .status,
        404
    );
    assert_eq!(s.delete("provider_keys", &wa.key, c).await.status, 404);
    assert_eq!(
        s.update("workspaces", &wa.workspace, json!({"name": "x"}), c)
            .await
            .status,
        404
    );
    assert_eq!(s.delete("workspaces", &wa.workspace, c).await.status, 404);
    // ...but works with the workspace's data.
    let camp = json!({"workspace": wa.workspace, "name": "carol's", "channel": "events"});
    assert_eq!(s.create("campaigns", camp, c).await.status, 200);

    // An admin manages members and keys, but cannot touch or make owners.
    let erin_in_a = s.create("workspace_members", new_member, d).await.id();
    let owner_row = json!({"workspace": wa.workspace, "user": erin.0, "role": "owner"});
    assert_rule_refused(
        &s.create("workspace_members", owner_row, d).await,
        "admin adds owner",
    );
    assert_eq!(
        s.update("workspace_members", &erin_in_a, json!({"role": "owner"}), d)
            .await
            .status,
        404
    );
    assert_eq!(
        s.update(
            "workspace_members",
            &wa.owner_member,
            json!({"role": "member"}),
            d
        )
        .await
        .status,
        404
    );
    assert_eq!(
        s.delete("workspace_members", &wa.owner_member, d)
            .await
            .status,
        404
    );
    assert_eq!(
        s.update("workspace_members", &erin_in_a, json!({"role": "admin"}), d)
            .await
            .status,
        200
    );
    assert_eq!(
        s.delete("workspace_members", &erin_in_a, d).await.status,
        204
    );
    let key = s.create("provider_keys", new_key.clone(), d).await.id();
    assert_eq!(
        s.update("provider_keys", &key, json!({"label": "claude"}), d)
            .await
            .status,
        200
    );
    // key_hint is the server's to set.
    let mut forged = new_key.clone();
    forged["key_hint"] = json!("sk-…fake");
    assert_rule_refused(&s.create("provider_keys", forged, d).await, "forged hint");
    assert_eq!(
        s.update("provider_keys", &key, json!({"key_hint": "x"}), d)
            .await
            .status,
        404
    );
    assert_eq!(s.delete("provider_keys", &key, d).await.status, 204);
    assert_eq!(
        s.update("workspaces", &wa.workspace, json!({"name": "alpha 2"}), d)
            .await
            .status,
        200
    );
    assert_eq!(
        s.delete("workspaces", &wa.workspace, d).await.status,
        404,
        "only the owner deletes"
    );

    // The owner can promote to owner; carol's own workspace is untouched by all of this.
    assert_eq!(
        s.update("workspace_members", &dave_in_a, json!({"role": "owner"}), a)
            .await
            .status,
        200
    );
    assert_eq!(s.view("workspaces", &wc.workspace, c).await.status, 200);
    assert_eq!(s.view("workspaces", &wc.workspace, d).await.status, 404);
    // Users see themselves and the people they share a workspace with, nobody else.
    assert_eq!(s.view("users", &carol.0, a).await.status, 200);
    assert_eq!(s.view("users", &erin.0, a).await.status, 404);
    assert_eq!(s.view("users", &alice.0, None).await.status, 404);
    s.stop().await;
}

#[tokio::test]
async fn clients_create_only_user_messages() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let wa = workspace_of(&s, &alice, "alpha").await;
    let a = Some(alice.1.as_str());
    let conv = wa.conversation.as_str();
    let refused = [
        json!({"conversation": conv, "role": "assistant", "content": "I am the coach"}),
        json!({"conversation": conv, "content": "no role"}),
        json!({"conversation": conv, "role": "user", "content": "x", "status": "done"}),
        json!({"conversation": conv, "role": "user", "content": "x", "tokens_out": 5}),
        json!({"conversation": conv, "role": "user", "content": "x", "cost_usd": 0}),
        json!({"conversation": conv, "role": "user", "content": "x", "model": "gpt-4o"}),
    ];
    for body in refused {
        let r = s.create("messages", body.clone(), a).await;
        assert_rule_refused(&r, &body.to_string());
    }
    let ok = s
        .create(
            "messages",
            json!({"conversation": conv, "role": "user", "content": "hello"}),
            a,
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // An assistant message (written by the server) cannot be edited or re-roled by clients.
    let reply = s
        .su_create(
            "messages",
            json!({"conversation": conv, "role": "assistant", "content": "Answer", "status": "done"}),
        )
        .await;
    assert_eq!(
        s.update("messages", &reply, json!({"content": "forged"}), a)
            .await
            .status,
        404
    );
    let mine = ok.id();
    assert_eq!(
        s.update("messages", &mine, json!({"role": "assistant"}), a)
            .await
            .status,
        404
    );
    assert_eq!(
        s.update("messages", &mine, json!({"status": "done"}), a)
            .await
            .status,
        404
    );
    assert_eq!(
        s.update("messages", &mine, json!({"content": "hello!"}), a)
            .await
            .status,
        200
    );
    s.stop().await;
}

#[tokio::test]
async fn benchmarks_and_templates_are_public_to_read_and_superuser_only_to_write() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let a = Some(alice.1.as_str());
    let seed = schema_dir().join("seed");
    for (c, file) in [
        ("benchmarks", "benchmarks.json"),
        ("coaching_templates", "coaching_templates.json"),
    ] {
        let rows = read_json(seed.join(file));
        let rows = rows.as_array().expect("seed rows");
        assert!(!rows.is_empty(), "{file} has rows");
        let mut first = String::new();
        for row in rows {
            let id = s.su_create(c, row.clone()).await;
            if first.is_empty() {
                first = id;
            }
        }
        for token in [None, a] {
            let list = s.list(c, token).await;
            assert_eq!(list.status, 200);
            assert_eq!(list.body["totalItems"], json!(rows.len()), "{c}");
            assert_eq!(s.view(c, &first, token).await.status, 200);
            let r = s.create(c, rows[0].clone(), token).await;
            assert_eq!(r.status, 403, "create {c}: {}", r.body);
            assert_eq!(
                s.update(c, &first, json!({"unit": "x", "title": "x"}), token)
                    .await
                    .status,
                403
            );
            assert_eq!(s.delete(c, &first, token).await.status, 403);
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn the_schema_imports_again_without_changes_or_data_loss() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let wa = workspace_of(&s, &alice, "alpha").await;
    let before = s
        .send(
            reqwest::Method::GET,
            "/api/collections?perPage=100",
            None,
            Some(&s.su.clone()),
        )
        .await;
    let r = s.import_schema().await;
    assert_eq!(r.status, 204, "{}", r.body);
    let after = s
        .send(
            reqwest::Method::GET,
            "/api/collections?perPage=100",
            None,
            Some(&s.su.clone()),
        )
        .await;
    let shape = |v: &Value| {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| {
                (
                    c["name"].clone(),
                    c["fields"].clone(),
                    c["indexes"].clone(),
                    c["listRule"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&before.body), shape(&after.body));
    for (c, id) in records(&wa) {
        assert_eq!(s.view(c, &id, Some(&alice.1)).await.status, 200, "{c} kept");
    }
    s.stop().await;
}

#[tokio::test]
async fn only_owners_and_admins_see_and_revoke_invites_and_members_may_leave() {
    let s = Server::start().await;
    let alice = s.user("alice@example.com", "Alice").await;
    let carol = s.user("carol@example.com", "Carol").await; // member of alpha
    let dave = s.user("dave@example.com", "Dave").await; // admin of alpha
    let bob = s.user("bob@example.com", "Bob").await; // elsewhere
    let wa = workspace_of(&s, &alice, "alpha").await;
    let _wb = workspace_of(&s, &bob, "beta").await;
    let carol_in_a = s
        .su_create(
            "workspace_members",
            json!({"workspace": wa.workspace, "user": carol.0, "role": "member"}),
        )
        .await;
    s.su_create(
        "workspace_members",
        json!({"workspace": wa.workspace, "user": dave.0, "role": "admin"}),
    )
    .await;
    let invite = |email: &str| {
        json!({"workspace": wa.workspace, "email": email, "role": "member",
               "invited_by": alice.0, "status": "pending"})
    };
    let first = s
        .su_create("workspace_invites", invite("x@example.com"))
        .await;
    let second = s
        .su_create("workspace_invites", invite("y@example.com"))
        .await;
    let (a, b, c, d) = (
        Some(alice.1.as_str()),
        Some(bob.1.as_str()),
        Some(carol.1.as_str()),
        Some(dave.1.as_str()),
    );
    let c_name = "workspace_invites";
    assert_eq!(ids(&s.list(c_name, a).await.body).len(), 2, "owner");
    assert_eq!(ids(&s.list(c_name, d).await.body).len(), 2, "admin");
    assert_eq!(ids(&s.list(c_name, c).await.body).len(), 0, "plain member");
    assert_eq!(ids(&s.list(c_name, b).await.body).len(), 0, "outsider");
    assert_eq!(ids(&s.list(c_name, None).await.body).len(), 0, "guest");
    assert_eq!(s.view(c_name, &first, c).await.status, 404);
    assert_eq!(s.view(c_name, &first, b).await.status, 404);
    assert_eq!(s.delete(c_name, &first, c).await.status, 404);
    assert_eq!(s.delete(c_name, &first, b).await.status, 404);
    // Invites are written by the server's route only (it validates and mails).
    let r = s.create(c_name, invite("z@example.com"), a).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s.update(c_name, &first, json!({"role": "admin"}), a).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // Owners and admins revoke.
    assert_eq!(s.delete(c_name, &first, d).await.status, 204);
    assert_eq!(s.delete(c_name, &second, a).await.status, 204);
    // A plain member cannot remove others but may leave.
    assert_eq!(
        s.delete("workspace_members", &wa.owner_member, c)
            .await
            .status,
        404
    );
    assert_eq!(
        s.delete("workspace_members", &carol_in_a, c).await.status,
        204
    );
    assert_eq!(s.view("workspaces", &wa.workspace, c).await.status, 404);
    s.stop().await;
}
