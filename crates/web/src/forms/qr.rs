//! QR codes as inline SVG (the site's CSP allows no inline style or script).

use std::fmt::Write as _;

use qrcode::{Color, QrCode};

/// Modules of white border around a QR code (the standard's quiet zone).
pub(super) const QR_QUIET: usize = 4;

/// The QR code of `text` as inline SVG: one path, a rectangle per horizontal run of dark
/// modules, with the standard quiet zone; no XML prolog, no style attribute (CSS sizes it).
/// Empty if the text is too long for a QR code.
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let modules = code.to_colors();
    let size = width + 2 * QR_QUIET;
    let mut path = String::new();
    for (y, row) in modules.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                let _ = write!(
                    path,
                    "M{} {}h{run}v1h-{run}z",
                    start + QR_QUIET,
                    y + QR_QUIET
                );
            } else {
                x += 1;
            }
        }
    }
    format!(
        r##"<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="Mã QR tra cứu hồ sơ" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    )
}
