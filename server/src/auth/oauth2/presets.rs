//! Built-in provider presets (endpoints, scopes, PKCE, how the user-info JSON maps to an
//! [`AuthUser`](super::AuthUser)). Every URL can be overridden in the collection's provider
//! config (`authURL`, `tokenURL`, `userInfoURL`), which is also how the generic `oidc`
//! provider is pointed at any OpenID Connect server.

use serde_json::Value;

use super::AuthUser;

/// A provider preset.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub display_name: &'static str,
    pub auth_url: &'static str,
    pub token_url: &'static str,
    pub user_info_url: &'static str,
    pub scopes: &'static [&'static str],
    pub pkce: bool,
    pub map: fn(&Value) -> AuthUser,
    /// Appended to the user-info URL for the list of the user's emails, asked when the profile
    /// has none (GitHub's private email: `/user/emails`); `""` for none.
    pub emails_suffix: &'static str,
}

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// OpenID Connect standard claims (`sub`, `name`, `preferred_username`, `email`, `picture`);
/// the email only counts when `email_verified` is true.
fn oidc(v: &Value) -> AuthUser {
    AuthUser {
        id: s(v, "sub"),
        name: s(v, "name"),
        username: s(v, "preferred_username"),
        email: if v["email_verified"].as_bool().unwrap_or(false) {
            s(v, "email")
        } else {
            String::new()
        },
        avatar_url: s(v, "picture"),
    }
}

fn github(v: &Value) -> AuthUser {
    AuthUser {
        id: s(v, "id"),
        name: s(v, "name"),
        username: s(v, "login"),
        email: s(v, "email"),
        avatar_url: s(v, "avatar_url"),
    }
}

fn gitlab(v: &Value) -> AuthUser {
    AuthUser {
        id: s(v, "id"),
        name: s(v, "name"),
        username: s(v, "username"),
        email: s(v, "email"),
        avatar_url: s(v, "avatar_url"),
    }
}

fn microsoft(v: &Value) -> AuthUser {
    AuthUser {
        id: s(v, "id"),
        name: s(v, "displayName"),
        username: String::new(),
        email: s(v, "mail"),
        avatar_url: String::new(),
    }
}

fn discord(v: &Value) -> AuthUser {
    let (id, avatar) = (s(v, "id"), s(v, "avatar"));
    AuthUser {
        avatar_url: if avatar.is_empty() {
            String::new()
        } else {
            format!("https://cdn.discordapp.com/avatars/{id}/{avatar}.png")
        },
        id,
        name: s(v, "global_name"),
        username: s(v, "username"),
        email: if v["verified"].as_bool().unwrap_or(false) {
            s(v, "email")
        } else {
            String::new()
        },
    }
}

/// Apple has no user-info endpoint: the claims come from the `id_token` of the token response.
fn apple(v: &Value) -> AuthUser {
    let verified = v["email_verified"].as_bool().unwrap_or(false)
        || v["email_verified"].as_str() == Some("true");
    AuthUser {
        id: s(v, "sub"),
        email: if verified {
            s(v, "email")
        } else {
            String::new()
        },
        ..AuthUser::default()
    }
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "google",
        display_name: "Google",
        auth_url: "https://accounts.google.com/o/oauth2/v2/auth",
        token_url: "https://oauth2.googleapis.com/token",
        user_info_url: "https://www.googleapis.com/oauth2/v3/userinfo",
        scopes: &["openid", "profile", "email"],
        pkce: true,
        map: oidc,
        emails_suffix: "",
    },
    Preset {
        name: "github",
        display_name: "GitHub",
        auth_url: "https://github.com/login/oauth/authorize",
        token_url: "https://github.com/login/oauth/access_token",
        user_info_url: "https://api.github.com/user",
        scopes: &["read:user", "user:email"],
        pkce: true,
        map: github,
        emails_suffix: "/emails",
    },
    Preset {
        name: "gitlab",
        display_name: "GitLab",
        auth_url: "https://gitlab.com/oauth/authorize",
        token_url: "https://gitlab.com/oauth/token",
        user_info_url: "https://gitlab.com/api/v4/user",
        scopes: &["read_user"],
        pkce: true,
        map: gitlab,
        emails_suffix: "",
    },
    Preset {
        name: "microsoft",
        display_name: "Microsoft",
        auth_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        user_info_url: "https://graph.microsoft.com/v1.0/me",
        scopes: &["User.Read"],
        pkce: true,
        map: microsoft,
        emails_suffix: "",
    },
    Preset {
        name: "discord",
        display_name: "Discord",
        auth_url: "https://discord.com/api/oauth2/authorize",
        token_url: "https://discord.com/api/oauth2/token",
        user_info_url: "https://discord.com/api/users/@me",
        scopes: &["identify", "email"],
        pkce: true,
        map: discord,
        emails_suffix: "",
    },
    Preset {
        name: "apple",
        display_name: "Apple",
        auth_url: "https://appleid.apple.com/auth/authorize",
        token_url: "https://appleid.apple.com/auth/token",
        user_info_url: "",
        scopes: &["name", "email"],
        pkce: true,
        map: apple,
        emails_suffix: "",
    },
    Preset {
        name: "oidc",
        display_name: "OIDC",
        auth_url: "",
        token_url: "",
        user_info_url: "",
        scopes: &["openid", "profile", "email"],
        pkce: true,
        map: oidc,
        emails_suffix: "",
    },
];

/// The preset of `name` (`oidc2`, `oidc3` are further generic OIDC slots, as in PocketBase).
pub fn find(name: &str) -> Option<&'static Preset> {
    let base = match name {
        "oidc2" | "oidc3" => "oidc",
        other => other,
    };
    PRESETS.iter().find(|p| p.name == base)
}
