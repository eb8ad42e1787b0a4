//! The typed record paths of one collection: `/api/collections/{name}/records` (list, create)
//! and `/api/collections/{name}/records/{id}` (view, update, delete); view collections are
//! read-only. Each operation states who may call it, from the collection's rule.

use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, Parameter, PathItem};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{OpenApi, Response};

use super::common::{
    self, empty_response, error_response, json_response, list_params, output_params, path_param,
    record_body, schema_ref,
};
use crate::schema::Collection;

/// Who may call an action guarded by `rule`, as a description and a security requirement.
fn access(rule: Option<&str>, action: &str) -> (String, Vec<SecurityRequirement>) {
    match rule {
        None => ("Superusers only.".to_string(), common::token_required()),
        Some("") => ("Public.".to_string(), common::token_optional()),
        Some(_) => (
            format!("Restricted by the collection's {action} rule."),
            common::token_optional(),
        ),
    }
}

/// One operation on a collection's records.
struct Op<'a> {
    id: String,
    summary: String,
    rule: Option<&'a str>,
    action: &'a str,
    params: Vec<Parameter>,
    /// Name of the request body schema, if any.
    body: Option<String>,
    responses: Vec<(&'static str, Response)>,
}

fn operation(c: &Collection, op: Op<'_>) -> Operation {
    let (who, security) = access(op.rule, op.action);
    let mut b = OperationBuilder::new()
        .tag(c.name.clone())
        .operation_id(Some(op.id))
        .summary(Some(op.summary))
        .description(Some(who))
        .parameters(Some(op.params))
        .request_body(op.body.as_deref().map(record_body))
        .securities(Some(security));
    for (status, response) in op.responses {
        b = b.response(status, response);
    }
    b.build()
}

/// `403` for a locked rule, and `404` for a record the rule hides.
fn denied(action: &str) -> [(&'static str, Response); 2] {
    [
        ("403", error_response("Superusers only (the rule is null).")),
        (
            "404",
            error_response(&format!("Missing, or hidden by the {action} rule.")),
        ),
    ]
}

/// Adds the record paths of `c` (schema base name `base`).
pub fn add(doc: &mut OpenApi, c: &Collection, base: &str) {
    let record = schema_ref(&format!("{base}Record"));
    let with_id = |mut params: Vec<Parameter>| {
        params.insert(0, path_param("id", "Record id."));
        params
    };
    let [locked, _] = denied("list");
    let list = Op {
        id: format!("list{base}Records"),
        summary: format!("List {} records", c.name),
        rule: c.list_rule.as_deref(),
        action: "list",
        params: list_params(),
        body: None,
        responses: vec![
            (
                "200",
                json_response("A page of records.", schema_ref(&format!("{base}List"))),
            ),
            ("400", error_response("Invalid sort, filter or expand.")),
            locked,
        ],
    };
    let mut view_responses = vec![("200", json_response("The record.", record.clone()))];
    view_responses.extend(denied("view"));
    let view = Op {
        id: format!("view{base}Record"),
        summary: format!("View a {} record", c.name),
        rule: c.view_rule.as_deref(),
        action: "view",
        params: with_id(output_params()),
        body: None,
        responses: view_responses,
    };
    let mut collection_item = PathItem::new(HttpMethod::Get, operation(c, list));
    let mut record_item = PathItem::new(HttpMethod::Get, operation(c, view));
    if !c.is_view() {
        let [locked, _] = denied("create");
        let create = Op {
            id: format!("create{base}Record"),
            summary: format!("Create a {} record", c.name),
            rule: c.create_rule.as_deref(),
            action: "create",
            params: output_params(),
            body: Some(format!("{base}Create")),
            responses: vec![
                ("200", json_response("The created record.", record.clone())),
                (
                    "400",
                    error_response("Validation failed, or the create rule refused."),
                ),
                locked,
            ],
        };
        let mut update_responses = vec![
            ("200", json_response("The updated record.", record)),
            ("400", error_response("Validation failed.")),
        ];
        update_responses.extend(denied("update"));
        let update = Op {
            id: format!("update{base}Record"),
            summary: format!("Update a {} record", c.name),
            rule: c.update_rule.as_deref(),
            action: "update",
            params: with_id(output_params()),
            body: Some(format!("{base}Update")),
            responses: update_responses,
        };
        let mut delete_responses = vec![
            ("204", empty_response("Deleted.")),
            ("400", error_response("Blocked by a required relation.")),
        ];
        delete_responses.extend(denied("delete"));
        let delete = Op {
            id: format!("delete{base}Record"),
            summary: format!("Delete a {} record", c.name),
            rule: c.delete_rule.as_deref(),
            action: "delete",
            params: with_id(Vec::new()),
            body: None,
            responses: delete_responses,
        };
        collection_item.post = Some(operation(c, create));
        record_item.patch = Some(operation(c, update));
        record_item.delete = Some(operation(c, delete));
    }
    let records_path = format!("/api/collections/{}/records", c.name);
    doc.paths
        .paths
        .insert(format!("{records_path}/{{id}}"), record_item);
    doc.paths.paths.insert(records_path, collection_item);
}
