//! An uploaded file on its way into a record: the client's name, the name it will be stored
//! under (chosen on arrival, as PocketBase does), its bytes and the type detected from them.

use bytes::Bytes;

use super::{mime, names};

/// One uploaded file, held in memory (bounded by the request body limit).
#[derive(Clone)]
pub struct Upload {
    /// The name the client sent (only used in messages).
    pub original_name: String,
    /// The sanitised, randomised name it is stored under.
    pub name: String,
    pub data: Bytes,
    /// Detected from the content, never taken from the client.
    pub content_type: String,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("original_name", &self.original_name)
            .field("name", &self.name)
            .field("size", &self.data.len())
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Upload {
    pub fn new(original_name: &str, data: Bytes) -> Self {
        let content_type = mime::sniff(&data);
        let name = names::normalize(original_name, mime::extension(&content_type));
        Self {
            original_name: original_name.to_string(),
            name,
            data,
            content_type,
        }
    }

    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }
}

/// Uploads of one request, each under the body key it came with (`docs`, `docs+`, `+docs`).
pub type Uploads = Vec<(String, Upload)>;
