//! Builders shared by the fixed document and the per-collection part: references, JSON bodies,
//! error responses, query parameters, the list envelope and the security requirement.

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::{RequestBody, RequestBodyBuilder};
use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, Response, ResponseBuilder};

/// Name of the security scheme (`Authorization` header, raw token or `Bearer <token>`).
pub const SECURITY_SCHEME: &str = "AuthToken";

/// Description of the security scheme.
pub const SECURITY_DESCRIPTION: &str = "An auth token from an `auth-with-password` (or \
     `auth-refresh`) response, sent as the raw token or as `Bearer <token>`.";

/// The datetime format used by every date and autodate value.
pub const DATETIME_DESCRIPTION: &str =
    "UTC datetime as `YYYY-MM-DD HH:MM:SS.sssZ`, or an empty string when unset.";

/// `#/components/schemas/{name}`.
pub fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

pub fn typed(kind: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::new(kind))
}

pub fn string() -> ObjectBuilder {
    typed(Type::String)
}

pub fn array_of(items: impl Into<RefOr<Schema>>) -> ArrayBuilder {
    let items: RefOr<Schema> = items.into();
    ArrayBuilder::new().items(ArrayItems::RefOrSchema(Box::new(items)))
}

/// A datetime string in PocketBase's format.
pub fn datetime() -> ObjectBuilder {
    string()
        .description(Some(DATETIME_DESCRIPTION))
        .examples([serde_json::json!("2024-01-31 12:34:56.789Z")])
}

/// A response with a JSON body.
pub fn json_response(description: &str, body: impl Into<RefOr<Schema>>) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(body)).build(),
        )
        .build()
}

/// An error response (the `Error` schema).
pub fn error_response(description: &str) -> Response {
    json_response(description, schema_ref("Error"))
}

/// A response without a body.
pub fn empty_response(description: &str) -> Response {
    ResponseBuilder::new().description(description).build()
}

/// A required request body, as JSON and (for file uploads) multipart form data.
pub fn record_body(schema_name: &str) -> RequestBody {
    RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(schema_ref(schema_name)))
                .build(),
        )
        .content(
            "multipart/form-data",
            ContentBuilder::new()
                .schema(Some(schema_ref(schema_name)))
                .build(),
        )
        .build()
}

/// A required path parameter of type string.
pub fn path_param(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(string()))
        .build()
}

fn query_param(name: &str, description: &str, schema: ObjectBuilder) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// `fields` and `expand`, accepted by every endpoint that returns records.
pub fn output_params() -> Vec<Parameter> {
    vec![
        query_param(
            "fields",
            "Comma-separated fields to return, e.g. `id,title,expand.author.name` (`*` for all \
             fields at a level; `:excerpt(max,withEllipsis?)` modifier supported).",
            string(),
        ),
        query_param(
            "expand",
            "Comma-separated relation fields to expand (nested with dots, up to 6 levels), \
             e.g. `author,comments_via_post.user`.",
            string(),
        ),
    ]
}

/// The query parameters of a list endpoint.
pub fn list_params() -> Vec<Parameter> {
    let mut params = vec![
        query_param(
            "page",
            "Page number (1-based).",
            typed(Type::Integer)
                .minimum(Some(1))
                .default(Some(serde_json::json!(1))),
        ),
        query_param(
            "perPage",
            "Items per page (at most 1000).",
            typed(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(1000))
                .default(Some(serde_json::json!(30))),
        ),
        query_param(
            "sort",
            "Comma-separated sort fields; `-` prefix for descending, `@random` for random order.",
            string(),
        ),
        query_param(
            "filter",
            "Filter expression, e.g. `(title ~ 'abc' && created > '2024-01-01')`.",
            string(),
        ),
        query_param(
            "skipTotal",
            "Skip counting: `totalItems` and `totalPages` are returned as -1 (faster).",
            typed(Type::Boolean),
        ),
    ];
    params.extend(output_params());
    params
}

/// The paginated list envelope around items of `item`.
pub fn list_envelope(item: RefOr<Schema>, description: &str) -> Schema {
    let int = || typed(Type::Integer);
    ObjectBuilder::new()
        .description(Some(description))
        .property("page", int())
        .property("perPage", int())
        .property(
            "totalItems",
            int().description(Some("-1 with `skipTotal`.")),
        )
        .property(
            "totalPages",
            int().description(Some("-1 with `skipTotal`.")),
        )
        .property("items", array_of(item))
        .required("page")
        .required("perPage")
        .required("totalItems")
        .required("totalPages")
        .required("items")
        .into()
}

/// `{token, record}`: the response of the auth endpoints.
pub fn auth_response(record: RefOr<Schema>, description: &str) -> Schema {
    ObjectBuilder::new()
        .description(Some(description))
        .property(
            "token",
            string().description(Some(
                "The auth token (a JWT) for the `Authorization` header.",
            )),
        )
        .property("record", record)
        .required("token")
        .required("record")
        .into()
}

/// A token is required (superusers, or an auth record for `auth-refresh`).
pub fn token_required() -> Vec<SecurityRequirement> {
    vec![SecurityRequirement::new::<_, [&str; 0], &str>(
        SECURITY_SCHEME,
        [],
    )]
}

/// A token is optional: the collection's rules decide.
pub fn token_optional() -> Vec<SecurityRequirement> {
    let mut list = token_required();
    list.push(SecurityRequirement::default());
    list
}
