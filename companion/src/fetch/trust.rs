//! The `resolve` and `trust_ca_file` settings: a host served from another address, and extra
//! CA certificates, so that a test (or a split-horizon network) can serve real host names such
//! as boards.greenhouse.io from 127.0.0.1 under its own CA.

use std::net::SocketAddr;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// One `resolve` entry: connections to `host:port` go to `addr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Lowercase.
    pub host: String,
    pub port: u16,
    pub addr: SocketAddr,
}

impl Override {
    /// `host:port=ip:port` (an IPv6 address in brackets).
    pub fn parse(entry: &str) -> Result<Override> {
        let bad = || Error::Config(format!("resolve entry {entry:?} is not host:port=ip:port"));
        let (from, to) = entry.trim().split_once('=').ok_or_else(bad)?;
        let (host, port) = from.rsplit_once(':').ok_or_else(bad)?;
        if host.is_empty() || host.contains(['/', '@', ' ']) {
            return Err(bad());
        }
        Ok(Override {
            host: host.to_ascii_lowercase(),
            port: port.parse().map_err(|_| bad())?,
            addr: to.parse().map_err(|_| bad())?,
        })
    }
}

/// The address `host:port` is served from instead of what DNS says, if any.
pub fn overridden(overrides: &[Override], host: &str, port: u16) -> Option<SocketAddr> {
    overrides
        .iter()
        .find(|o| o.port == port && o.host.eq_ignore_ascii_case(host))
        .map(|o| o.addr)
}

/// The DER certificates of a PEM file.
pub fn read_certificates(path: &str) -> Result<Vec<Vec<u8>>> {
    let pem = std::fs::read_to_string(path)
        .map_err(|e| Error::Config(format!("trust_ca_file {path:?}: {e}")))?;
    let bad = |what: &str| Error::Config(format!("trust_ca_file {path:?}: {what}"));
    let mut certificates = Vec::new();
    let mut rest = pem.as_str();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let body = &rest[start + "-----BEGIN CERTIFICATE-----".len()..];
        let end = body
            .find("-----END CERTIFICATE-----")
            .ok_or_else(|| bad("a certificate has no END line"))?;
        let text: String = body[..end].split_whitespace().collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| bad("a certificate is not base64"))?;
        certificates.push(der);
        rest = &body[end..];
    }
    if certificates.is_empty() {
        return Err(bad("no certificate in it"));
    }
    Ok(certificates)
}

/// Base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's
/// `--ignore-certificate-errors-spki-list` takes it.
pub fn spki_hash(der: &[u8]) -> Result<String> {
    let bad = || Error::Config("trust_ca_file: a certificate is not X.509 DER".into());
    let (certificate, _) = element(der).ok_or_else(bad)?;
    let (tbs, _) = element(certificate.content).ok_or_else(bad)?;
    let mut fields = tbs.content;
    // An explicit version ([0]) comes first when present.
    if fields.first() == Some(&0xa0) {
        fields = element(fields).ok_or_else(bad)?.1;
    }
    // serial, signature algorithm, issuer, validity, subject, then the key.
    for _ in 0..5 {
        fields = element(fields).ok_or_else(bad)?.1;
    }
    let (key, _) = element(fields).ok_or_else(bad)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(key.whole)))
}

struct Element<'a> {
    whole: &'a [u8],
    content: &'a [u8],
}

/// The DER element at the start of `input`, and what follows it.
fn element(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    // The tag is not checked: the walk follows the certificate's fixed order.
    let (&length, rest) = input.get(1..)?.split_first()?;
    let (length, rest) = if length < 0x80 {
        (usize::from(length), rest)
    } else {
        let bytes = usize::from(length & 0x7f);
        if bytes == 0 || bytes > 4 || rest.len() < bytes {
            return None;
        }
        let length = rest[..bytes]
            .iter()
            .fold(0usize, |n, b| (n << 8) | usize::from(*b));
        (length, &rest[bytes..])
    };
    let header = input.len() - rest.len();
    let content = rest.get(..length)?;
    Some((
        Element {
            whole: &input[..header + length],
            content,
        },
        &rest[length..],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_entries_parse_like_curls() {
        let entry = Override::parse("Boards.Greenhouse.io:443=127.0.0.1:8443").expect("valid");
        assert_eq!(entry.host, "boards.greenhouse.io");
        assert_eq!(entry.port, 443);
        assert_eq!(entry.addr, "127.0.0.1:8443".parse().expect("addr"));
        assert_eq!(
            overridden(std::slice::from_ref(&entry), "boards.greenhouse.io", 443),
            Some(entry.addr)
        );
        assert_eq!(overridden(&[entry], "boards.greenhouse.io", 80), None);
        assert!(Override::parse("[::1]:443=[::1]:8443").is_ok());
        for bad in [
            "boards.greenhouse.io=127.0.0.1:1",
            "a:b=127.0.0.1:1",
            "a:1=localhost:2",
        ] {
            assert!(Override::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_key_of_a_certificate_is_found_and_hashed() {
        // A minimal DER shape: SEQ { SEQ { [0]{INT 2}, INT, SEQ, SEQ, SEQ, SEQ, SEQ{key} }, ... }.
        let key = [0x30, 0x03, 0x02, 0x01, 0x07];
        let mut tbs = vec![0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01];
        for _ in 0..4 {
            tbs.extend([0x30, 0x00]);
        }
        tbs.extend(key);
        let mut certificate = vec![0x30, tbs.len() as u8 + 2, 0x30, tbs.len() as u8];
        certificate.extend(&tbs);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(key));
        assert_eq!(spki_hash(&certificate).expect("a key"), expected);
        assert!(spki_hash(&certificate[..6]).is_err());
    }
}
