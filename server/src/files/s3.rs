//! The S3-compatible store (AWS, MinIO, R2, …) through the `object_store` crate, configured from
//! `settings.s3` (`bucket`, `region`, `endpoint`, `accessKey`, the sealed `secret`,
//! `forcePathStyle`).

use std::ops::Range;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, GetOptions, GetRange, ObjectStore, PutOptions, PutPayload,
};

use super::store::{ByteStream, FileStore, Meta, StoreError, checked, checked_prefix};

/// `settings.s3` with the secret opened.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    pub region: String,
    pub endpoint: String,
    pub access_key: String,
    pub secret: String,
    pub force_path_style: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("force_path_style", &self.force_path_style)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// From the settings document (`None` when S3 is disabled).
    pub fn from_settings(settings: &crate::settings::Settings) -> Option<Self> {
        Self::at(settings, "/s3")
    }

    /// The S3 block at `pointer` (`/s3` for files, `/backups/s3` for backups); `None` when
    /// it is disabled.
    pub fn at(settings: &crate::settings::Settings, pointer: &str) -> Option<Self> {
        let doc = settings.get();
        let s3 = doc.pointer(pointer).unwrap_or(&serde_json::Value::Null);
        if !s3["enabled"].as_bool().unwrap_or(false) {
            return None;
        }
        let text = |k: &str| s3[k].as_str().unwrap_or_default().trim().to_string();
        Some(Self {
            bucket: text("bucket"),
            region: text("region"),
            endpoint: text("endpoint"),
            access_key: text("accessKey"),
            secret: settings.secret(&format!("{pointer}/secret")),
            force_path_style: s3["forcePathStyle"].as_bool().unwrap_or(false),
        })
    }
}

pub struct S3Store {
    inner: AmazonS3,
}

fn backend(e: object_store::Error) -> StoreError {
    match e {
        object_store::Error::NotFound { .. } => StoreError::NotFound,
        other => StoreError::Backend(other.to_string()),
    }
}

fn path(key: &str) -> Result<Path, StoreError> {
    Path::parse(checked(key)?).map_err(|_| StoreError::InvalidKey)
}

/// Virtual-hosted style with a custom endpoint needs the bucket in the host.
fn endpoint_for(cfg: &S3Config) -> String {
    let endpoint = cfg.endpoint.trim_end_matches('/');
    if endpoint.is_empty() || cfg.force_path_style {
        return endpoint.to_string();
    }
    match endpoint.split_once("://") {
        Some((scheme, host)) => format!("{scheme}://{}.{host}", cfg.bucket),
        None => format!("https://{}.{endpoint}", cfg.bucket),
    }
}

impl S3Store {
    pub fn new(cfg: &S3Config) -> Result<Self, StoreError> {
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(&cfg.bucket)
            .with_region(if cfg.region.is_empty() {
                "us-east-1"
            } else {
                &cfg.region
            })
            .with_access_key_id(&cfg.access_key)
            .with_secret_access_key(&cfg.secret)
            .with_virtual_hosted_style_request(!cfg.force_path_style && !cfg.endpoint.is_empty());
        if !cfg.endpoint.is_empty() {
            b = b
                .with_endpoint(endpoint_for(cfg))
                .with_allow_http(cfg.endpoint.starts_with("http://"));
        }
        let inner = b.build().map_err(backend)?;
        Ok(Self { inner })
    }
}

#[async_trait::async_trait]
impl FileStore for S3Store {
    fn kind(&self) -> &'static str {
        "s3"
    }

    async fn put(&self, key: &str, data: Bytes, content_type: &str) -> Result<(), StoreError> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        let opts = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.inner
            .put_opts(&path(key)?, PutPayload::from_bytes(data), opts)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn head(&self, key: &str) -> Result<Meta, StoreError> {
        let opts = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        let r = self
            .inner
            .get_opts(&path(key)?, opts)
            .await
            .map_err(backend)?;
        let content_type = r
            .attributes
            .get(&Attribute::ContentType)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "application/octet-stream".into());
        let etag = r.meta.e_tag.clone().unwrap_or_else(|| {
            format!(
                "\"{:x}-{:x}\"",
                r.meta.size,
                r.meta.last_modified.timestamp()
            )
        });
        Ok(Meta {
            size: r.meta.size,
            modified: r.meta.last_modified.into(),
            content_type,
            etag,
        })
    }

    async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream, StoreError> {
        let opts = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let r = self
            .inner
            .get_opts(&path(key)?, opts)
            .await
            .map_err(backend)?;
        Ok(r.into_stream().map_err(std::io::Error::other).boxed())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), StoreError> {
        let prefix = Path::parse(checked_prefix(prefix)?).map_err(|_| StoreError::InvalidKey)?;
        let locations = self
            .inner
            .list(Some(&prefix))
            .map_ok(|m| m.location)
            .boxed();
        let mut deleted = self.inner.delete_stream(locations);
        while let Some(r) = deleted.next().await {
            match r {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(backend(e)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(endpoint: &str, force_path_style: bool) -> S3Config {
        S3Config {
            bucket: "media".into(),
            region: "eu-west-1".into(),
            endpoint: endpoint.into(),
            access_key: "k".into(),
            secret: "s".into(),
            force_path_style,
        }
    }

    #[test]
    fn endpoints_follow_the_addressing_style() {
        assert_eq!(
            endpoint_for(&cfg("https://s3.example.com/", false)),
            "https://media.s3.example.com"
        );
        assert_eq!(
            endpoint_for(&cfg("http://127.0.0.1:9000", true)),
            "http://127.0.0.1:9000"
        );
        assert_eq!(endpoint_for(&cfg("", false)), "");
        assert!(S3Store::new(&cfg("http://127.0.0.1:9000", true)).is_ok());
        // The secret never shows in logs.
        assert!(!format!("{:?}", cfg("", false)).contains("secret: \"s\""));
    }
}
