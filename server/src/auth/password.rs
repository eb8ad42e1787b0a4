//! bcrypt hashing (PocketBase-compatible `$2a$`/`$2b$` hashes).

/// Hashes `plain` with `cost`. bcrypt is CPU-bound: call from a blocking context.
pub fn hash(plain: &str, cost: u32) -> Result<String, bcrypt::BcryptError> {
    bcrypt::hash(plain, cost)
}

/// Constant-time verification; malformed hashes never match.
pub fn verify(plain: &str, hash: &str) -> bool {
    !hash.is_empty() && bcrypt::verify(plain, hash).unwrap_or(false)
}
