//! The record pipeline: hooks → prepare → validate → rules → transaction → publish; reading and
//! listing; serialization (hidden fields, `fields=`).

pub mod cache;
pub mod cached_read;
pub mod codec;
pub mod exec;
pub mod expand;
pub mod fields_picker;
pub mod fill_turns;
pub mod persist;
pub mod pipeline;
pub mod prepare;
pub mod read;
pub mod record;
pub mod resolver;
pub mod rules;
pub mod sealed;
pub mod serialize;
pub mod server;

pub use record::Record;
