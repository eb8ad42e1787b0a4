//! GitHub's private email: when the profile (`/user`) has no public email, PocketBase asks
//! `<userInfoURL>/emails` for the user's addresses and takes the primary, verified one. Answers
//! that mean "no permission" (401, 403, 404) leave the email empty rather than failing.

use serde::Deserialize;

use super::OAuth2Error;

#[derive(Debug, Deserialize)]
struct Email {
    #[serde(default)]
    email: String,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    primary: bool,
}

/// The verified primary address from the emails endpoint `url` (`""` when there is none or
/// the token may not read it).
pub async fn primary_email(
    http: &reqwest::Client,
    url: &str,
    access_token: &str,
) -> Result<String, OAuth2Error> {
    let resp = http
        .get(url)
        .bearer_auth(access_token)
        .header("Accept", "application/json")
        .header("User-Agent", "cairn")
        .send()
        .await
        .map_err(|e| OAuth2Error::UserInfo(format!("emails: {e}")))?;
    if matches!(resp.status().as_u16(), 401 | 403 | 404) {
        return Ok(String::new());
    }
    if !resp.status().is_success() {
        return Err(OAuth2Error::UserInfo(format!(
            "emails: status {}",
            resp.status()
        )));
    }
    let emails: Vec<Email> = resp
        .json()
        .await
        .map_err(|e| OAuth2Error::UserInfo(format!("emails: {e}")))?;
    Ok(emails
        .into_iter()
        .find(|e| e.primary && e.verified)
        .map(|e| e.email)
        .unwrap_or_default())
}
