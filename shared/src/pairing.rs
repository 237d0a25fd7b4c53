//! Pairing codes: `LLLL-SSSSS-SSSSS` in Crockford base32.
//!
//! The first four characters (20 bits) name the code so that wrong guesses can be counted
//! against it and burn it; the remaining ten (50 bits) are the secret.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const LOOKUP_LEN: usize = 4;
pub const SECRET_LEN: usize = 10;
const CODE_LEN: usize = LOOKUP_LEN + SECRET_LEN;
/// Random bytes a caller must supply to [`encode`]: 14 characters of 5 bits fit in 9 bytes.
pub const RANDOM_BYTES: usize = 9;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PairingCodeError {
    #[error("a pairing code has {CODE_LEN} letters and digits, like ABCD-EFGH1-23456")]
    Malformed,
}

/// A code split into its public lookup part and its secret part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingCode {
    pub lookup: String,
    pub secret: String,
}

impl PairingCode {
    pub fn display(&self) -> String {
        format!(
            "{}-{}-{}",
            self.lookup,
            &self.secret[..5],
            &self.secret[5..]
        )
    }
}

/// Turns random bytes into a code.
pub fn encode(random: &[u8; RANDOM_BYTES]) -> PairingCode {
    let mut bits: u128 = 0;
    for byte in random {
        bits = (bits << 8) | u128::from(*byte);
    }
    let chars: String = (0..CODE_LEN)
        .map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char)
        .collect();
    PairingCode {
        lookup: chars[..LOOKUP_LEN].to_owned(),
        secret: chars[LOOKUP_LEN..].to_owned(),
    }
}

/// Reads a code as a person typed it: any case, with or without dashes and spaces, and with
/// the letters Crockford base32 treats as digits (O for 0, I and L for 1).
pub fn parse(input: &str) -> Result<PairingCode, PairingCodeError> {
    let mut normalized = String::with_capacity(CODE_LEN);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return Err(PairingCodeError::Malformed),
        };
        normalized.push(c);
    }
    if normalized.len() != CODE_LEN {
        return Err(PairingCodeError::Malformed);
    }
    Ok(PairingCode {
        lookup: normalized[..LOOKUP_LEN].to_owned(),
        secret: normalized[LOOKUP_LEN..].to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_codes_parse_back_from_sloppy_typing() {
        let code = encode(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f]);
        let shown = code.display();
        assert_eq!(shown.len(), CODE_LEN + 2);
        assert_eq!(parse(&shown), Ok(code.clone()));
        assert_eq!(parse(&shown.to_lowercase().replace('-', " ")), Ok(code));
    }

    #[test]
    fn different_bytes_give_different_secrets() {
        let a = encode(&[0; RANDOM_BYTES]);
        let b = encode(&[0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_ne!(a, b);
    }

    #[test]
    fn rejects_wrong_length_and_alphabet() {
        assert_eq!(parse("ABCD-EFGH"), Err(PairingCodeError::Malformed));
        assert_eq!(parse("ABCD-EFGH1-2345U"), Err(PairingCodeError::Malformed));
        assert_eq!(
            parse("ABCD-EFGH1-23456-7"),
            Err(PairingCodeError::Malformed)
        );
    }
}
