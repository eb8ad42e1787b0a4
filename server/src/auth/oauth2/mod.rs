//! OAuth2 sign-in: authorization code + PKCE (S256) with the `oauth2` crate. Providers are
//! configured per auth collection (`oauth2.providers[]`: `name`, `clientId`, `clientSecret`
//! (sealed at rest when a key is set), `authURL`, `tokenURL`, `userInfoURL`, `displayName`,
//! `pkce`) over the built-in [`presets`]; linking and sign-up live in [`link`].
//!
//! User identity comes from the user-info endpoint, or (Apple, or OIDC without one) from the
//! `id_token` claims of the token response, which is taken without a signature check because it
//! is received directly from the token endpoint over the configured connection (OpenID Connect
//! Core 3.1.3.7).

pub mod github;
pub mod link;
pub mod presets;

use std::sync::Arc;

use base64::Engine;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::core::Core;
use crate::schema::Collection;

/// The provider's user, as PocketBase's `meta` reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthUser {
    pub id: String,
    pub name: String,
    pub username: String,
    pub email: String,
    pub avatar_url: String,
}

/// A configured provider: the collection's entry over its preset.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub display_name: String,
    pub client_id: String,
    pub client_secret: String,
    pub auth_url: String,
    pub token_url: String,
    pub user_info_url: String,
    pub scopes: Vec<String>,
    pub pkce: bool,
    pub map: fn(&Value) -> AuthUser,
    /// Where to find the user's verified primary email when the profile has none (GitHub).
    pub emails_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OAuth2Error {
    #[error("provider misconfigured: {0}")]
    Config(String),
    #[error("code exchange failed: {0}")]
    Exchange(String),
    #[error("fetching the user failed: {0}")]
    UserInfo(String),
}

impl Provider {
    /// The collection's provider `name` (the client secret opened with `sealer`).
    pub fn of(c: &Collection, name: &str, sealer: &crate::settings::seal::Sealer) -> Option<Self> {
        let entry = super::options::oauth2_providers(c)
            .into_iter()
            .find(|p| p["name"].as_str() == Some(name))?;
        let preset = presets::find(name)?;
        let s = |k: &str, default: &str| {
            entry[k]
                .as_str()
                .filter(|v| !v.is_empty())
                .unwrap_or(default)
                .to_string()
        };
        let secret = entry["clientSecret"].as_str().unwrap_or_default();
        let user_info_url = s("userInfoURL", preset.user_info_url);
        let emails_url = if preset.emails_suffix.is_empty() || user_info_url.is_empty() {
            String::new()
        } else {
            format!(
                "{}{}",
                user_info_url.trim_end_matches('/'),
                preset.emails_suffix
            )
        };
        Some(Self {
            name: name.to_string(),
            display_name: s("displayName", preset.display_name),
            client_id: s("clientId", ""),
            client_secret: sealer.open(secret).unwrap_or_default(),
            auth_url: s("authURL", preset.auth_url),
            token_url: s("tokenURL", preset.token_url),
            user_info_url,
            scopes: preset.scopes.iter().map(|s| (*s).to_string()).collect(),
            pkce: entry["pkce"].as_bool().unwrap_or(preset.pkce),
            map: preset.map,
            emails_url,
        })
    }

    /// One `auth-methods` entry: a fresh state and PKCE pair, and the authorization URL ending
    /// in an empty `redirect_uri=` for the client to complete.
    pub fn auth_method(&self) -> Value {
        let state = crate::schema::ids::random_alnum(30);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut query = vec![
            ("client_id", self.client_id.clone()),
            ("response_type", "code".to_string()),
            ("scope", self.scopes.join(" ")),
            ("state", state.clone()),
        ];
        let (verifier, challenge, method) = if self.pkce {
            query.push(("code_challenge", challenge.as_str().to_string()));
            query.push(("code_challenge_method", "S256".to_string()));
            (
                verifier.secret().clone(),
                challenge.as_str().to_string(),
                "S256",
            )
        } else {
            (String::new(), String::new(), "")
        };
        let encoded: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        let sep = if self.auth_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let url = format!("{}{sep}{}&redirect_uri=", self.auth_url, encoded.join("&"));
        json!({
            "name": self.name, "displayName": self.display_name, "logo": "",
            "state": state, "authURL": url, "authUrl": url,
            "codeVerifier": verifier, "codeChallenge": challenge,
            "codeChallengeMethod": method,
        })
    }

