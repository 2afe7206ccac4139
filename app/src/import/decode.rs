//! Text files come from everywhere: Excel's "CSV UTF-8" (BOM), "Unicode Text"
//! (UTF-16 LE with BOM), plain UTF-8, and old Windows exports (cp1252).
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub const ALL: [TextEncoding; 4] = [
        TextEncoding::Utf8,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
        TextEncoding::Windows1252,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 (little-endian)",
            TextEncoding::Utf16Be => "UTF-16 (big-endian)",
            TextEncoding::Windows1252 => "Windows-1252 (Western European)",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }
}

/// A byte order mark decides; otherwise valid UTF-8 is UTF-8, and anything
/// else is read as Windows-1252 (which maps every byte to some character).
/// One pass over UTF-8 without a byte order mark (the usual case): checking
/// it is decoding it.
pub fn detect_and_decode(bytes: &[u8]) -> (TextEncoding, std::borrow::Cow<'_, str>) {
    let encoding = match Encoding::for_bom(bytes) {
        Some((encoding, _)) if encoding == UTF_16LE => TextEncoding::Utf16Le,
        Some((encoding, _)) if encoding == UTF_16BE => TextEncoding::Utf16Be,
        Some(_) => TextEncoding::Utf8,
        None => match std::str::from_utf8(bytes) {
            Ok(text) => return (TextEncoding::Utf8, text.into()),
            Err(_) => TextEncoding::Windows1252,
        },
    };
    (encoding, decode(bytes, encoding))
}

/// The text, without its byte order mark. Undecodable bytes become U+FFFD.
/// Valid UTF-8 is borrowed, not copied.
pub fn decode(bytes: &[u8], encoding: TextEncoding) -> std::borrow::Cow<'_, str> {
    let (text, _had_errors) = encoding.encoding().decode_with_bom_removal(bytes);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(bytes: &[u8]) -> TextEncoding {
        detect_and_decode(bytes).0
    }

    #[test]
    fn byte_order_marks_and_fallbacks() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b"), TextEncoding::Utf8);
        assert_eq!(detect(b"\xFF\xFEa\0"), TextEncoding::Utf16Le);
        assert_eq!(detect(b"\xFE\xFF\0a"), TextEncoding::Utf16Be);
        assert_eq!(detect("Zoë".as_bytes()), TextEncoding::Utf8);
        assert_eq!(detect(b"Jos\xE9"), TextEncoding::Windows1252);
        assert_eq!(decode(b"Jos\xE9", TextEncoding::Windows1252), "José");
        assert_eq!(decode(b"\xEF\xBB\xBFa", TextEncoding::Utf8), "a");
        assert_eq!(decode(b"\xFF\xFEa\0", TextEncoding::Utf16Le), "a");
        assert_eq!(
            detect_and_decode("Zoë".as_bytes()),
            (TextEncoding::Utf8, "Zoë".into())
        );
        assert_eq!(
            detect_and_decode(b"\xEF\xBB\xBFa"),
            (TextEncoding::Utf8, "a".into())
        );
        assert_eq!(
            detect_and_decode(b"Jos\xE9"),
            (TextEncoding::Windows1252, "José".into())
        );
    }
}
