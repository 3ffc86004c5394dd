//! Attachments to feedback: images and PDF only, recognised by their content (a script named
//! `.jpg` is refused), within a size limit.

use crate::DomainError;

/// The largest attachment accepted: 5 MiB.
pub const ATTACHMENT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Attachments per case.
pub const ATTACHMENTS_MAX: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Jpeg,
    Png,
    Pdf,
}

impl AttachmentKind {
    pub fn mime(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Pdf => "application/pdf",
        }
    }
    pub fn parse_mime(s: &str) -> Option<AttachmentKind> {
        match s {
            "image/jpeg" => Some(AttachmentKind::Jpeg),
            "image/png" => Some(AttachmentKind::Png),
            "application/pdf" => Some(AttachmentKind::Pdf),
            _ => None,
        }
    }
    fn extensions(self) -> &'static [&'static str] {
        match self {
            AttachmentKind::Jpeg => &["jpg", "jpeg"],
            AttachmentKind::Png => &["png"],
            AttachmentKind::Pdf => &["pdf"],
        }
    }
    /// What the bytes are, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<AttachmentKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(AttachmentKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(AttachmentKind::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(AttachmentKind::Pdf)
        } else {
            None
        }
    }
}

/// Check an uploaded file: its content must be a JPEG, PNG or PDF, its name's extension must
/// say the same, and it must fit the limit. Returns the kind and a safe file name.
///
/// Errors (`attachments`): `feedback-attachment-empty`, `feedback-attachment-too-large`,
/// `feedback-attachment-type`.
pub fn check_attachment(
    filename: &str,
    bytes: &[u8],
) -> Result<(AttachmentKind, String), DomainError> {
    let f = |code: &'static str| DomainError {
        code,
        field: Some("attachments"),
    };
    if bytes.is_empty() {
        return Err(f("feedback-attachment-empty"));
    }
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err(f("feedback-attachment-too-large"));
    }
    let kind = AttachmentKind::sniff(bytes).ok_or(f("feedback-attachment-type"))?;
    let base = filename.rsplit(['/', '\\']).next().unwrap_or("");
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !kind.extensions().contains(&ext.as_str()) {
        return Err(f("feedback-attachment-type"));
    }
    // Keep letters, digits, dot, dash and underscore; at most 80 characters.
    let safe: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe: String = safe
        .chars()
        .rev()
        .take(80)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Ok((kind, safe))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

    #[test]
    fn content_decides_and_the_name_must_agree() {
        assert_eq!(
            check_attachment("anh chup.JPG", JPEG).unwrap(),
            (AttachmentKind::Jpeg, "anh_chup.JPG".into())
        );
        assert_eq!(
            check_attachment("C:\\Users\\x\\don.pdf", b"%PDF-1.7 ...")
                .unwrap()
                .0,
            AttachmentKind::Pdf
        );
        // A script named .jpg, a JPEG named .exe, an HTML page, nothing at all.
        for (name, bytes) in [
            ("anh.jpg", &b"#!/bin/sh\nrm -rf /"[..]),
            ("anh.exe", JPEG),
            ("trang.html", &b"<script>alert(1)</script>"[..]),
            ("anh.png", JPEG),
        ] {
            assert_eq!(
                check_attachment(name, bytes).unwrap_err().code,
                "feedback-attachment-type",
                "{name}"
            );
        }
        assert_eq!(
            check_attachment("a.jpg", &[]).unwrap_err().code,
            "feedback-attachment-empty"
        );
        let mut big = JPEG.to_vec();
        big.resize(ATTACHMENT_MAX_BYTES + 1, 0);
        assert_eq!(
            check_attachment("a.jpg", &big).unwrap_err().code,
            "feedback-attachment-too-large"
        );
    }
}
