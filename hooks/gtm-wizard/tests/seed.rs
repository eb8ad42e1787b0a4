//! The shipped seed rows (benchmarks, coaching templates) are applied at every start of the real
//! `gtm-wizard` binary without undoing an operator's work: a template edited through the API
//! keeps its text across restarts, a deleted one stays deleted, the untouched ones still hold
//! the shipped figures, and rows an operator added survive.

mod support;

use serde_json::{Value, json};
use support::app_process::{AppProcess, SU_EMAIL, SU_PASSWORD};

struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn signin(base: &str) -> Self {
        let http = reqwest::Client::new();
        let r: Value = http
            .post(format!(
                "{base}/api/collections/_superusers/auth-with-password"
            ))
            .json(&json!({"identity": SU_EMAIL, "password": SU_PASSWORD}))
            .send()
            .await
            .expect("sign in")
            .json()
            .await
            .expect("json");
        let token = r["token"].as_str().expect("token").to_string();
        Self {
            http,
            base: base.to_string(),
            token,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut rb = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", &self.token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn all(&self, collection: &str) -> Vec<Value> {
        let (status, body) = self
            .call(
                reqwest::Method::GET,
                &format!("/api/collections/{collection}/records?perPage=500"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().expect("items").clone()
    }
}

fn shipped(file: &str) -> Vec<Value> {
    let path = support::cairn_server::schema_dir().join("seed").join(file);
    support::cairn_server::read_json(path)
        .as_array()
        .expect("rows")
        .clone()
}

/// The REST path of one record.
fn record_path(collection: &str, record: &Value) -> String {
    let id = record["id"].as_str().expect("record id");
    format!("/api/collections/{collection}/records/{id}")
}

fn by_slug<'a>(rows: &'a [Value], slug: &str) -> Option<&'a Value> {
    rows.iter().find(|r| r["slug"] == slug)
}

#[tokio::test]
async fn restarts_keep_operator_edits_deletions_and_additions() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    std::fs::create_dir_all(&dir).expect("dir");
    let mut app = AppProcess::start(&dir);
    let api = Api::signin(&app.base).await;

    let templates = shipped("coaching_templates.json");
    assert!(templates.len() >= 3, "the seed ships several templates");
    let rows = api.all("coaching_templates").await;
    assert_eq!(rows.len(), templates.len(), "every template seeded once");

    let edited_slug = templates[0]["slug"].as_str().expect("slug");
    let deleted_slug = templates[1]["slug"].as_str().expect("slug");
    let untouched_slug = templates[2]["slug"].as_str().expect("slug");
    let edited = by_slug(&rows, edited_slug).expect("edited row");
    let deleted = by_slug(&rows, deleted_slug).expect("deleted row");
    let (s, b) = api
        .call(
            reqwest::Method::PATCH,
            &record_path("coaching_templates", edited),
            Some(json!({"title": "Our own take", "body": "<p>House rules.</p>"})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let del = record_path("coaching_templates", deleted);
    assert_eq!(api.call(reqwest::Method::DELETE, &del, None).await.0, 204);
    let mut added = templates[2].clone();
    added["slug"] = json!("operator-added");
    added["title"] = json!("Added by the operator");
    let (s, b) = api
        .call(
            reqwest::Method::POST,
            "/api/collections/coaching_templates/records",
            Some(added),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let bench = api.all("benchmarks").await;
    let first = &bench[0];
    let (s, b) = api
        .call(
            reqwest::Method::PATCH,
            &record_path("benchmarks", first),
            Some(json!({"median": 42.5})),
        )
        .await;
    assert_eq!(s, 200, "{b}");

    // Twice: the second start must also leave everything as the operator left it.
    for _ in 0..2 {
        app.kill9();
        app.restart();
        let api = Api::signin(&app.base).await;
        let rows = api.all("coaching_templates").await;
        let edited = by_slug(&rows, edited_slug).expect("the edited template is still there");
        assert_eq!(edited["title"], "Our own take");
        assert_eq!(edited["body"], "<p>House rules.</p>");
        assert!(
            by_slug(&rows, deleted_slug).is_none(),
            "a deleted template came back"
        );
        assert!(by_slug(&rows, "operator-added").is_some());
        let untouched = by_slug(&rows, untouched_slug).expect("untouched");
        assert_eq!(untouched["title"], templates[2]["title"]);
        assert_eq!(untouched["body"], templates[2]["body"]);
        assert_eq!(rows.len(), templates.len(), "-1 deleted +1 added");
        let bench = api.all("benchmarks").await;
        assert_eq!(bench.len(), shipped("benchmarks.json").len());
        let again = bench
            .iter()
            .find(|r| r["id"] == first["id"])
            .expect("edited benchmark");
        assert_eq!(
            again["median"], 42.5,
            "a restart reset the operator's figure"
        );
    }
}
