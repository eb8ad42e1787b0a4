//! System fields of a collection can be neither removed nor renamed, even by a superuser, as in
//! PocketBase (`data.fields.code = validation_system_field_change`); other fields still can.

mod common;

use common::{TestServer, assert_error};
use serde_json::{Value, json};

fn fields_of(c: &Value) -> Vec<Value> {
    c["fields"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn removing_or_renaming_a_system_field_is_refused() {
    let s = TestServer::start().await;
    let mfas = s.get("/api/collections/_mfas").await;
    assert_eq!(mfas.status, 200, "{}", mfas.body);
    let all = fields_of(&mfas.body);
    let removable = all
        .iter()
        .position(|f| f["system"] == json!(true) && f["name"] != json!("id"))
        .expect("a system field besides id");
    // Removed.
    let mut fewer = all.clone();
    fewer.remove(removable);
    let r = s
        .su_patch("/api/collections/_mfas", json!({ "fields": fewer }))
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["fields"]["code"],
        json!("validation_system_field_change"),
        "{}",
        r.body
    );
    // Renamed.
    let mut renamed = all.clone();
    renamed[removable]["name"] = json!("renamed_system_field");
    let r = s
        .su_patch("/api/collections/_mfas", json!({ "fields": renamed }))
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["fields"]["code"],
        json!("validation_system_field_change")
    );
    assert_eq!(
        data["fields"]["message"],
        json!("System fields cannot be deleted or renamed.")
    );
    // Nothing changed.
    let after = s.get("/api/collections/_mfas").await;
    assert_eq!(fields_of(&after.body), all);
}

#[tokio::test]
async fn renaming_an_auth_system_field_is_refused_but_other_fields_change() {
    let s = TestServer::start().await;
    let users = s.get("/api/collections/users").await;
    let mut fields = fields_of(&users.body);
    let email = fields
        .iter()
        .position(|f| f["name"] == json!("email"))
        .expect("email field");
    fields[email]["name"] = json!("mail");
    let r = s
        .su_patch("/api/collections/users", json!({ "fields": fields }))
        .await;
    // Refused (the auth system fields are put back by name, so the error may sit on the
    // duplicated field rather than on `fields`); nothing is renamed.
    assert_error(&r, 400);
    let after = s.get("/api/collections/users").await;
    assert!(
        fields_of(&after.body)
            .iter()
            .any(|f| f["name"] == json!("email"))
    );
    // A non-system field can still be renamed and removed.
    let mut fields = fields_of(&users.body);
    let name = fields
        .iter()
        .position(|f| f["name"] == json!("name"))
        .expect("name field");
    assert_eq!(fields[name]["system"], json!(false));
    fields[name]["name"] = json!("full_name");
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({ "fields": fields.clone() }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    fields.remove(name);
    let r = s
        .su_patch("/api/collections/users", json!({ "fields": fields }))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        !fields_of(&r.body)
            .iter()
            .any(|f| f["name"] == json!("full_name"))
    );
}
