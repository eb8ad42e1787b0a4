//! Test mails (`POST /api/settings/test/email`): each auth template rendered for a stand-in
//! record, as PocketBase's `TestEmailSend` builds it — every non-hidden field set to
//! `__pb_test_<field>__` (so the id is `__pb_test_id__`), a fresh `tokenKey`, the target address
//! as `email`; OTP `123456`; alert info `<now> - TEST_IP TEST_USER_AGENT`.

use std::sync::Arc;

use serde_json::{Value, json};

use super::Mail;
use super::template::{self, Template, Vars};
use crate::auth::{record_tokens, tokens};
use crate::error::ApiError;
use crate::records::Record;
use crate::schema::Collection;

pub const VERIFICATION: &str = "verification";
pub const PASSWORD_RESET: &str = "password-reset";
pub const EMAIL_CHANGE: &str = "email-change";
pub const OTP: &str = "otp";
pub const LOGIN_ALERT: &str = "login-alert";
/// The template names the endpoint accepts.
pub const TEMPLATES: &[&str] = &[VERIFICATION, PASSWORD_RESET, EMAIL_CHANGE, OTP, LOGIN_ALERT];

/// The stand-in record of `c` whose mail goes to `email`.
fn stand_in(c: Arc<Collection>, email: &str) -> Record {
    let mut record = Record::new(c.clone());
    for f in c.fields.iter().filter(|f| !f.hidden) {
        record.set(&f.name, json!(format!("__pb_test_{}__", f.name)));
    }
    record.set_raw("tokenKey", json!(crate::schema::ids::random_alnum(50)));
    record.set("email", json!(email));
    record
}

/// The test mail of `template` (one of [`TEMPLATES`]) for auth collection `c`, to `email`.
pub fn render(
    settings: &Value,
    c: Arc<Collection>,
    template: &str,
    email: &str,
) -> Result<Mail, ApiError> {
    let record = stand_in(c, email);
    let with_token = |path: &[&str], kind: &str, new_email: Option<&str>| {
        let token = record_tokens::issue(&record, kind, Some(email), new_email)?;
        Ok(template::record_mail(
            settings, &record, path, email, &token, "",
        ))
    };
    match template {
        VERIFICATION => with_token(&["verificationTemplate"], tokens::VERIFICATION, None),
        PASSWORD_RESET => with_token(&["resetPasswordTemplate"], tokens::PASSWORD_RESET, None),
        EMAIL_CHANGE => with_token(
            &["confirmEmailChangeTemplate"],
            tokens::EMAIL_CHANGE,
            Some(email),
        ),
        OTP => Ok(template::record_mail(
            settings,
            &record,
            &["otp", "emailTemplate"],
            email,
            "",
            "123456",
        )),
        LOGIN_ALERT => {
            let info = format!(
                "{} - TEST_IP TEST_USER_AGENT",
                crate::schema::ids::now_string()
            );
            let vars = Vars {
                alert_info: &info,
                ..Vars::from_settings(settings, &record)
            };
            let t = Template::of(&record.collection, &["authAlert", "emailTemplate"]);
            Ok(template::render(&t, &vars, email))
        }
        other => Err(ApiError::bad_request(format!("unknown template {other}"))),
    }
}
