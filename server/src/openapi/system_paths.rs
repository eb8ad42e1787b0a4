//! The routes outside collections and records: settings, batch, jobs, crons, realtime (SSE and
//! WebSocket), the OAuth2 redirect, `HEAD` of health and files, and the document and docs page
//! themselves. Route table: `http/mod.rs`.

use serde_json::{Value, json};

use super::ops::{Access, Op, add_schemas, add_tag, empty, error, object, ok, path_param, query};
use super::ops::{fields_param, schema};

/// Adds the routes and their schemas to `doc`.
pub fn add(doc: &mut Value) {
    settings(doc);
    batch(doc);
    jobs(doc);
    crons(doc);
    super::logs_paths::add(doc);
    super::backups_paths::add(doc);
    realtime(doc);
    misc(doc);
    add_schemas(doc, schemas());
}

fn settings(doc: &mut Value) {
    add_tag(
        doc,
        "Settings",
        "Application settings (superusers only; secrets are write-only).",
    );
    Op::new("Settings", "getSettings", "Get the settings")
        .describe("Secrets (`smtp.password`, `s3.secret`, `backups.s3.secret`) are never returned.")
        .access(Access::Superuser)
        .param(fields_param())
        .respond("200", ok("The settings.", schema("Settings")))
        .add(doc, "/api/settings", "get");
    Op::new("Settings", "updateSettings", "Update the settings")
        .describe("Objects merge key by key; returns the whole settings document.")
        .access(Access::Superuser)
        .param(fields_param())
        .body(schema("Settings"))
        .respond("200", ok("The updated settings.", schema("Settings")))
        .respond("400", error("Validation failed."))
        .add(doc, "/api/settings", "patch");
    Op::new("Settings", "testEmail", "Send a test email")
        .describe("Sends one of the mail templates to an address; 204 once the SMTP server took it.")
        .access(Access::Superuser)
        .body(object(
            "Where to send which template.",
            json!({
                "email": {"type": "string", "format": "email"},
                "template": {"type": "string", "enum": ["verification", "password-reset", "email-change", "otp", "login-alert"]},
                "collection": {"type": "string", "description": "Auth collection whose template to use (default `_superusers`)."},
            }),
            &["email", "template"],
        ))
        .respond("204", empty("Sent."))
        .respond("400", error("Invalid input, or sending failed."))
        .add(doc, "/api/settings/test/email", "post");
    Op::new("Settings", "testS3", "Test the S3 storage")
        .describe("Uploads and deletes a test object.")
        .access(Access::Superuser)
        .body(object(
            "Which S3 configuration to test.",
            json!({"filesystem": {"type": "string", "enum": ["storage", "backups"]}}),
            &["filesystem"],
        ))
        .respond("204", empty("Both worked."))
        .respond("400", error("Not enabled, or the bucket refused."))
        .add(doc, "/api/settings/test/s3", "post");
    Op::new(
        "Settings",
        "generateAppleClientSecret",
        "Generate an Apple client secret",
    )
    .describe("Signs Apple's ES256 client-secret JWT with a `.p8` key.")
    .access(Access::Superuser)
    .body(object(
        "The Apple developer ids and key.",
        json!({
            "clientId": {"type": "string"}, "teamId": {"type": "string"}, "keyId": {"type": "string"},
            "privateKey": {"type": "string"}, "duration": {"type": "integer", "description": "Seconds (at most ~6 months)."},
        }),
        &["clientId", "teamId", "keyId", "privateKey", "duration"],
    ))
    .respond(
        "200",
        ok(
            "The secret.",
            object("", json!({"secret": {"type": "string"}}), &["secret"]),
        ),
    )
    .respond("400", error("Invalid input or key."))
    .add(doc, "/api/settings/apple/generate-client-secret", "post");
}

fn batch(doc: &mut Value) {
    add_tag(doc, "Batch", "Several record writes in one transaction.");
    let body = json!({"required": true, "content": {
        "application/json": {"schema": schema("BatchRequest")},
        "multipart/form-data": {"schema": {"type": "object", "description":
            "`@jsonPayload` holds the JSON body; files go in parts named `requests.N.field`."}},
    }});
    Op::new("Batch", "batch", "Run a batch of record writes")
        .describe(
            "Off until `settings.batch.enabled`. Each sub-request is checked against its own \
             rule; the first failure rolls everything back (400 with `data.requests.N`).",
        )
        .access(Access::Anyone)
        .raw_body(body)
        .respond(
            "200",
            ok(
                "One result per sub-request, in order.",
                json!({"type": "array", "items": schema("BatchResult")}),
            ),
        )
        .respond("400", error("Invalid batch, or a sub-request failed."))
        .respond("403", error("Batch requests are not allowed."))
        .respond(
            "413",
            error("The body is larger than `settings.batch.maxBodySize`."),
        )
        .add(doc, "/api/batch", "post");
}

