//! Sealing and opening: HPKE base mode, single shot, with the header as associated data.

use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::CryptoRng;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use super::envelope::{self, EnvelopeHeader, Parsed};
use super::rng::CheckedSysRng;
use super::{INFO_V1, VaultError, VaultPublicKey, VaultSecretKey};

type EncappedKey = <X25519HkdfSha256 as hpke::Kem>::EncappedKey;

/// Seals `plaintext` to `public_key` for one user and platform; returns the `arv1.` text.
pub fn seal(
    public_key: &VaultPublicKey,
    user_id: &str,
    platform: &str,
    plaintext: &[u8],
) -> Result<String, VaultError> {
    let mut rng = CheckedSysRng::default();
    let envelope = seal_with_rng(public_key, user_id, platform, plaintext, &mut rng)?;
    rng.check()?;
    Ok(envelope)
}

/// [`seal`] with a chosen rng: the golden-vector test needs a deterministic one.
pub(crate) fn seal_with_rng(
    public_key: &VaultPublicKey,
    user_id: &str,
    platform: &str,
    plaintext: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<String, VaultError> {
    let header = EnvelopeHeader::new(&public_key.key_id, platform, user_id)?;
    let header_bytes = header.to_bytes();
    let aad = envelope::aad(&header_bytes);
    let (enc, ciphertext) =
        hpke::single_shot_seal_with_rng::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &public_key.to_hpke()?,
            INFO_V1,
            plaintext,
            &aad,
            rng,
        )
        .map_err(|_| VaultError::Seal)?;
    Ok(envelope::encode(
        &header_bytes,
        &enc.to_bytes(),
        &ciphertext,
    ))
}

/// Opens an envelope after checking that it was sealed for `expected_user_id`,
/// `expected_platform` and this key. The plaintext is zeroed when the buffer drops.
pub fn open(
    secret_key: &VaultSecretKey,
    expected_user_id: &str,
    expected_platform: &str,
    envelope: &str,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    open_picking(envelope, expected_user_id, expected_platform, |key_id| {
        if key_id == secret_key.key_id() {
            Ok(secret_key)
        } else {
            Err(VaultError::WrongKey {
                expected: secret_key.key_id().to_owned(),
                found: key_id.to_owned(),
            })
        }
    })
}

/// [`open`] with the key among `keys` whose id the envelope names (current and retired keys
/// after a rotation); none of them gives [`VaultError::UnknownKey`].
pub fn open_with_any(
    keys: &[VaultSecretKey],
    expected_user_id: &str,
    expected_platform: &str,
    envelope: &str,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    open_picking(envelope, expected_user_id, expected_platform, |key_id| {
        keys.iter()
            .find(|key| key.key_id() == key_id)
            .ok_or_else(|| VaultError::UnknownKey {
                key_id: key_id.to_owned(),
            })
    })
}

/// Parse, check user and platform, pick the key by id, then decrypt.
fn open_picking<'k>(
    envelope: &str,
    expected_user_id: &str,
    expected_platform: &str,
    pick: impl FnOnce(&str) -> Result<&'k VaultSecretKey, VaultError>,
) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let parsed = envelope::parse(envelope)?;
    check_binding(&parsed.header, expected_user_id, expected_platform)?;
    let key = pick(&parsed.header.key_id)?;
    decrypt(key, &parsed)
}

fn check_binding(
    header: &EnvelopeHeader,
    expected_user_id: &str,
    expected_platform: &str,
) -> Result<(), VaultError> {
    if header.user_id != expected_user_id {
        return Err(VaultError::WrongUser {
            expected: expected_user_id.to_owned(),
            found: header.user_id.clone(),
        });
    }
    if header.platform != expected_platform {
        return Err(VaultError::WrongPlatform {
            expected: expected_platform.to_owned(),
            found: header.platform.clone(),
        });
    }
    Ok(())
}

fn decrypt(key: &VaultSecretKey, parsed: &Parsed) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    // The header is authenticated through the AAD; the checks above only name the cause early.
    let aad = envelope::aad(parsed.header_bytes());
    let enc = EncappedKey::from_bytes(parsed.enc()).map_err(|_| VaultError::Decrypt)?;
    hpke::single_shot_open::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        key.hpke(),
        &enc,
        INFO_V1,
        parsed.ciphertext(),
        &aad,
    )
    .map(Zeroizing::new)
    .map_err(|_| VaultError::Decrypt)
}
