//! Routes added by hook modules (`ext.routes`): one operation each, under the tag "Custom
//! routes", with the `{name}` segments as path parameters. Their bodies are the module's own, so
//! the document describes them as JSON objects; errors use PocketBase's error shape.

use serde_json::{Value, json};

use super::ops::{Access, Op, add_tag, error, ok, path_param};
use crate::hooks::routes::Route;

fn operation_id(method: &str, path: &str) -> String {
    let words = std::iter::once(method.to_ascii_lowercase()).chain(
        path.split(['/', '-', '_', '.', '{', '}'])
            .filter(|p| !p.is_empty() && *p != "api")
            .map(str::to_string),
    );
    let mut id = String::from("custom");
    for word in words {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.extend(first.to_uppercase());
            id.push_str(chars.as_str());
        }
    }
    id
}

/// Adds every custom route to `doc`.
pub fn add(doc: &mut Value, routes: &[Route]) {
    if routes.is_empty() {
        return;
    }
    add_tag(
        doc,
        "Custom routes",
        "Routes added by the app's hook modules (bodies are the module's own JSON).",
    );
    for r in routes {
        let mut op = Op::new(
            "Custom routes",
            operation_id(r.method, &r.path),
            format!("{} {}", r.method, r.path),
        )
        .access(Access::Anyone);
        for seg in r.path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.param(path_param(name, "A path segment."));
            }
        }
        if matches!(r.method, "POST" | "PUT" | "PATCH") {
            op = op.raw_body(json!({"required": false, "content": {"application/json":
                {"schema": {"type": "object"}}}}));
        }
        op.respond("200", ok("The route's answer.", json!({"type": "object"})))
            .respond("400", error("Bad request."))
            .respond("401", error("Missing or invalid token."))
            .respond("404", error("Missing, or not visible to the requester."))
            .add(doc, &r.path, &r.method.to_ascii_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::operation_id;

    #[test]
    fn ids_are_camel_case_from_method_and_path() {
        assert_eq!(
            operation_id("POST", "/api/gtm/campaigns/{id}/analyze"),
            "customPostGtmCampaignsIdAnalyze"
        );
        assert_eq!(operation_id("GET", "/hello"), "customGetHello");
    }
}