fn jobs(doc: &mut Value) {
    add_tag(
        doc,
        "Jobs",
        "The durable job queue of hook modules (superusers only).",
    );
    let id = || path_param("id", "Job id.");
    let mut list = Op::new("Jobs", "listJobs", "List jobs").access(Access::Superuser);
    for p in super::common::list_params()
        .into_iter()
        .filter(|p| !matches!(p.name.as_str(), "fields" | "expand"))
    {
        list = list.param(serde_json::to_value(p).unwrap_or(Value::Null));
    }
    list.describe(
        "Filter and sort over `name`, `status`, `attempts`, `runAt`, `created`, `updated`, …",
    )
    .respond("200", ok("A page of jobs.", schema("JobList")))
    .respond("400", error("Invalid sort or filter."))
    .add(doc, "/api/jobs", "get");
    Op::new("Jobs", "viewJob", "View a job")
        .access(Access::Superuser)
        .param(id())
        .respond("200", ok("The job.", schema("Job")))
        .respond("404", error("No such job."))
        .add(doc, "/api/jobs/{id}", "get");
    for (op_id, summary, what, path) in [
        (
            "cancelJob",
            "Cancel a queued or running job",
            "The job has already ended.",
            "cancel",
        ),
        (
            "retryJob",
            "Queue an ended job again",
            "The job is still queued or running.",
            "retry",
        ),
    ] {
        Op::new("Jobs", op_id, summary)
            .access(Access::Superuser)
            .param(id())
            .respond("200", ok("The job.", schema("Job")))
            .respond("400", error(what))
            .respond("404", error("No such job."))
            .add(doc, &format!("/api/jobs/{{id}}/{path}"), "post");
    }
}

fn crons(doc: &mut Value) {
    add_tag(
        doc,
        "Crons",
        "Cron jobs: PocketBase's built-in ones and those of hook modules (superusers only).",
    );
    Op::new("Crons", "listCrons", "List cron jobs")
        .access(Access::Superuser)
        .respond(
            "200",
            ok(
                "The app's cron jobs by id, then the built-in `__pb…` ones in PocketBase's order.",
                json!({"type": "array", "items": schema("Cron")}),
            ),
        )
        .add(doc, "/api/crons", "get");
    Op::new("Crons", "runCron", "Run a cron job now")
        .describe("Answers at once; the job runs in the background.")
        .access(Access::Superuser)
        .param(path_param("id", "Cron job id."))
        .respond("204", empty("Started."))
        .respond("404", error("No such cron job."))
        .add(doc, "/api/crons/{id}", "post");
}

fn realtime(doc: &mut Value) {
    add_tag(
        doc,
        "Realtime",
        "Record events over SSE or WebSocket (protocol in the document's description).",
    );
    Op::new("Realtime", "realtimeConnect", "Open an SSE connection")
        .describe("The first event is `PB_CONNECT` with the client id; the stream stays open.")
        .access(Access::Anyone)
        .respond(
            "200",
            json!({"description": "An event stream.", "content": {"text/event-stream": {"schema": {"type": "string"}}}}),
        )
        .add(doc, "/api/realtime", "get");
    Op::new(
        "Realtime",
        "realtimeSubscribe",
        "Set the subscriptions of an SSE client",
    )
    .describe("Replaces the client's topics (`COLLECTION/*`, `COLLECTION/ID`, with `?options=`).")
    .access(Access::Anyone)
    .body(schema("RealtimeSubscribe"))
    .respond("204", empty("Subscribed."))
    .respond("400", error("Missing client id or invalid topics."))
    .respond(
        "403",
        error("The client's auth cannot change to this token."),
    )
    .respond("404", error("No such client."))
    .add(doc, "/api/realtime", "post");
    Op::new(
        "Realtime",
        "realtimeWebSocket",
        "Open a WebSocket connection",
    )
    .describe("JSON text frames carrying the SSE protocol's topics and payloads.")
    .access(Access::Anyone)
    .respond("101", empty("Switching protocols."))
    .respond("400", empty("Not a WebSocket upgrade request."))
    .add(doc, "/api/realtime/ws", "get");
}

