//! Writing a backup zip: a consistent online copy of `data.db` and `aux.db` through SQLite's
//! backup API (each from one read transaction, so writers go on while it runs and the copy is
//! the database as of one commit), plus the local file storage, zipped under the names they
//! have in the data dir (`data.db`, `aux.db`, `storage/…`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

/// The databases a backup holds, by file name in the data dir.
pub const DATABASES: [&str; 2] = ["data.db", "aux.db"];

/// Every regular file under `dir`, as paths relative to `base`.
fn files_under(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            files_under(base, &entry.path(), out)?;
        } else if kind.is_file()
            && let Ok(rel) = entry.path().strip_prefix(base)
        {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// Writes the zip of `data_dir` to `out` (created new), using `scratch` for the database
/// copies. Returns the number of entries written.
pub fn write_zip(data_dir: &Path, scratch: &Path, out: &Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(scratch)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(File::create_new(out)?));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut entries = 0;
    for name in DATABASES {
        let src = data_dir.join(name);
        if !src.exists() {
            continue;
        }
        let copy = scratch.join(name);
        let _ = std::fs::remove_file(&copy);
        // All pages in one step: one read transaction, so the copy is one consistent state.
        crate::storage::copy_into(&src, &copy)?;
        zip.start_file(name, options)?;
        std::io::copy(&mut File::open(&copy)?, &mut zip)?;
        std::fs::remove_file(&copy)?;
        entries += 1;
    }
    let mut files = Vec::new();
    files_under(data_dir, &data_dir.join("storage"), &mut files)?;
    files.sort();
    for rel in files {
        let name = rel.to_string_lossy().replace('\\', "/");
        zip.start_file(name, options)?;
        std::io::copy(&mut File::open(data_dir.join(&rel))?, &mut zip)?;
        entries += 1;
    }
    zip.finish()?.flush()?;
    Ok(entries)
}
