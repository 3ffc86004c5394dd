//! Dossier code (mã số hồ sơ, Circular 01/2018 Art. 19): `OFFICECODE-YYMMDD-NNNN`, where
//! `YYMMDD` is the receipt date in Vietnam (UTC+7) and `NNNN` the daily serial of the receiving
//! office, plus the short lookup secret printed on the receipt slip.

use jiff::civil::Date;

use crate::DomainError;

/// Largest daily serial: the code has four digits. The 10,000th dossier of a day is refused.
pub const MAX_SERIAL: u32 = 9999;

/// A dossier code, valid by construction. Displays as `OFFICECODE-YYMMDD-NNNN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DossierCode {
    office: String,
    date: Date,
    serial: u32,
}

impl DossierCode {
    /// The code of the `serial`-th dossier received by `office_code` on `local_date` (the
    /// Vietnam date, see [`crate::time::date_of`]).
    ///
    /// Errors: `office-code-format` (`office_code`) unless the office code is a valid
    /// [`crate::office::OfficeCode`] as stored (upper case); `dossier-code-date` (`local_date`) outside 2000–2099;
    /// `dossier-serial-exhausted` (`serial`) for 0 or above 9999.
    pub fn new(office_code: &str, local_date: Date, serial: u32) -> Result<Self, DomainError> {
        if !valid_office(office_code) {
            return Err(DomainError::field("office-code-format", "office_code"));
        }
        if !(2000..=2099).contains(&local_date.year()) {
            return Err(DomainError::field("dossier-code-date", "local_date"));
        }
        if serial == 0 || serial > MAX_SERIAL {
            return Err(DomainError::field("dossier-serial-exhausted", "serial"));
        }
        Ok(Self {
            office: office_code.to_owned(),
            date: local_date,
            serial,
        })
    }

    /// Parses a code typed or scanned for a lookup. Surrounding whitespace is ignored; letters
    /// must be upper case. Error: `dossier-code-format` (`code`).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::field("dossier-code-format", "code");
        let s = s.trim();
        let mut parts = s.rsplitn(3, '-');
        let (Some(serial), Some(date), Some(office)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(serial, 4) || !digits(date, 6) || !valid_office(office) {
            return Err(bad());
        }
        let num = |a: usize| date[a..a + 2].parse::<i8>().map_err(|_| bad());
        let local_date =
            Date::new(2000 + i16::from(num(0)?), num(2)?, num(4)?).map_err(|_| bad())?;
        let serial: u32 = serial.parse().map_err(|_| bad())?;
        Self::new(office, local_date, serial).map_err(|_| bad())
    }

    /// The receiving office's code.
    pub fn office(&self) -> &str {
        &self.office
    }

    /// The receipt date (Vietnam local date).
    pub fn date(&self) -> Date {
        self.date
    }

    /// The daily serial, 1–9999.
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl std::fmt::Display for DossierCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{:02}{:02}{:02}-{:04}",
            self.office,
            self.date.year() % 100,
            self.date.month(),
            self.date.day(),
            self.serial
        )
    }
}

impl std::str::FromStr for DossierCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The office-code rule is `OfficeCode`'s (one place); codes may contain `-` (`DB-TL`), which
/// is unambiguous because a dossier code is parsed from the right.
fn valid_office(s: &str) -> bool {
    crate::office::OfficeCode::parse(s).is_ok_and(|c| c.as_str() == s)
}

/// The serial after `last` (the highest serial already issued today by the office, `None` for
/// the first dossier of the day). Serials are never reused: the caller stores the counter.
/// Error: `dossier-serial-exhausted` (`serial`) once 9999 has been issued.
pub fn next_serial(last: Option<u32>) -> Result<u32, DomainError> {
    match last {
        None => Ok(1),
        Some(n) if n < MAX_SERIAL => Ok(n + 1),
        Some(_) => Err(DomainError::field("dossier-serial-exhausted", "serial")),
    }
}

/// The 32 symbols of a lookup secret: Crockford's base-32 alphabet. It has no `I`, `L`, `O`
/// or `U`, so `0` and `1` cannot be confused with a letter; [`normalize_secret`] still maps a
/// typed `O` to `0` and `I`/`L` to `1`.
pub const SECRET_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of a lookup secret: 8 symbols carry the 40 random bits.
pub const SECRET_LEN: usize = 8;

/// The short secret printed on the receipt slip next to the dossier code; a lookup needs both.
/// The caller draws `random_bytes` from a secure generator. Each group of 5 bits becomes one
/// symbol of [`SECRET_ALPHABET`], so every secret is equally likely (2^40 of them).
pub fn lookup_secret(random_bytes: [u8; 5]) -> String {
    let mut bits = random_bytes
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut out = [0u8; SECRET_LEN];
    for slot in out.iter_mut().rev() {
        *slot = SECRET_ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// A typed secret in canonical form: spaces and dashes dropped, upper-cased, `O`→`0`,
/// `I`/`L`→`1`. `None` unless the result is 8 symbols of [`SECRET_ALPHABET`].
pub fn normalize_secret(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            u => u,
        })
        .collect();
    (s.len() == SECRET_LEN && s.bytes().all(|b| SECRET_ALPHABET.contains(&b))).then_some(s)
}

/// Does the typed `input` match the `stored` secret? Compares the normalised forms without
/// stopping at the first difference.
pub fn secret_matches(stored: &str, input: &str) -> bool {
    let (Some(a), Some(b)) = (normalize_secret(stored), normalize_secret(input)) else {
        return false;
    };
    a.bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}
