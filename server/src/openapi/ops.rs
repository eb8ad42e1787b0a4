//! Builders for the routes described directly as OpenAPI JSON (auth flows, settings, batch,
//! jobs, crons, realtime): operations, parameters, bodies and responses as `serde_json` values,
//! added to the document after utoipa's part is serialized.
//!
//! NOTE: JSON rather than utoipa's builders here: these routes are many, small and uniform, and
//! the literal OpenAPI text is shorter and easier to check against the handler than a builder
//! chain. The shapes are the same as the utoipa part's (tests read the whole document).

use serde_json::{Map, Value, json};

/// `#/components/schemas/{name}`.
pub fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A response with a JSON body.
pub fn ok(description: &str, body: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": body}}})
}

/// An error response (the `Error` schema).
pub fn error(description: &str) -> Value {
    ok(description, schema("Error"))
}

/// A response without a body.
pub fn empty(description: &str) -> Value {
    json!({ "description": description })
}

/// A required path parameter.
pub fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
        "schema": {"type": "string"}})
}

/// An optional query parameter.
pub fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description,
        "schema": schema})
}

/// `?fields=` (every JSON response that carries records or settings honours it).
pub fn fields_param() -> Value {
    query(
        "fields",
        "Comma-separated fields to return, e.g. `id,title,expand.author.name` (`*` for all \
         fields at a level; `:excerpt(max,withEllipsis?)` modifier supported).",
        json!({"type": "string"}),
    )
}

/// `?expand=`.
pub fn expand_param() -> Value {
    query(
        "expand",
        "Comma-separated relation fields to expand (nested with dots, up to 6 levels).",
        json!({"type": "string"}),
    )
}

/// An object schema with `properties` and the `required` names.
pub fn object(description: &str, properties: Value, required: &[&str]) -> Value {
    let mut o = json!({"type": "object", "description": description, "properties": properties});
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// No token needed (one is used when sent).
    Anyone,
    /// A token of any auth record.
    Token,
    /// A superuser's token.
    Superuser,
}

/// One operation, built up and then inserted with [`Op::add`].
pub struct Op(Map<String, Value>);

impl Op {
    pub fn new(tag: &str, id: impl Into<String>, summary: impl Into<String>) -> Self {
        let mut m = Map::new();
        m.insert("tags".into(), json!([tag]));
        m.insert("operationId".into(), Value::String(id.into()));
        m.insert("summary".into(), Value::String(summary.into()));
        m.insert("responses".into(), json!({}));
        Self(m)
    }

    pub fn describe(mut self, description: impl Into<String>) -> Self {
        self.0
            .insert("description".into(), Value::String(description.into()));
        self
    }

    /// The security requirement, and the 401/403 answers that come with it.
    pub fn access(mut self, access: Access) -> Self {
        let security = match access {
            Access::Anyone => json!([{"AuthToken": []}, {}]),
            Access::Token | Access::Superuser => json!([{"AuthToken": []}]),
        };
        self.0.insert("security".into(), security);
        match access {
            Access::Anyone => self,
            Access::Token => self.respond("401", error("Missing or invalid token.")),
            Access::Superuser => self
                .respond("401", error("Missing or invalid token."))
                .respond("403", error("Not a superuser.")),
        }
    }

    pub fn param(mut self, p: Value) -> Self {
        if let Value::Array(list) = self
            .0
            .entry("parameters")
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(p);
        }
        self
    }

    /// `fields` and `expand`.
    pub fn output_params(self) -> Self {
        self.param(fields_param()).param(expand_param())
    }

    /// A required JSON request body.
    pub fn body(mut self, schema: Value) -> Self {
        self.0.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": schema}}}),
        );
        self
    }

    /// A request body given in full (several content types).
    pub fn raw_body(mut self, body: Value) -> Self {
        self.0.insert("requestBody".into(), body);
        self
    }

    pub fn respond(mut self, status: &str, response: Value) -> Self {
        if let Some(Value::Object(r)) = self.0.get_mut("responses") {
            r.insert(status.into(), response);
        }
        self
    }

    /// Inserts the operation at `method` of `path` in the document's `paths`.
    pub fn add(self, doc: &mut Value, path: &str, method: &str) {
        if !doc["paths"].is_object() {
            doc["paths"] = json!({});
        }
        if !doc["paths"][path].is_object() {
            doc["paths"][path] = json!({});
        }
        doc["paths"][path][method] = Value::Object(self.0);
    }
}

/// Adds (or replaces) component schemas.
pub fn add_schemas(doc: &mut Value, schemas: Vec<(&str, Value)>) {
    if !doc["components"]["schemas"].is_object() {
        doc["components"]["schemas"] = json!({});
    }
    for (name, s) in schemas {
        doc["components"]["schemas"][name] = s;
    }
}

/// Adds a tag (when missing) with its description.
pub fn add_tag(doc: &mut Value, name: &str, description: &str) {
    if !doc["tags"].is_array() {
        doc["tags"] = json!([]);
    }
    if let Value::Array(tags) = &mut doc["tags"]
        && !tags.iter().any(|t| t["name"] == json!(name))
    {
        tags.push(json!({"name": name, "description": description}));
    }
}
