//! The auth flows of auth collections: password, refresh, OTP, OAuth2, MFA's second step,
//! verification, password reset, email change, impersonation and the auth methods. Once with a
//! `{collection}` path parameter (any auth collection, `AuthResponse`) and once per auth
//! collection of the schema (`<Name>AuthResponse`).

use serde_json::{Value, json};

use super::ops::{self, Access, Op, empty, error, object, ok, path_param, schema};
use crate::schema::Collection;

/// Where the auth paths go: the generic `{collection}` form or one collection.
pub struct Target<'a> {
    /// `/api/collections/{collection}` or `/api/collections/<name>`.
    pub prefix: String,
    /// The operation tag.
    pub tag: String,
    /// Appended to operation ids (`""` for the generic form, else the schema base name).
    pub suffix: String,
    /// The auth response schema name.
    pub response: String,
    /// The collection, for the typed form.
    pub collection: Option<&'a Collection>,
}

impl Target<'_> {
    pub fn generic() -> Self {
        Self {
            prefix: "/api/collections/{collection}".into(),
            tag: "Auth".into(),
            suffix: String::new(),
            response: "AuthResponse".into(),
            collection: None,
        }
    }
}

impl<'a> Target<'a> {
    pub fn typed(c: &'a Collection, base: &str) -> Self {
        Self {
            prefix: format!("/api/collections/{}", c.name),
            tag: c.name.clone(),
            suffix: base.to_string(),
            response: format!("{base}AuthResponse"),
            collection: Some(c),
        }
    }
}

const MFA: &str = "With MFA on, the first factor answers 401 `{\"mfaId\"}`; send that `mfaId` \
     (query or body) with a different second factor to finish.";

/// The operation skeleton of one flow on `t`: tag, id, summary and the collection parameter.
fn op(t: &Target<'_>, id: &str, summary: &str) -> Op {
    let summary = match t.collection {
        Some(c) => format!("{summary} ({})", c.name),
        None => summary.to_string(),
    };
    let o = Op::new(&t.tag, format!("{id}{}", t.suffix), summary);
    let o = if t.collection.is_none() {
        o.param(path_param("collection", "Auth collection id or name."))
    } else {
        o
    };
    o.respond("404", error("Not an auth collection (or it was deleted)."))
}

/// The answers of a sign-in: the auth response, MFA's 401, and the refusals.
fn signs_in(o: Op, t: &Target<'_>) -> Op {
    o.output_params()
        .respond(
            "200",
            ok("A token and the auth record.", schema(&t.response)),
        )
        .respond(
            "401",
            ok("MFA: a second factor is needed.", schema("MfaRequired")),
        )
        .respond(
            "403",
            error("The method is disabled, or the collection's `authRule` refused."),
        )
}

fn email_body() -> Value {
    object(
        "An email address.",
        json!({"email": {"type": "string", "format": "email"}}),
        &["email"],
    )
}

fn token_body(extra: Value, required: &[&str]) -> Value {
    let mut props = json!({"token": {"type": "string", "description": "The token from the mail."}});
    if let (Value::Object(p), Value::Object(e)) = (&mut props, extra) {
        p.extend(e);
    }
    object(
        "A token from a mail, and what it confirms.",
        props,
        required,
    )
}

