//! Typed auth paths of one auth collection: `auth-with-password` and `auth-refresh`, answering
//! `<Name>AuthResponse`.

use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi, Required};

use super::common::{self, error_response, json_response, output_params, schema_ref};
use crate::schema::Collection;

/// Adds the auth paths of `c` (schema base name `base`).
pub fn add(doc: &mut OpenApi, c: &Collection, base: &str) {
    let response = format!("{base}AuthResponse");
    let password_enabled = c
        .auth
        .as_ref()
        .is_none_or(crate::schema::collection::AuthSettings::password_auth_enabled);
    if password_enabled {
        let identities = c
            .auth
            .as_ref()
            .map(|a| a.identity_fields().join("`, `"))
            .unwrap_or_default();
        let op = OperationBuilder::new()
            .tag(c.name.clone())
            .operation_id(Some(format!("authWithPassword{base}")))
            .summary(Some(format!(
                "Authenticate a {} record with identity and password",
                c.name
            )))
            .description(Some(format!("Identity fields: `{identities}`.")))
            .parameters(Some(output_params()))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .required(Some(Required::True))
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(schema_ref("AuthWithPassword")))
                            .build(),
                    )
                    .build(),
            ))
            .response(
                "200",
                json_response("A token and the auth record.", schema_ref(&response)),
            )
            .response(
                "400",
                error_response("Missing fields or failed to authenticate."),
            )
            .build();
        doc.paths.paths.insert(
            format!("/api/collections/{}/auth-with-password", c.name),
            PathItem::new(HttpMethod::Post, op),
        );
    }
    let refresh = OperationBuilder::new()
        .tag(c.name.clone())
        .operation_id(Some(format!("authRefresh{base}")))
        .summary(Some(format!("Refresh a {} auth token", c.name)))
        .description(Some(
            "Returns a new token for the auth record of the current one.",
        ))
        .parameters(Some(output_params()))
        .securities(Some(common::token_required()))
        .response(
            "200",
            json_response("A new token and the auth record.", schema_ref(&response)),
        )
        .response("401", error_response("Missing or invalid token."))
        .response(
            "403",
            error_response("The token belongs to another collection."),
        )
        .build();
    doc.paths.paths.insert(
        format!("/api/collections/{}/auth-refresh", c.name),
        PathItem::new(HttpMethod::Post, refresh),
    );
}
