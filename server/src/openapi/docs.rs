//! The offline docs page: Swagger UI from `utoipa-swagger-ui`'s vendored distribution, embedded
//! in the binary, loading `/api/openapi.json`. Nothing is fetched from outside the server.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use utoipa_swagger_ui::Config;

/// URL of the document the page loads.
pub const SPEC_URL: &str = "/api/openapi.json";

/// The page served at `/api/docs` and `/api/docs/`. Asset URLs are absolute so the page works
/// with or without the trailing slash.
pub const DOCS_HTML: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Cairn API</title>
    <link rel="stylesheet" type="text/css" href="/api/docs/swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="/api/docs/index.css">
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/api/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js" charset="utf-8"></script>
    <script src="/api/docs/swagger-ui-standalone-preset.js" charset="utf-8"></script>
    <script src="/api/docs/swagger-initializer.js" charset="utf-8"></script>
  </body>
</html>
"#;

/// Swagger UI settings, rendered into `swagger-initializer.js`.
// NOTE: `validator_url("none")` keeps Swagger UI from calling validator.swagger.io, which is the
// only outbound request the stock page would make.
static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::new([SPEC_URL])
            .validator_url("none")
            .persist_authorization(true)
            .display_request_duration(true)
            .filter(true)
            .doc_expansion("none"),
    )
});

/// One file of the docs page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsAsset {
    pub bytes: Cow<'static, [u8]>,
    pub content_type: String,
}

/// The file at `tail` (the path below `/api/docs/`), or `None` when there is no such file.
pub fn asset(tail: &str) -> Option<DocsAsset> {
    let tail = tail.trim_start_matches('/');
    if tail.is_empty() || tail == "index.html" {
        return Some(DocsAsset {
            bytes: Cow::Borrowed(DOCS_HTML.as_bytes()),
            content_type: "text/html; charset=utf-8".into(),
        });
    }
    // NOTE: debug builds of rust-embed read from disk; never let a path climb out of the dist.
    if tail.contains("..") || tail.contains('\\') {
        return None;
    }
    match utoipa_swagger_ui::serve(tail, CONFIG.clone()) {
        Ok(file) => file.map(|f| DocsAsset {
            bytes: f.bytes,
            content_type: f.content_type,
        }),
        Err(e) => {
            tracing::error!(error = %e, tail, "docs asset");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_initializer() {
        let index = asset("").expect("index");
        assert!(index.content_type.starts_with("text/html"));
        let init = asset("swagger-initializer.js").expect("initializer");
        let text = String::from_utf8_lossy(&init.bytes);
        assert!(text.contains(SPEC_URL), "{text}");
        assert!(text.contains("\"validatorUrl\": \"none\""), "{text}");
        assert!(asset("nope.js").is_none());
        assert!(asset("../embed.rs").is_none());
    }
}