    /// Exchanges the authorization code (with the PKCE verifier) and fetches the user; returns
    /// it with PocketBase's `meta` fields.
    pub async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_url: &str,
    ) -> Result<(AuthUser, Value), OAuth2Error> {
        let cfg = |e: oauth2::url::ParseError| OAuth2Error::Config(e.to_string());
        let client: OidcClient = oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(self.auth_url.clone()).map_err(cfg)?)
            .set_token_uri(TokenUrl::new(self.token_url.clone()).map_err(cfg)?)
            .set_redirect_uri(RedirectUrl::new(redirect_url.to_string()).map_err(cfg)?);
        // No redirects: a token endpoint answering with one must not steer the request (SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| OAuth2Error::Config(e.to_string()))?;
        let mut request = client.exchange_code(AuthorizationCode::new(code.to_string()));
        if self.pkce || !verifier.is_empty() {
            request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()));
        }
        let token = request
            .request_async(&http)
            .await
            .map_err(|e| OAuth2Error::Exchange(e.to_string()))?;
        let access = token.access_token().secret().clone();
        let raw = if self.user_info_url.is_empty() {
            token
                .extra_fields()
                .id_token
                .as_deref()
                .and_then(id_token_claims)
                .ok_or_else(|| OAuth2Error::UserInfo("no user-info URL and no id_token".into()))?
        } else {
            let resp = http
                .get(&self.user_info_url)
                .bearer_auth(&access)
                .header("Accept", "application/json")
                .header("User-Agent", "cairn")
                .send()
                .await
                .map_err(|e| OAuth2Error::UserInfo(e.to_string()))?;
            if !resp.status().is_success() {
                return Err(OAuth2Error::UserInfo(format!("status {}", resp.status())));
            }
            resp.json::<Value>()
                .await
                .map_err(|e| OAuth2Error::UserInfo(e.to_string()))?
        };
        let mut user = (self.map)(&raw);
        if user.email.is_empty() && !self.emails_url.is_empty() {
            user.email = github::primary_email(&http, &self.emails_url, &access).await?;
        }
        if user.id.is_empty() {
            return Err(OAuth2Error::UserInfo("the provider user has no id".into()));
        }
        let expiry = token.expires_in().map_or(String::new(), |d| {
            (chrono::Utc::now()
                + chrono::Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(0)))
            .format("%Y-%m-%d %H:%M:%S%.3fZ")
            .to_string()
        });
        let meta = json!({
            "id": user.id, "name": user.name, "username": user.username, "email": user.email,
            "avatarURL": user.avatar_url, "accessToken": access,
            "refreshToken": token.refresh_token().map(|t| t.secret().clone()).unwrap_or_default(),
            "expiry": expiry, "rawUser": raw,
        });
        Ok((user, meta))
    }
}

/// The claims of an `id_token` (payload only; see the module docs).
fn id_token_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn urlencode(s: &str) -> String {
    oauth2::url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Token responses may carry an OpenID Connect `id_token`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenFields {}

type OidcClient = oauth2::Client<
    BasicErrorResponse,
    StandardTokenResponse<IdTokenFields, BasicTokenType>,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The `oauth2.providers` entries of `auth-methods` (with a fresh state and PKCE pair each).
pub fn auth_methods_providers(core: &Arc<Core>, c: &Collection) -> Vec<Value> {
    super::options::oauth2_providers(c)
        .iter()
        .filter_map(|p| p["name"].as_str())
        .filter_map(|name| Provider::of(c, name, &core.settings.sealer))
        .map(|p| p.auth_method())
        .collect()
}
