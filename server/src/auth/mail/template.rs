//! Editable mail templates of auth collections (`verificationTemplate`,
//! `resetPasswordTemplate`, `confirmEmailChangeTemplate`, `otp.emailTemplate`,
//! `authAlert.emailTemplate`), with PocketBase's placeholders: `{APP_NAME}`, `{APP_URL}`,
//! `{TOKEN}`, `{OTP}`, `{ALERT_INFO}` and `{RECORD:<field>}` (any non-hidden field).

use serde_json::Value;

use super::Mail;
use crate::records::Record;
use crate::schema::Collection;

/// A template's subject and HTML body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

impl Template {
    /// The template at `path` (e.g. `["otp", "emailTemplate"]`) of an auth collection's options.
    pub fn of(c: &Collection, path: &[&str]) -> Self {
        let mut v = c
            .auth
            .as_ref()
            .and_then(|a| a.options.get(path[0]))
            .unwrap_or(&Value::Null);
        for key in &path[1..] {
            v = &v[*key];
        }
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Self {
            subject: s("subject"),
            body: s("body"),
        }
    }
}

/// Values for the placeholders.
#[derive(Debug, Default)]
pub struct Vars<'a> {
    pub app_name: &'a str,
    pub app_url: &'a str,
    pub token: &'a str,
    pub otp: &'a str,
    pub alert_info: &'a str,
    pub record: Option<&'a Record>,
}

impl<'a> Vars<'a> {
    /// `{APP_NAME}` and `{APP_URL}` from the settings (`meta.appName`, `meta.appURL`).
    pub fn from_settings(settings: &'a Value, record: &'a Record) -> Self {
        Self {
            app_name: settings["meta"]["appName"].as_str().unwrap_or_default(),
            app_url: settings["meta"]["appURL"]
                .as_str()
                .unwrap_or_default()
                .trim_end_matches('/'),
            record: Some(record),
            ..Self::default()
        }
    }
}

/// Escapes text for HTML.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn replace_all(text: &str, vars: &Vars<'_>, html: bool) -> String {
    let esc = |s: &str| if html { escape_html(s) } else { s.to_string() };
    let mut out = text
        .replace("{APP_NAME}", &esc(vars.app_name))
        .replace("{APP_URL}", &esc(vars.app_url))
        .replace("{TOKEN}", vars.token)
        .replace("{OTP}", vars.otp)
        .replace("{ALERT_INFO}", &esc(vars.alert_info));
    if let Some(record) = vars.record {
        for field in &record.collection.fields {
            // Secrets never reach a mail, whatever the template asks for.
            if field.hidden || field.name == "password" || field.name == "tokenKey" {
                continue;
            }
            let placeholder = format!("{{RECORD:{}}}", field.name);
            if out.contains(&placeholder) {
                let value = match record.get(&field.name) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                };
                out = out.replace(&placeholder, &esc(&value));
            }
        }
    }
    out
}

/// Renders a template into a mail to `to`.
pub fn render(t: &Template, vars: &Vars<'_>, to: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: replace_all(&t.subject, vars, false),
        html: replace_all(&t.body, vars, true),
    }
}

/// The mail of an auth flow for `record`: the collection template at `path`, with the app's
/// name and URL from `settings` and the flow's token or code.
pub fn record_mail(
    settings: &Value,
    record: &Record,
    path: &[&str],
    to: &str,
    token: &str,
    otp: &str,
) -> Mail {
    let vars = Vars {
        token,
        otp,
        ..Vars::from_settings(settings, record)
    };
    render(&Template::of(&record.collection, path), &vars, to)
}

/// A plain-text rendering of an HTML body: links become `[text](url)`, block ends become line
/// breaks, other tags are dropped and entities decoded.
pub fn html_to_text(html: &str) -> String {
    static LINK: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?is)<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>(.*?)</a>"#).ok()
    });
    static BREAK: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)<br\s*/?>|</p>|</div>|</h[1-6]>|</li>").ok()
    });
    static TAG: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?s)<[^>]*>").ok());
    let mut text = html.to_string();
    if let Some(re) = LINK.as_ref() {
        text = re.replace_all(&text, "[$2]($1)").into_owned();
    }
    if let Some(re) = BREAK.as_ref() {
        text = re.replace_all(&text, "\n").into_owned();
    }
    if let Some(re) = TAG.as_ref() {
        text = re.replace_all(&text, "").into_owned();
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_alternative_keeps_links() {
        let html = "<p>Hello,</p>\n<p>\n  <a class=\"btn\" href=\"http://x/t/abc\">Verify</a>\n</p><p>A &amp; B</p>";
        assert_eq!(
            html_to_text(html),
            "Hello,\n[Verify](http://x/t/abc)\nA & B"
        );
    }

    #[test]
    fn placeholders_are_replaced_and_escaped_in_html() {
        let t = Template {
            subject: "Hi {APP_NAME}".into(),
            body: "<b>{APP_NAME}</b> {TOKEN} {OTP} {APP_URL}".into(),
        };
        let vars = Vars {
            app_name: "A<B",
            app_url: "http://x",
            token: "tok",
            otp: "123",
            ..Vars::default()
        };
        let m = render(&t, &vars, "a@example.com");
        assert_eq!(m.subject, "Hi A<B");
        assert_eq!(m.html, "<b>A&lt;B</b> tok 123 http://x");
    }
}
