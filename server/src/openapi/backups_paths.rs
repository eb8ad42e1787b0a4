//! The backup routes (`/api/backups`, `/api/backups/upload`, `/api/backups/{key}`,
//! `/api/backups/{key}/restore`) and their schema, in PocketBase's shapes.

use serde_json::{Value, json};

use super::ops::{
    Access, Op, add_schemas, add_tag, empty, error, object, ok, path_param, query, schema,
};

/// Adds the routes and their schema to `doc`.
pub fn add(doc: &mut Value) {
    add_tag(
        doc,
        "Backups",
        "Zips of the data dir (databases and local files) in `<data dir>/backups` (superusers only).",
    );
    let key = || path_param("key", "Backup file name (`^[a-z0-9_-]+\\.zip$`).");
    Op::new("Backups", "listBackups", "List backups")
        .access(Access::Superuser)
        .respond(
            "200",
            ok(
                "Every backup, by name.",
                json!({"type": "array", "items": schema("Backup")}),
            ),
        )
        .add(doc, "/api/backups", "get");
    Op::new("Backups", "createBackup", "Create a backup now")
        .describe(
            "A consistent online snapshot (SQLite's backup API) of `data.db` and `aux.db` plus \
             the local storage; answers once the zip is written. Without `name`: \
             `pb_backup_<app name>_<UTC yyyymmddhhmmss>.zip`.",
        )
        .access(Access::Superuser)
        .raw_body(json!({"required": false, "content": {"application/json": {"schema": object(
            "The backup's name.",
            json!({"name": {"type": "string", "pattern": "^[a-z0-9_-]+\\.zip$", "maxLength": 150}}),
            &[],
        )}}}))
        .respond("204", empty("Written."))
        .respond("400", error("Invalid or taken name, another backup running, or it failed."))
        .add(doc, "/api/backups", "post");
    Op::new("Backups", "uploadBackup", "Upload a backup zip")
        .access(Access::Superuser)
        .raw_body(
            json!({"required": true, "content": {"multipart/form-data": {"schema": object(
                "The zip, stored under its file name.",
                json!({"file": {"type": "string", "format": "binary"}}),
                &["file"],
            )}}}),
        )
        .respond("204", empty("Stored."))
        .respond("400", error("Missing, not a zip, or the name is taken."))
        .add(doc, "/api/backups/upload", "post");
    Op::new("Backups", "downloadBackup", "Download a backup")
        .describe("Authorised by `?token=`, a superuser's file token (`POST /api/files/token`).")
        .access(Access::Anyone)
        .param(key())
        .param(query("token", "A superuser's file token.", json!({"type": "string"})))
        .respond(
            "200",
            json!({"description": "The zip.", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}),
        )
        .respond("403", error("No superuser file token."))
        .respond("404", error("No such backup."))
        .add(doc, "/api/backups/{key}", "get");
    Op::new("Backups", "deleteBackup", "Delete a backup")
        .access(Access::Superuser)
        .param(key())
        .respond("204", empty("Deleted."))
        .respond("400", error("No such backup, or it is being written."))
        .add(doc, "/api/backups/{key}", "delete");
    Op::new("Backups", "restoreBackup", "Restore a backup")
        .describe(
            "Checks the zip (a Cairn `data.db` that passes `PRAGMA integrity_check`, secrets \
             that open with this server's key), then swaps the databases and the local storage \
             in while the server runs; answers once the restored data is live. Writes queued \
             meanwhile run on the restored data.",
        )
        .access(Access::Superuser)
        .param(key())
        .respond("204", empty("Restored."))
        .respond(
            "400",
            error("No such backup, an invalid one, or another backup operation running."),
        )
        .add(doc, "/api/backups/{key}/restore", "post");
    add_schemas(
        doc,
        vec![(
            "Backup",
            object(
                "A backup file.",
                json!({"key": {"type": "string"}, "size": {"type": "integer"},
                    "modified": {"type": "string"}}),
                &["key", "size", "modified"],
            ),
        )],
    );
}
