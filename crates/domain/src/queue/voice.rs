//! The voice call: "Mời số A012 đến quầy số 3", with the ticket read digit by digit.

/// What the display shows and what it speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub text: String,
    pub speech: String,
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// A counter number (1–99) in Vietnamese words: 3 → "ba", 10 → "mười", 15 → "mười lăm",
/// 21 → "hai mươi mốt", 24 → "hai mươi tư", 30 → "ba mươi".
pub fn spell_number(n: u32) -> String {
    let n = n % 100;
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    let (tens, units) = (n / 10, n % 10);
    let head = if tens == 1 {
        "mười".to_string()
    } else {
        format!("{} mươi", DIGITS[tens as usize])
    };
    let tail = match units {
        0 => return head,
        1 if tens > 1 => "mốt",
        4 if tens > 1 => "tư",
        5 => "lăm",
        u => DIGITS[u as usize],
    };
    format!("{head} {tail}")
}

/// The call of `number` (e.g. `A012`) to counter `counter`.
pub fn announce(number: &str, counter: u32) -> Announcement {
    let spoken: Vec<String> = number
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => DIGITS[d as usize].to_string(),
            None => c.to_string(),
        })
        .collect();
    Announcement {
        text: format!("Mời số {number} đến quầy số {counter}"),
        speech: format!(
            "Mời số {}, đến quầy số {}",
            spoken.join(" "),
            spell_number(counter)
        ),
    }
}
