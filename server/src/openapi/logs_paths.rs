//! The request-log routes (`/api/logs`, `/api/logs/stats`, `/api/logs/{id}`) and their
//! schemas, in PocketBase's shapes.

use serde_json::{Value, json};

use super::ops::{Access, Op, add_schemas, add_tag, error, object, ok, path_param, query, schema};

/// Adds the routes and their schemas to `doc`.
pub fn add(doc: &mut Value) {
    add_tag(
        doc,
        "Logs",
        "Request logs kept in `aux.db` for `settings.logs.maxDays` (superusers only).",
    );
    let mut list = Op::new("Logs", "listLogs", "List request logs").access(Access::Superuser);
    for p in super::common::list_params()
        .into_iter()
        .filter(|p| p.name.as_str() != "expand")
    {
        list = list.param(serde_json::to_value(p).unwrap_or(Value::Null));
    }
    list.describe(
        "Filter and sort over `id`, `created`, `level`, `message`, `data` and `data.*` paths \
         (`data.status >= 400`, `data.auth = \"_superusers\"`); unsorted lists come oldest first.",
    )
    .respond("200", ok("A page of log entries.", schema("LogList")))
    .respond("400", error("Invalid sort or filter."))
    .add(doc, "/api/logs", "get");
    Op::new("Logs", "logsStats", "Count request logs per hour")
        .access(Access::Superuser)
        .param(query(
            "filter",
            "Which entries to count (the list's filter syntax).",
            json!({"type": "string"}),
        ))
        .respond(
            "200",
            ok(
                "Hourly buckets, oldest first.",
                json!({"type": "array", "items": schema("LogStatsItem")}),
            ),
        )
        .respond("400", error("Invalid filter."))
        .add(doc, "/api/logs/stats", "get");
    Op::new("Logs", "viewLog", "View a request log entry")
        .access(Access::Superuser)
        .param(path_param("id", "Log entry id."))
        .respond("200", ok("The entry.", schema("Log")))
        .respond("404", error("No such entry."))
        .add(doc, "/api/logs/{id}", "get");
    add_schemas(doc, schemas());
}

fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Log",
            object(
                "A request log entry: `level` 0 (info) or 8 (error); `data` has `type`, `url`, \
                 `method`, `status`, `execTime` (ms), `referer`, `userAgent`, `auth`, and when \
                 enabled `authId`, `userIP`, `remoteIP`; failed requests add `error` and `details`.",
                json!({"id": {"type": "string"}, "created": {"type": "string"},
                    "level": {"type": "integer"}, "message": {"type": "string"},
                    "data": {"type": "object", "additionalProperties": true}}),
                &["id", "created", "level", "message", "data"],
            ),
        ),
        (
            "LogList",
            serde_json::to_value(super::common::list_envelope(
                super::common::schema_ref("Log"),
                "A page of log entries.",
            ))
            .unwrap_or(Value::Null),
        ),
        (
            "LogStatsItem",
            object(
                "The number of matching entries in one hour.",
                json!({"date": {"type": "string"}, "total": {"type": "integer"}}),
                &["date", "total"],
            ),
        ),
    ]
}
