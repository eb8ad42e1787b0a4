//! Writing a backup zip: a consistent online copy of `data.db` and `aux.db` through SQLite's
//! backup API (each from one read transaction, so writers go on while it runs and the copy is
//! the database as of one commit), plus the local file storage, zipped under the names they
//! have in the data dir (`data.db`, `aux.db`, `storage/…`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use zip::write::SimpleFileOptions;

/// The databases a backup holds, by file name in the data dir.
pub const DATABASES: [&str; 2] = ["data.db", "aux.db"];

/// Copies the database at `src` into a new file `dst` (as of one read transaction).
fn copy_database(src: &Path, dst: &Path) -> rusqlite::Result<()> {
    let from = Connection::open_with_flags(
        src,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    from.busy_timeout(Duration::from_secs(10))?;
    let mut to = Connection::open(dst)?;
    let backup = rusqlite::backup::Backup::new(&from, &mut to)?;
    // All pages in one step (-1): one read transaction, so the copy is one consistent state.
    loop {
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            // The source is locked for a moment (a checkpoint): try again.
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

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
        copy_database(&src, &copy)?;
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
