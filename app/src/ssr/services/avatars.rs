//! People's pictures. Whatever is uploaded is decoded (PNG, JPEG or WebP only,
//! with bounded dimensions and memory) and re-encoded as a small square, so no
//! uploaded bytes, metadata (camera, GPS) or polyglot tricks are ever served.
use crate::domain::Invalid;
use crate::error::AppError;
use crate::ssr::db::entities::avatar;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use std::io::Cursor;

pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// Stored pictures are this many pixels square (sharp at 128 CSS px on dense screens).
pub const SIDE: u32 = 256;
const MAX_SOURCE_SIDE: u32 = 12_000;

/// A picture ready to store.
#[derive(Debug, Clone)]
pub struct Avatar {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks and re-encodes an upload. CPU-bound: call it off the async runtime.
pub fn process(upload: &[u8]) -> Result<Avatar, Invalid> {
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(Invalid::new("The picture is larger than 2 MB."));
    }
    let format = match image::guess_format(upload) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => format,
        _ => return Err(Invalid::new("Choose a PNG, JPEG or WebP picture.")),
    };
    let unreadable = || Invalid::new("That picture could not be read. Try another file.");
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder.orientation().map_err(|_| unreadable())?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    picture.apply_orientation(orientation);
    let square = picture.resize_to_fill(SIDE, SIDE, image::imageops::FilterType::Lanczos3);
    let mut bytes = Vec::new();
    let content_type = if square.color().has_alpha() {
        square
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(|_| unreadable())?;
        "image/png"
    } else {
        JpegEncoder::new_with_quality(&mut bytes, 85)
            .encode_image(&square.to_rgb8())
            .map_err(|_| unreadable())?;
        "image/jpeg"
    };
    Ok(Avatar {
        content_type,
        bytes,
    })
}

/// `process` on a blocking thread.
pub async fn process_upload(upload: Vec<u8>) -> Result<Avatar, AppError> {
    tokio::task::spawn_blocking(move || process(&upload))
        .await
        .map_err(|error| AppError::internal("avatar task failed", error))?
        .map_err(|e| AppError::invalid("Avatar", e))
}

pub async fn store(
    db: &impl ConnectionTrait,
    user_id: i32,
    picture: Avatar,
    now: i64,
) -> Result<(), AppError> {
    avatar::Entity::insert(avatar::ActiveModel {
        user_id: Set(user_id),
        content_type: Set(picture.content_type.to_owned()),
        image: Set(picture.bytes),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(avatar::Column::UserId)
            .update_columns([
                avatar::Column::ContentType,
                avatar::Column::Image,
                avatar::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    fn encode(picture: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn photos_become_small_jpeg_squares() {
        let photo = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(800, 600, Rgb([200, 30, 30])));
        let avatar = process(&encode(photo, ImageFormat::Png)).unwrap();
        assert_eq!(avatar.content_type, "image/jpeg");
        let back = image::load_from_memory(&avatar.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (SIDE, SIDE));
    }

    #[test]
    fn transparency_is_kept_as_png() {
        let logo =
            DynamicImage::ImageRgba8(ImageBuffer::from_pixel(64, 64, Rgba([0, 0, 255, 128])));
        let avatar = process(&encode(logo, ImageFormat::WebP)).unwrap();
        assert_eq!(avatar.content_type, "image/png");
        assert!(image::load_from_memory(&avatar.bytes)
            .unwrap()
            .color()
            .has_alpha());
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        assert_eq!(
            process(b"GIF89a not really").unwrap_err().0,
            "Choose a PNG, JPEG or WebP picture."
        );
        assert_eq!(
            process(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
                .unwrap_err()
                .0,
            "Choose a PNG, JPEG or WebP picture."
        );
        let truncated = &encode(
            DynamicImage::ImageRgb8(ImageBuffer::from_pixel(50, 50, Rgb([1, 2, 3]))),
            ImageFormat::Png,
        )[..40];
        assert_eq!(
            process(truncated).unwrap_err().0,
            "That picture could not be read. Try another file."
        );
        assert_eq!(
            process(&vec![0u8; MAX_UPLOAD_BYTES + 1]).unwrap_err().0,
            "The picture is larger than 2 MB."
        );
    }

    #[test]
    fn huge_dimensions_are_refused_before_decoding() {
        // A tiny PNG header that claims 50,000 × 50,000 pixels (a decompression bomb).
        let mut png = encode(
            DynamicImage::ImageRgb8(ImageBuffer::from_pixel(1, 1, Rgb([0, 0, 0]))),
            ImageFormat::Png,
        );
        png[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        // A valid checksum, so only the size limit can refuse it.
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            process(&png).unwrap_err().0,
            "That picture could not be read. Try another file."
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
