//! Calendar dates as `YYYY-MM-DD`, checked without a clock or a date library.

/// True for a real calendar date written `YYYY-MM-DD` (years 1900 to 2999).
pub fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2999).contains(&year) && (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_dates_only() {
        assert!(is_iso_date("2027-01-15"));
        assert!(is_iso_date("2028-02-29"));
        assert!(is_iso_date("2000-02-29"));
        assert!(!is_iso_date("2100-02-29"));
        assert!(!is_iso_date("2027-02-29"));
        assert!(!is_iso_date("2027-04-31"));
        assert!(!is_iso_date("2027-13-01"));
        assert!(!is_iso_date("2027-00-10"));
        assert!(!is_iso_date("2027-1-15"));
        assert!(!is_iso_date("15/01/2027"));
        assert!(!is_iso_date("2027-01-1x"));
        assert!(!is_iso_date("+027-01-15"));
        assert!(!is_iso_date("2027-01-15T00:00"));
    }
}
