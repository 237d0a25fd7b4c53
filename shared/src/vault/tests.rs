//! Vault tests: round trips, every way an envelope can be moved or damaged, and a golden vector.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use core::convert::Infallible;
use hpke::rand_core::utils::next_word_via_fill;
use hpke::rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

use super::seal::seal_with_rng;
use super::*;

/// SHA-256 in counter mode: deterministic, for test vectors only.
struct TestRng {
    seed: &'static [u8],
    counter: u64,
}

impl TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        next_word_via_fill(self)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        next_word_via_fill(self)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(32) {
            let block = Sha256::new()
                .chain_update(self.seed)
                .chain_update(self.counter.to_le_bytes())
                .finalize();
            self.counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}
impl TryCryptoRng for TestRng {}

const USER: &str = "42";
const PLATFORM: &str = "linkedin";
const PLAINTEXT: &[u8] = br#"{"cookies":[{"name":"li_at","value":"secret"}]}"#;

fn key() -> VaultSecretKey {
    VaultSecretKey::derive(&[0x42; 32])
}

fn sealed() -> String {
    seal(key().public_key(), USER, PLATFORM, PLAINTEXT).expect("seal")
}

fn payload(envelope: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(envelope.strip_prefix(PREFIX_V1).expect("prefix"))
        .expect("base64")
}

fn rebuild(payload: &[u8]) -> String {
    format!("{PREFIX_V1}{}", URL_SAFE_NO_PAD.encode(payload))
}

#[test]
fn round_trip() {
    let key = key();
    let envelope = sealed();
    assert!(envelope.starts_with("arv1."));
    let opened = open(&key, USER, PLATFORM, &envelope).expect("open");
    assert_eq!(opened.as_slice(), PLAINTEXT);
}

#[test]
fn random_keys_round_trip_and_differ() {
    let a = generate_keypair().expect("key");
    let b = generate_keypair().expect("key");
    assert_ne!(a.public_key(), b.public_key());
    let envelope = seal(a.public_key(), USER, PLATFORM, b"").expect("seal");
    assert_eq!(open(&a, USER, PLATFORM, &envelope).expect("open").len(), 0);
    // Two seals of the same plaintext differ (fresh ephemeral key each time).
    assert_ne!(
        seal(a.public_key(), USER, PLATFORM, b"x").expect("seal"),
        seal(a.public_key(), USER, PLATFORM, b"x").expect("seal")
    );
}

#[test]
fn secret_key_bytes_round_trip() {
    let key = key();
    let again = VaultSecretKey::from_bytes(&key.expose_secret_bytes()).expect("from bytes");
    assert_eq!(again.public_key(), key.public_key());
    assert_eq!(again.key_id(), key.key_id());
    assert_eq!(key.key_id().len(), 23);
    assert!(key.key_id().starts_with("x25519-"));
    assert_eq!(format!("{key:?}"), "VaultSecretKey(****)");
}

#[test]
fn public_key_encodings() {
    let public = key().public_key().clone();
    let decoded = VaultPublicKey::from_base64url(&public.to_base64url()).expect("decode");
    assert_eq!(decoded, public);
    let json = serde_json::to_string(&public).expect("json");
    assert!(json.contains("\"keyId\"") && json.contains("\"publicKey\""));
    assert_eq!(
        serde_json::from_str::<VaultPublicKey>(&json).expect("parse"),
        public
    );
    let lying = json.replace(&public.key_id, "x25519-AAAAAAAAAAAAAAAA");
    assert!(serde_json::from_str::<VaultPublicKey>(&lying).is_err());
    assert_eq!(
        VaultPublicKey::from_base64url("AAAA"),
        Err(VaultError::InvalidPublicKey)
    );
}

#[test]
fn moved_to_another_user_platform_or_key_does_not_open() {
    let key = key();
    let envelope = sealed();
    assert!(matches!(
        open(&key, "43", PLATFORM, &envelope),
        Err(VaultError::WrongUser { .. })
    ));
    assert!(matches!(
        open(&key, USER, "indeed", &envelope),
        Err(VaultError::WrongPlatform { .. })
    ));
    let other = VaultSecretKey::derive(&[7; 32]);
    assert!(matches!(
        open(&other, USER, PLATFORM, &envelope),
        Err(VaultError::WrongKey { .. })
    ));
    assert!(matches!(
        open_with_any(std::slice::from_ref(&other), USER, PLATFORM, &envelope),
        Err(VaultError::UnknownKey { .. })
    ));
    let keys = [other, key];
    assert_eq!(
        open_with_any(&keys, USER, PLATFORM, &envelope)
            .expect("open")
            .as_slice(),
        PLAINTEXT
    );
}

/// A header rewritten to pass the checks still fails: the header is the AAD.
#[test]
fn rewritten_header_fails_authentication() {
    let key = key();
    let envelope = sealed();
    let bytes = payload(&envelope);
    let header = inspect(&envelope).expect("inspect");
    let old_header_len = 4 + header.key_id.len() + header.platform.len() + header.user_id.len();
    let forged = EnvelopeHeader::new(&header.key_id, "indeed", "43").expect("header");
    let mut moved = forged.to_bytes();
    moved.extend_from_slice(&bytes[old_header_len..]);
    assert_eq!(
        open(&key, "43", "indeed", &rebuild(&moved)),
        Err(VaultError::Decrypt)
    );
}