fn misc(doc: &mut Value) {
    Op::new("Health", "healthHead", "Health check (headers only)")
        .access(Access::Anyone)
        .respond("200", empty("The server is up."))
        .add(doc, "/api/health", "head");
    let redirect = |method: &str, doc: &mut Value| {
        let mut o = Op::new("Auth", format!("oauth2Redirect{method}"), "OAuth2 redirect")
            .describe(
                "The provider's callback in the popup flow: `{state, code}` goes to the realtime \
                 client `state` (topic `@oauth2`), then a redirect to the console's result page.",
            )
            .access(Access::Anyone)
            .respond("307", empty("Redirect to the success or failure page."));
        for p in ["state", "code", "error"] {
            o = o.param(query(p, "From the provider.", json!({"type": "string"})));
        }
        o.add(doc, "/api/oauth2-redirect", &method.to_lowercase());
    };
    redirect("Get", doc);
    redirect("Post", doc);
    Op::new("Docs", "openapi", "This document")
        .describe("Lists only the collections the requester could read (superusers see all).")
        .access(Access::Anyone)
        .respond(
            "200",
            ok("The OpenAPI document.", json!({"type": "object"})),
        )
        .add(doc, "/api/openapi.json", "get");
    Op::new("Docs", "docs", "API docs page (Swagger UI, offline)")
        .access(Access::Anyone)
        .respond(
            "200",
            json!({"description": "HTML.", "content": {"text/html": {"schema": {"type": "string"}}}}),
        )
        .add(doc, "/api/docs", "get");
    add_tag(doc, "Docs", "This document and its docs page.");
    // HEAD of a file: the GET's parameters and headers, no body.
    if let Some(get) = doc["paths"]["/api/files/{collection}/{record}/{filename}"]
        .get("get")
        .cloned()
    {
        let mut head = get;
        head["operationId"] = json!("fileHead");
        head["summary"] = json!("File headers");
        if let Some(Value::Object(responses)) = head.get_mut("responses") {
            for r in responses.values_mut() {
                if let Value::Object(r) = r {
                    r.remove("content");
                }
            }
        }
        doc["paths"]["/api/files/{collection}/{record}/{filename}"]["head"] = head;
    }
}

/// The schemas of these routes (also reserved against collection type names).
pub fn schemas() -> Vec<(&'static str, Value)> {
    let obj = |d: &str| json!({"type": "object", "description": d});
    let string = || json!({"type": "string"});
    vec![
        (
            "Settings",
            json!({"type": "object", "description": "PocketBase's settings document; each section is an object.",
            "properties": {
                "meta": obj("`appName`, `appURL`, `senderName`, `senderAddress`, `hideControls`."),
                "smtp": obj("SMTP server (`password` write-only)."),
                "s3": obj("File storage in S3 (`secret` write-only)."),
                "backups": obj("Backups (`s3.secret` write-only)."),
                "batch": obj("`enabled`, `maxRequests`, `timeout`, `maxBodySize`."),
                "rateLimits": obj("`enabled` and `rules`."),
                "trustedProxy": obj("`headers`, `useLeftmostIP`."),
                "logs": obj("Request log retention."),
            }}),
        ),
        (
            "BatchRequest",
            object(
                "The sub-requests, in order.",
                json!({"requests": {"type": "array", "items": object(
                    "One record write.",
                    json!({
                        "method": {"type": "string", "enum": ["POST", "PUT", "PATCH", "DELETE"]},
                        "url": {"type": "string", "description": "`/api/collections/{c}/records[/{id}]` (+ query)."},
                        "body": {"type": "object"},
                        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    }),
                    &["method", "url"],
                )}}),
                &["requests"],
            ),
        ),
        (
            "BatchResult",
            object(
                "The answer of one sub-request.",
                json!({"status": {"type": "integer"}, "body": {"description": "The record, or null."}}),
                &["status", "body"],
            ),
        ),
        (
            "Job",
            object(
                "A durable job.",
                json!({
                    "id": string(), "name": string(), "payload": {},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
                    "attempts": {"type": "integer"}, "maxAttempts": {"type": "integer"},
                    "runAt": string(), "leaseUntil": string(), "progress": {}, "result": {},
                    "error": string(), "created": string(), "updated": string(),
                }),
                &[
                    "id",
                    "name",
                    "payload",
                    "status",
                    "attempts",
                    "maxAttempts",
                    "runAt",
                    "leaseUntil",
                    "progress",
                    "result",
                    "error",
                    "created",
                    "updated",
                ],
            ),
        ),
        (
            "JobList",
            serde_json::to_value(super::common::list_envelope(
                super::common::schema_ref("Job"),
                "A page of jobs.",
            ))
            .unwrap_or(Value::Null),
        ),
        (
            "Cron",
            object(
                "A cron job.",
                json!({"id": string(), "expression": string()}),
                &["id", "expression"],
            ),
        ),
        (
            "RealtimeSubscribe",
            object(
                "The client's whole subscription set.",
                json!({"clientId": {"type": "string", "minLength": 1, "maxLength": 255},
                    "subscriptions": {"type": "array", "items": string()}}),
                &["clientId"],
            ),
        ),
    ]
}
