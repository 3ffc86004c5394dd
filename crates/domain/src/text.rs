//! Text rules shared by every area: bounded, trimmed, NFC-normalised strings and the
//! accent-folded search key used for Vietnamese names ("Đăng ký" -> "dang ky").

use unicode_normalization::UnicodeNormalization;

use crate::DomainError;

/// The one of `all` whose `name` is `s`, else `unknown`: an enum's `parse` from its stable
/// names (`Role::parse` is `by_name(&Role::ALL, Role::as_str, s, …)`).
pub fn by_name<T: Copy>(
    all: &[T],
    name: impl Fn(T) -> &'static str,
    s: &str,
    unknown: DomainError,
) -> Result<T, DomainError> {
    all.iter().copied().find(|t| name(*t) == s).ok_or(unknown)
}

/// Trim, NFC-normalise and check length (in characters) and control characters.
pub fn clean(
    input: &str,
    field: &'static str,
    min: usize,
    max: usize,
) -> Result<String, DomainError> {
    let s: String = input.trim().nfc().collect();
    let n = s.chars().count();
    if n == 0 && min > 0 {
        return Err(DomainError::field("required", field));
    }
    if n < min {
        return Err(DomainError::field("too-short", field));
    }
    if n > max {
        return Err(DomainError::field("too-long", field));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(DomainError::field("control-characters", field));
    }
    Ok(s)
}

/// Characters that change how text around them is shown without being seen: the bidirectional
/// overrides, embeddings and isolates (which can make a name read backwards, "Trojan Source"),
/// the Arabic letter mark, and the zero-width and invisible characters (which make two names
/// that look the same differ). Vietnamese text never needs them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A name (a person's, an office's, a counter's …): [`clean`], and no bidirectional-override
/// or zero-width character (`invisible-characters`).
pub fn name(
    input: &str,
    field: &'static str,
    min: usize,
    max: usize,
) -> Result<String, DomainError> {
    let s = clean(input, field, min, max)?;
    if s.chars().any(is_invisible_format) {
        return Err(DomainError::field("invisible-characters", field));
    }
    Ok(s)
}

/// Lower-case, strip diacritics and map đ/Đ to d, for accent-insensitive search.
pub fn fold(input: &str) -> String {
    input
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_direction_overrides_and_zero_width_characters() {
        assert_eq!(
            name(" Lò Văn Thắng ", "name", 1, 50).unwrap(),
            "Lò Văn Thắng"
        );
        for bad in [
            "Lò Văn\u{202E}gnắhT",
            "Lò\u{200B}Văn Thắng",
            "Lò Văn Thắng\u{2067}",
            "\u{FEFF}Lò Văn Thắng",
            "Lò\u{200D}Văn",
        ] {
            assert_eq!(
                name(bad, "name", 1, 50).unwrap_err().code,
                "invisible-characters",
                "{bad:?}"
            );
        }
        // Other text (a complaint, a note) keeps them: only names are refused.
        assert!(clean("a\u{200B}b", "note", 0, 10).is_ok());
    }

    #[test]
    fn fold_removes_vietnamese_diacritics() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("Phường Điện Biên Phủ"), "phuong dien bien phu");
        assert_eq!(fold("Xã Tả Phìn"), "xa ta phin");
    }

    #[test]
    fn clean_trims_normalises_and_bounds() {
        // Decomposed "ế" (e + U+0302 + U+0301) becomes the single precomposed character.
        let decomposed = "Nguye\u{0302}\u{0301}n";
        // Counted after NFC: 6 characters, not 8.
        assert_eq!(clean(decomposed, "name", 1, 6).unwrap(), "Nguyến");
        assert_eq!(clean("  ab ", "name", 1, 5).unwrap(), "ab");
        assert_eq!(clean("   ", "name", 1, 5).unwrap_err().code, "required");
        assert_eq!(clean("abcdef", "name", 1, 5).unwrap_err().code, "too-long");
        assert_eq!(
            clean("a\u{0}b", "name", 1, 5).unwrap_err().code,
            "control-characters"
        );
    }
}