/// Adds every auth path of `t` to `doc`.
pub fn add(doc: &mut Value, t: &Target<'_>) {
    let p = &t.prefix;
    let enabled = |on: bool| if on { "Enabled." } else { "Disabled (403)." };
    let c = t.collection;
    let otp_on = c.is_none_or(|c| crate::auth::options::otp(c).enabled);
    let password_on = c.is_none_or(|c| {
        c.auth
            .as_ref()
            .is_none_or(crate::schema::collection::AuthSettings::password_auth_enabled)
    });

    op(t, "listAuthMethods", "List the auth methods")
        .describe("Which ways to sign in the collection offers (PocketBase's shape).")
        .access(Access::Anyone)
        .param(ops::fields_param())
        .respond("200", ok("The auth methods.", schema("AuthMethods")))
        .add(doc, &format!("{p}/auth-methods"), "get");

    signs_in(
        op(
            t,
            "authWithPassword",
            "Authenticate with identity and password",
        ),
        t,
    )
    .describe(format!(
        "{} {MFA} Repeated failures per IP and identity answer 429.",
        enabled(password_on)
    ))
    .access(Access::Anyone)
    .body(schema("AuthWithPassword"))
    .respond("400", error("Missing fields or failed to authenticate."))
    .add(doc, &format!("{p}/auth-with-password"), "post");

    op(t, "authRefresh", "Refresh the auth token")
        .describe("A new token for the auth record of the current one.")
        .access(Access::Token)
        .output_params()
        .respond(
            "200",
            ok("A new token and the auth record.", schema(&t.response)),
        )
        .respond(
            "403",
            error("The token belongs to another collection, or `authRule` refused."),
        )
        .add(doc, &format!("{p}/auth-refresh"), "post");

    op(t, "requestOTP", "Request a one-time password")
        .describe(format!(
            "{} Mails a code; the answer is the same for an unknown email.",
            enabled(otp_on)
        ))
        .access(Access::Anyone)
        .body(email_body())
        .respond("200", ok("The id of the OTP.", schema("OTPResponse")))
        .respond("400", error("Invalid email."))
        .respond("403", error("OTP is disabled."))
        .add(doc, &format!("{p}/request-otp"), "post");

    signs_in(
        op(t, "authWithOTP", "Authenticate with a one-time password"),
        t,
    )
    .describe(format!("{} {MFA}", enabled(otp_on)))
    .access(Access::Anyone)
    .body(schema("AuthWithOTP"))
    .respond("400", error("Missing fields, or a wrong or expired code."))
    .add(doc, &format!("{p}/auth-with-otp"), "post");

    signs_in(
        op(t, "authWithOAuth2", "Authenticate with an OAuth2 code"),
        t,
    )
    .describe(format!(
        "Exchanges an authorization code (PKCE) with the provider; the response also has `meta` \
         (the provider's user, `isNew`). {MFA}"
    ))
    .access(Access::Anyone)
    .body(schema("AuthWithOAuth2"))
    .respond(
        "400",
        error("Missing fields, an unknown provider, or the provider refused the code."),
    )
    .add(doc, &format!("{p}/auth-with-oauth2"), "post");

    for (id, summary, path, description) in [
        (
            "requestVerification",
            "Request a verification mail",
            "request-verification",
            "204 whether or not the email belongs to a record.",
        ),
        (
            "requestPasswordReset",
            "Request a password reset mail",
            "request-password-reset",
            "204 whether or not the email belongs to a record.",
        ),
    ] {
        op(t, id, summary)
            .describe(description)
            .access(Access::Anyone)
            .body(email_body())
            .respond("204", empty("Accepted."))
            .respond("400", error("Invalid email."))
            .add(doc, &format!("{p}/{path}"), "post");
    }

    op(t, "confirmVerification", "Confirm a verification")
        .describe("Marks the token's record verified.")
        .access(Access::Anyone)
        .body(token_body(json!({}), &["token"]))
        .respond("204", empty("Verified."))
        .respond("400", error("Invalid or expired token."))
        .add(doc, &format!("{p}/confirm-verification"), "post");

    op(t, "confirmPasswordReset", "Confirm a password reset")
        .describe("Sets a new password (earlier tokens are revoked).")
        .access(Access::Anyone)
        .body(token_body(
            json!({"password": {"type": "string"}, "passwordConfirm": {"type": "string"}}),
            &["token", "password", "passwordConfirm"],
        ))
        .respond("204", empty("The password is changed."))
        .respond("400", error("Invalid token or password."))
        .add(doc, &format!("{p}/confirm-password-reset"), "post");

    op(t, "requestEmailChange", "Request an email change")
        .describe("Mails a confirmation link to the new address (the signed-in record's).")
        .access(Access::Token)
        .body(object(
            "The new email address.",
            json!({"newEmail": {"type": "string", "format": "email"}}),
            &["newEmail"],
        ))
        .respond("204", empty("Mailed."))
        .respond("400", error("Invalid or taken email."))
        .respond("403", error("The token belongs to another collection."))
        .add(doc, &format!("{p}/request-email-change"), "post");

    op(t, "confirmEmailChange", "Confirm an email change")
        .describe("Sets the new email (earlier tokens are revoked).")
        .access(Access::Anyone)
        .body(token_body(
            json!({"password": {"type": "string"}}),
            &["token", "password"],
        ))
        .respond("204", empty("The email is changed."))
        .respond("400", error("Invalid token or password."))
        .add(doc, &format!("{p}/confirm-email-change"), "post");

    op(t, "impersonate", "Impersonate a record")
        .describe("A superuser gets a non-refreshable token of any record of the collection.")
        .access(Access::Superuser)
        .param(path_param("id", "Record id."))
        .output_params()
        .raw_body(json!({"required": false, "content": {"application/json": {"schema": object(
            "Options of the token.",
            json!({"duration": {"type": "integer", "minimum": 0,
                "description": "Token lifetime in seconds (0: the collection's auth token duration)."}}),
            &[],
        )}}}))
        .respond(
            "200",
            ok("A token of the record and the record.", schema(&t.response)),
        )
        .respond("400", error("Invalid duration."))
        .respond("404", error("No such record or auth collection."))
        .add(doc, &format!("{p}/impersonate/{{id}}"), "post");
}