#[test]
fn tampering_with_any_byte_fails() {
    let key = key();
    let bytes = payload(&sealed());
    for index in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[index] ^= 0x01;
        let result = open(&key, USER, PLATFORM, &rebuild(&damaged));
        assert!(result.is_err(), "flipping byte {index} went unnoticed");
    }
    // Flipping inside enc or the ciphertext is exactly an authentication failure.
    let mut damaged = bytes.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x80;
    assert_eq!(
        open(&key, USER, PLATFORM, &rebuild(&damaged)),
        Err(VaultError::Decrypt)
    );
}

#[test]
fn truncation_is_named() {
    let key = key();
    let bytes = payload(&sealed());
    let header_len = bytes.len() - 32 - PLAINTEXT.len() - 16;
    let cases = [
        (0, MalformedEnvelope::TruncatedHeader),
        (3, MalformedEnvelope::TruncatedHeader),
        (header_len, MalformedEnvelope::TruncatedKey),
        (header_len + 31, MalformedEnvelope::TruncatedKey),
        (header_len + 32 + 15, MalformedEnvelope::TruncatedCiphertext),
    ];
    for (len, reason) in cases {
        assert_eq!(
            open(&key, USER, PLATFORM, &rebuild(&bytes[..len])),
            Err(VaultError::Malformed(reason)),
            "length {len}"
        );
    }
    // Cut inside the plaintext: the tag no longer matches.
    assert_eq!(
        open(&key, USER, PLATFORM, &rebuild(&bytes[..bytes.len() - 1])),
        Err(VaultError::Decrypt)
    );
}

#[test]
fn prefix_and_base64_must_be_exact() {
    let key = key();
    let envelope = sealed();
    let body = envelope.strip_prefix(PREFIX_V1).expect("prefix");
    let err = |text: &str| open(&key, USER, PLATFORM, text).expect_err("must fail");
    assert_eq!(
        err(body),
        VaultError::Malformed(MalformedEnvelope::MissingPrefix)
    );
    assert_eq!(
        err(&format!("arv2.{body}")),
        VaultError::UnsupportedVersion {
            found: "arv2".into()
        }
    );
    let not_base64 = VaultError::Malformed(MalformedEnvelope::NotBase64url);
    assert_eq!(err(&format!("{envelope}=")), not_base64);
    assert_eq!(err(&format!("{envelope} ")), not_base64);
    let mut standard_alphabet = envelope.clone();
    standard_alphabet.insert(PREFIX_V1.len() + 4, '+');
    standard_alphabet.insert(PREFIX_V1.len() + 8, '/');
    assert_eq!(err(&standard_alphabet), not_base64);
    // Non-canonical: one leftover byte is two characters, and the second one's low 4 bits
    // must be zero. 'B' sets one of them; a lax decoder would give the same bytes as 'A'.
    let bytes = payload(&envelope);
    let one_leftover = &bytes[..bytes.len() - bytes.len() % 3 - 2];
    let canonical = rebuild(one_leftover);
    assert!(matches!(
        open(&key, USER, PLATFORM, &canonical),
        Err(VaultError::Decrypt)
    ));
    let mut chars: Vec<char> = canonical.chars().collect();
    let last = chars.len() - 1;
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode([chars[last - 1] as u8, b'A'])
            .map(|b| b.len()),
        Ok(1)
    );
    chars[last] = match chars[last] {
        'A' => 'B',
        c => char::from(u8::try_from(c).expect("ascii") ^ 0x01),
    };
    let non_canonical: String = chars.into_iter().collect();
    assert_eq!(err(&non_canonical), not_base64);
}

#[test]
fn wrong_version_byte_and_bad_fields() {
    let key = key();
    let mut bytes = payload(&sealed());
    bytes[0] = 2;
    assert!(matches!(
        open(&key, USER, PLATFORM, &rebuild(&bytes)),
        Err(VaultError::UnsupportedVersion { .. })
    ));
    let mut empty_field = vec![1, 0];
    empty_field.extend_from_slice(&[0; 80]);
    assert_eq!(
        inspect(&rebuild(&empty_field)),
        Err(VaultError::Malformed(MalformedEnvelope::BadField("key id")))
    );
    let huge = format!("arv1.{}", "A".repeat(MAX_ENVELOPE_LEN));
    assert_eq!(
        inspect(&huge),
        Err(VaultError::Malformed(MalformedEnvelope::TooLarge))
    );
}

#[test]
fn seal_refuses_bad_fields() {
    let public = key().public_key().clone();
    assert_eq!(
        seal(&public, "", PLATFORM, b"x"),
        Err(VaultError::InvalidField {
            field: "user id",
            len: 0
        })
    );
    assert!(matches!(
        seal(&public, USER, &"p".repeat(256), b"x"),
        Err(VaultError::InvalidField {
            field: "platform",
            ..
        })
    ));
}

