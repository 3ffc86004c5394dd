//! Personal data removed from what is published: phone numbers, e-mail addresses, citizen ID
//! numbers, the names the caller knows (the sender's, the officer's), and what reads as a
//! Vietnamese personal name (a common family name followed by capitalised given names), since
//! an anonymous sender may sign with their name. The head still reads the text before it is
//! published and may edit it.

/// Common Vietnamese family names (Kinh and the north-west's Thái, Mông and Dao names).
const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Đào", "Lưu", "Tạ", "Chu", "Lò", "Quàng", "Lường",
    "Cầm", "Giàng", "Vàng", "Sùng", "Mùa", "Thào", "Hờ", "Tòng", "Khoàng", "Lù",
];

/// Replace personal data in `text` with `***`.
pub fn redact(text: &str, names: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if is_personal(word) {
            out.push_str("***");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '“' | '”') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    // Phone numbers written with spaces or dots (0912 345 678, 0912.345.678).
    let out = collapse_spaced_numbers(&out);
    let mut out = out;
    for n in names
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() >= 3)
    {
        out = out.replace(n, "***");
    }
    personal_names(&out)
}

fn capitalised(word: &str) -> bool {
    let w = word.trim_end_matches(|c: char| !c.is_alphabetic());
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic)
}

/// A family name followed by one to three capitalised words becomes `***` (its trailing
/// punctuation kept).
fn personal_names(s: &str) -> String {
    let tokens: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let is_surname = SURNAMES.contains(&tokens[i]);
        if is_surname && i + 1 < tokens.len() && capitalised(tokens[i + 1]) {
            let mut j = i + 1;
            while j < tokens.len() && j - i <= 3 && capitalised(tokens[j]) {
                let ends = tokens[j].chars().last().is_some_and(|c| !c.is_alphabetic());
                j += 1;
                if ends {
                    break;
                }
            }
            let tail: String = tokens[j - 1]
                .chars()
                .skip_while(|c| c.is_alphabetic())
                .collect();
            out.push(format!("***{tail}"));
            i = j;
            continue;
        }
        out.push(tokens[i].to_string());
        i += 1;
    }
    out.join(" ")
}

/// An e-mail address, or 9 or more digits (phone numbers, ID numbers), once separators and
/// a trailing full stop are left aside.
fn is_personal(word: &str) -> bool {
    let w = word.trim_end_matches(['.', ':', '!', '?']);
    if w.contains('@') && w.contains('.') {
        return true;
    }
    let digits = w.chars().filter(|c| c.is_ascii_digit()).count();
    let only = w
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '.' | '-'));
    only && digits >= 9
}

/// Runs of short digit groups that together make 9+ digits: "0912 345 678" → "***".
fn collapse_spaced_numbers(s: &str) -> String {
    let tokens: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let numeric = |t: &str| {
            !t.is_empty()
                && t.trim_end_matches(['.', ','])
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '+')
        };
        if numeric(tokens[i]) {
            let mut j = i;
            let mut digits = 0;
            while j < tokens.len() && numeric(tokens[j]) {
                digits += tokens[j].chars().filter(|c| c.is_ascii_digit()).count();
                j += 1;
            }
            if digits >= 9 && j - i > 1 {
                out.push("***".into());
                i = j;
                continue;
            }
        }
        out.push(tokens[i].to_string());
        i += 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_emails_ids_and_names_are_removed() {
        let t = "Tôi là Nguyễn Văn An, số 0912345678, email an@example.vn, CCCD 011203004567. \
                 Gọi 0912 345 678 hoặc +84912345678. Hồ sơ DB-TL-260212-0001 chờ 3 ngày.";
        let r = redact(t, &["Nguyễn Văn An"]);
        assert!(
            !r.contains("0912345678") && !r.contains("an@example.vn"),
            "{r}"
        );
        assert!(
            !r.contains("011203004567") && !r.contains("Nguyễn Văn An"),
            "{r}"
        );
        assert!(
            !r.contains("0912 345 678") && !r.contains("+84912345678"),
            "{r}"
        );
        // What is not personal stays: the dossier code, small numbers, the rest of the text.
        assert!(
            r.contains("DB-TL-260212-0001") && r.contains("chờ 3 ngày"),
            "{r}"
        );
        assert!(
            r.starts_with("Tôi là ***, số ***, email ***, CCCD ***"),
            "{r}"
        );
    }

    #[test]
    fn names_written_in_the_text_are_removed_too() {
        let r = redact(
            "Tôi là Trần Thị Bình, bản Na Sang. Cán bộ Lò Văn Thắng quát tôi.",
            &[],
        );
        assert_eq!(r, "Tôi là ***, bản Na Sang. Cán bộ *** quát tôi.");
        // A family name alone, or before a lower-case word, stays.
        assert_eq!(
            redact("Họ Trần và ông Lê ở đây", &[]),
            "Họ Trần và ông Lê ở đây"
        );
    }
}
