//! Thumbnails as PocketBase makes them: `WxH` (fill, cropped at the center), `WxHt` (top),
//! `WxHb` (bottom), `WxHf` (fit inside, never enlarged), `0xH` / `Wx0` (resize keeping the
//! aspect ratio). Encoded in the original's format by name (`.png`, `.jpg`/`.jpeg`, `.gif`),
//! PNG otherwise.
//!
//! Decoding is bounded ([`image::Limits`]: dimensions and allocation) and so are the produced
//! dimensions, so a small hostile file cannot make the server allocate gigabytes.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// Largest accepted source and thumbnail side, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// Largest allocation a decode may make.
pub const MAX_ALLOC: u64 = 256 << 20;
/// Largest source file read for a thumbnail.
pub const MAX_SOURCE_BYTES: u64 = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Center,
    Top,
    Bottom,
    Fit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThumbSize {
    pub width: u32,
    pub height: u32,
    pub mode: Mode,
}

impl ThumbSize {
    /// `WxH` with an optional `t`/`b`/`f` suffix; `None` for anything else or `0x0`.
    pub fn parse(s: &str) -> Option<Self> {
        let (body, mode) = match s.as_bytes().last()? {
            b't' => (&s[..s.len() - 1], Mode::Top),
            b'b' => (&s[..s.len() - 1], Mode::Bottom),
            b'f' => (&s[..s.len() - 1], Mode::Fit),
            _ => (s, Mode::Center),
        };
        let (w, h) = body.split_once('x')?;
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(w) || !digits(h) {
            return None;
        }
        let (width, height) = (w.parse().ok()?, h.parse().ok()?);
        if width == 0 && height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return None;
        }
        Some(Self {
            width,
            height,
            mode,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThumbError {
    #[error("cannot decode the image: {0}")]
    Decode(#[from] image::ImageError),
    #[error("the thumbnail would be too large")]
    TooLarge,
}

/// Scales a side keeping the aspect ratio (at least 1 pixel).
fn scaled(side: u32, num: u32, den: u32) -> u64 {
    ((f64::from(side) * f64::from(num) / f64::from(den)).round() as u64).max(1)
}

fn bounded(v: u64) -> Result<u32, ThumbError> {
    u32::try_from(v)
        .ok()
        .filter(|v| *v <= MAX_SIDE)
        .ok_or(ThumbError::TooLarge)
}

fn resize(img: &DynamicImage, size: ThumbSize) -> Result<DynamicImage, ThumbError> {
    let (iw, ih) = (img.width().max(1), img.height().max(1));
    let (w, h) = (size.width, size.height);
    let filter = FilterType::Triangle;
    if w == 0 || h == 0 {
        let (tw, th) = if w == 0 {
            (bounded(scaled(iw, h, ih))?, h)
        } else {
            (w, bounded(scaled(ih, w, iw))?)
        };
        return Ok(img.resize_exact(tw, th, filter));
    }
    if size.mode == Mode::Fit {
        if iw <= w && ih <= h {
            return Ok(img.clone());
        }
        return Ok(img.resize(w, h, filter));
    }
    // Fill: scale so both sides cover the box, then crop the box out.
    let scale = f64::max(f64::from(w) / f64::from(iw), f64::from(h) / f64::from(ih));
    let rw = bounded(((f64::from(iw) * scale).ceil() as u64).max(u64::from(w)))?;
    let rh = bounded(((f64::from(ih) * scale).ceil() as u64).max(u64::from(h)))?;
    let scaled = img.resize_exact(rw, rh, filter);
    let x = (rw - w) / 2;
    let y = match size.mode {
        Mode::Top => 0,
        Mode::Bottom => rh - h,
        _ => (rh - h) / 2,
    };
    Ok(scaled.crop_imm(x, y, w, h))
}

/// The encoding of a thumbnail named `name`.
fn format_for(name: &str) -> ImageFormat {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => ImageFormat::Jpeg,
        "gif" => ImageFormat::Gif,
        _ => ImageFormat::Png,
    }
}

/// Decodes `source` within the limits and encodes a thumbnail of `size` for a file named
/// `name`. Returns the bytes and their content type. CPU-bound: run it on a blocking thread.
pub fn render(source: &[u8], size: ThumbSize, name: &str) -> Result<(Vec<u8>, String), ThumbError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::new(Cursor::new(source))
        .with_guessed_format()
        .map_err(image::ImageError::IoError)?;
    reader.limits(limits);
    let img = reader.decode()?;
    let thumb = resize(&img, size)?;
    let format = format_for(name);
    let thumb = match format {
        // JPEG has no alpha channel.
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(thumb.to_rgb8()),
        _ => thumb,
    };
    let mut out = Cursor::new(Vec::new());
    thumb.write_to(&mut out, format)?;
    Ok((out.into_inner(), format.to_mime_type().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    fn dims(bytes: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory(bytes).expect("decode");
        (img.width(), img.height())
    }

    #[test]
    fn parses_sizes() {
        assert_eq!(
            ThumbSize::parse("100x50t"),
            Some(ThumbSize {
                width: 100,
                height: 50,
                mode: Mode::Top
            })
        );
        assert_eq!(ThumbSize::parse("0x50").map(|s| s.width), Some(0));
        for bad in [
            "0x0", "x50", "100x", "100x50z", "-1x5", "10 x5", "", "99999x1",
        ] {
            assert_eq!(ThumbSize::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sizes_follow_the_mode() {
        let src = png(300, 200);
        let size = |s: &str| ThumbSize::parse(s).expect("size");
        for (spec, want) in [
            ("100x100", (100, 100)),
            ("100x100t", (100, 100)),
            ("100x100b", (100, 100)),
            ("100x100f", (100, 67)),
            ("0x50", (75, 50)),
            ("150x0", (150, 100)),
            ("600x600f", (300, 200)),
        ] {
            let (bytes, mime) = render(&src, size(spec), "a.png").expect(spec);
            assert_eq!(dims(&bytes), want, "{spec}");
            assert_eq!(mime, "image/png");
        }
        let (bytes, mime) = render(&src, size("10x10"), "a.jpg").expect("jpeg");
        assert_eq!((dims(&bytes), mime.as_str()), ((10, 10), "image/jpeg"));
    }

    #[test]
    fn hostile_images_are_refused() {
        // A 1×16384 image asked for 0x1000 would be 16 million pixels wide.
        let tall = png(1, MAX_SIDE);
        assert!(render(&tall, ThumbSize::parse("0x100").expect("size"), "a.png").is_ok());
        let wide = png(MAX_SIDE, 1);
        assert!(matches!(
            render(&wide, ThumbSize::parse("0x1000").expect("size"), "a.png"),
            Err(ThumbError::TooLarge)
        ));
        // Declares 100000×100000 pixels in its header: refused before allocating.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(render(&bomb, ThumbSize::parse("10x10").expect("size"), "a.png").is_err());
        assert!(
            render(
                b"not an image",
                ThumbSize::parse("10x10").expect("size"),
                "a.png"
            )
            .is_err()
        );
    }
}