#[test]
fn inspect_reads_the_header_without_a_key() {
    let header = inspect(&sealed()).expect("inspect");
    assert_eq!(
        header,
        EnvelopeHeader {
            version: 1,
            key_id: key().key_id().to_owned(),
            platform: PLATFORM.into(),
            user_id: USER.into(),
        }
    );
}

/// Pins the format: key, rng and inputs are fixed, so the envelope is fixed. If this fails,
/// the format changed; old envelopes would no longer open. Make a new version instead.
#[test]
fn golden_vector() {
    let key = key();
    let mut rng = TestRng {
        seed: b"autoresume golden vector",
        counter: 0,
    };
    let envelope =
        seal_with_rng(key.public_key(), USER, PLATFORM, PLAINTEXT, &mut rng).expect("seal");
    assert_eq!(key.key_id(), GOLDEN_KEY_ID);
    assert_eq!(key.public_key().to_base64url(), GOLDEN_PUBLIC_KEY);
    assert_eq!(envelope, GOLDEN_ENVELOPE);
    assert_eq!(
        open(&key, USER, PLATFORM, GOLDEN_ENVELOPE)
            .expect("open")
            .as_slice(),
        PLAINTEXT
    );
}

const GOLDEN_KEY_ID: &str = "x25519-wBzMhD1VIdkQtTI1";
const GOLDEN_PUBLIC_KEY: &str = "rjvxzYfC0u0lr0oaI57tBKmQ8A50A-TIBlkn3gEP0Xo";
const GOLDEN_ENVELOPE: &str = concat!(
    "arv1.ARd4MjU1MTktd0J6TWhEMVZJZGtRdFRJMQhsaW5rZWRpbgI0MpKgyrULUNuRWh3PfxVL0GRR91sKcy38-Xi8",
    "ctgg-WscliQx35c5_4_gV_htStohSGo7U60OA-m5kDok4_zcecO3iA_uhljMdqd79bYcWVyrXqk_0DISG2er4_Tdl",
    "xQP"
);

/// Opens the golden envelope by following the README byte by byte, with the hpke crate
/// directly: the documentation and the code agree.
#[test]
fn documented_layout() {
    use hpke::aead::AesGcm256;
    use hpke::kdf::HkdfSha256;
    use hpke::kem::X25519HkdfSha256;
    use hpke::{Deserializable, Kem, OpModeR};

    let bytes = payload(GOLDEN_ENVELOPE);
    let mut header = vec![1u8];
    for field in [GOLDEN_KEY_ID, PLATFORM, USER] {
        header.push(u8::try_from(field.len()).expect("short"));
        header.extend_from_slice(field.as_bytes());
    }
    assert_eq!(&bytes[..header.len()], header.as_slice());
    let enc = &bytes[header.len()..header.len() + 32];
    let ciphertext = &bytes[header.len() + 32..];
    assert_eq!(ciphertext.len(), PLAINTEXT.len() + 16);
    let mut aad = vec![21u8];
    aad.extend_from_slice(b"autoresume-cookie-jar");
    aad.extend_from_slice(&header);
    let secret =
        <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(key().expose_secret_bytes().as_slice())
            .expect("key");
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).expect("enc");
    let opened = hpke::single_shot_open::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &secret,
        &enc,
        b"autoresume-cookie-jar/v1",
        ciphertext,
        &aad,
    )
    .expect("open");
    assert_eq!(opened, PLAINTEXT);
}

#[test]
fn jar_round_trip() {
    use crate::cookies::{Platform, parse_export};
    let key = key();
    let platform = Platform::lookup("linkedin").expect("platform");
    let jar = parse_export(
        "li_at=AQEDA; JSESSIONID=\"ajax:1\"",
        Some("www.linkedin.com"),
    )
    .expect("jar");
    let envelope = seal_jar(key.public_key(), USER, &platform, &jar).expect("seal");
    assert_eq!(
        open_jar(&key, USER, &platform, &envelope).expect("open"),
        jar
    );
    let not_a_jar = seal(key.public_key(), USER, "linkedin", b"[1,2]").expect("seal");
    assert_eq!(
        open_jar(&key, USER, &platform, &not_a_jar),
        Err(VaultError::NotACookieJar)
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_plaintext_and_binding_round_trips(
            plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
            user in "[0-9]{1,20}",
            platform in "[a-z:.]{1,40}",
        ) {
            let key = key();
            let envelope = seal(key.public_key(), &user, &platform, &plaintext).expect("seal");
            let header = inspect(&envelope).expect("inspect");
            prop_assert_eq!(&header.user_id, &user);
            prop_assert_eq!(&header.platform, &platform);
            let opened = open(&key, &user, &platform, &envelope).expect("open");
            prop_assert_eq!(opened.as_slice(), plaintext.as_slice());
        }

        #[test]
        fn garbage_never_panics(text in "arv1\\.[A-Za-z0-9_-]{0,200}") {
            let _ = open(&key(), USER, PLATFORM, &text);
        }
    }
}