/// Schemas of the auth flows' bodies and answers (shared by every auth collection).
pub fn schemas() -> Vec<(&'static str, Value)> {
    let string = || json!({"type": "string"});
    let mfa_id =
        json!({"type": "string", "description": "From a first factor's 401, to finish MFA."});
    vec![
        (
            "MfaRequired",
            object(
                "The first factor passed; finish with a second one carrying this `mfaId`.",
                json!({"mfaId": string()}),
                &["mfaId"],
            ),
        ),
        (
            "OTPResponse",
            object(
                "The id of a one-time password (also for unknown emails).",
                json!({"otpId": string()}),
                &["otpId"],
            ),
        ),
        (
            "AuthWithOTP",
            object(
                "An OTP id and its code.",
                json!({"otpId": string(), "password": string(), "mfaId": mfa_id}),
                &["otpId", "password"],
            ),
        ),
        (
            "AuthWithOAuth2",
            object(
                "An authorization code of a configured provider.",
                json!({
                    "provider": string(),
                    "code": string(),
                    "codeVerifier": string(),
                    "redirectURL": string(),
                    "createData": {"type": "object", "description": "Fields of a new record."},
                    "mfaId": mfa_id,
                }),
                &["provider", "code", "codeVerifier", "redirectURL"],
            ),
        ),
        ("AuthMethods", auth_methods()),
    ]
}

fn auth_methods() -> Value {
    let method = |extra: Value| {
        let mut props = json!({"enabled": {"type": "boolean"}});
        if let (Value::Object(p), Value::Object(e)) = (&mut props, extra) {
            p.extend(e);
        }
        json!({"type": "object", "properties": props})
    };
    let provider = json!({"type": "object", "properties": {
        "name": {"type": "string"}, "displayName": {"type": "string"}, "state": {"type": "string"},
        "authURL": {"type": "string"}, "codeVerifier": {"type": "string"},
        "codeChallenge": {"type": "string"}, "codeChallengeMethod": {"type": "string"}}});
    object(
        "The auth methods of a collection (durations are 0 while a method is off).",
        json!({
            "password": method(json!({"identityFields": {"type": "array", "items": {"type": "string"}}})),
            "oauth2": method(json!({"providers": {"type": "array", "items": provider}})),
            "mfa": method(json!({"duration": {"type": "integer"}})),
            "otp": method(json!({"duration": {"type": "integer"}})),
            "authProviders": {"type": "array", "items": {"type": "object"}, "description": "Legacy (PocketBase < 0.23)."},
            "usernamePassword": {"type": "boolean", "description": "Legacy."},
            "emailPassword": {"type": "boolean", "description": "Legacy."},
        }),
        &[
            "password",
            "oauth2",
            "mfa",
            "otp",
            "authProviders",
            "usernamePassword",
            "emailPassword",
        ],
    )
}
