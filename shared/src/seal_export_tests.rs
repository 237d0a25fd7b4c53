use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};

use super::*;
use crate::vault::{VaultSecretKey, open_jar};

const NOW: i64 = 1_800_000_000;
const EXPORT: &str = "# Netscape HTTP Cookie File\n\
.linkedin.com\tTRUE\t/\tTRUE\t1900000000\tli_at\tsecret-a\n\
.linkedin.com\tTRUE\t/\tTRUE\t1850000000\tJSESSIONID\tsecret-b\n\
.linkedin.com\tTRUE\t/\tFALSE\t1900000000\tanalytics\tnot-kept\n";

fn identity(seed: u8) -> (SigningKey, String) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let public = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
    (key, public)
}

fn signed(signer: &SigningKey, user_id: &str, vault: &VaultSecretKey) -> SignedVaultKey {
    let public_key = vault.public_key().to_base64url();
    let key_id = vault.key_id().to_owned();
    let statement = identity::vault_key_statement(user_id, &key_id, &public_key);
    SignedVaultKey {
        user_id: user_id.to_owned(),
        key_id,
        public_key,
        signature: URL_SAFE_NO_PAD.encode(signer.sign(&statement).to_bytes()),
        identity_key: URL_SAFE_NO_PAD.encode(signer.verifying_key().to_bytes()),
    }
}

#[test]
fn seals_only_session_cookies_that_the_vault_key_opens() {
    let (signer, pinned) = identity(1);
    let vault = VaultSecretKey::derive(&[9; 32]);
    let sealed = seal_export(
        &signed(&signer, "7", &vault),
        &pinned,
        "7",
        "linkedin",
        EXPORT,
        NOW,
    )
    .expect("sealed");
    assert_eq!(sealed.metadata.names, ["JSESSIONID", "li_at"]);
    assert_eq!(sealed.metadata.count, 2);
    assert_eq!(sealed.metadata.earliest_expiry, Some(1_850_000_000));
    let platform = Platform::lookup("linkedin").expect("known");
    let jar = open_jar(&vault, "7", &platform, &sealed.envelope).expect("opens");
    assert_eq!(jar.len(), 2);
}

#[test]
fn refuses_a_key_signed_by_another_identity_and_names_its_fingerprint() {
    let (_, pinned) = identity(1);
    let (other, other_public) = identity(2);
    let vault = VaultSecretKey::derive(&[9; 32]);
    let error = seal_export(
        &signed(&other, "7", &vault),
        &pinned,
        "7",
        "linkedin",
        EXPORT,
        NOW,
    )
    .expect_err("refused");
    let presented = identity::fingerprint_encoded(&other_public).expect("valid");
    assert!(error.to_string().contains(&presented), "{error}");
}

#[test]
fn refuses_another_users_key_a_mismatched_key_id_and_a_tampered_key() {
    let (signer, pinned) = identity(1);
    let vault = VaultSecretKey::derive(&[9; 32]);
    let for_bob = signed(&signer, "8", &vault);
    assert!(matches!(
        verify_signed_key(&for_bob, &pinned, "7"),
        Err(SealExportError::WrongUser { .. })
    ));

    let mut swapped = signed(&signer, "7", &vault);
    swapped.public_key = VaultSecretKey::derive(&[8; 32]).public_key().to_base64url();
    assert!(matches!(
        verify_signed_key(&swapped, &pinned, "7"),
        Err(SealExportError::UntrustedKey { .. })
    ));

    // A correctly signed statement whose key id does not belong to the key bytes.
    let wrong_id = VaultSecretKey::derive(&[8; 32]);
    let public_key = vault.public_key().to_base64url();
    let statement = identity::vault_key_statement("7", wrong_id.key_id(), &public_key);
    let mismatched = SignedVaultKey {
        user_id: "7".to_owned(),
        key_id: wrong_id.key_id().to_owned(),
        public_key,
        signature: URL_SAFE_NO_PAD.encode(signer.sign(&statement).to_bytes()),
        identity_key: pinned.clone(),
    };
    assert!(matches!(
        verify_signed_key(&mismatched, &pinned, "7"),
        Err(SealExportError::Key(VaultError::PublicKeyIdMismatch { .. }))
    ));
}

#[test]
fn says_which_session_cookies_were_expected() {
    let (signer, pinned) = identity(1);
    let vault = VaultSecretKey::derive(&[9; 32]);
    let key = signed(&signer, "7", &vault);
    let error = seal_export(&key, &pinned, "7", "linkedin", "Cookie: other=1", NOW)
        .expect_err("no session cookie");
    assert!(error.to_string().contains("li_at"), "{error}");
    // Expired session cookies do not count.
    let error = seal_export(&key, &pinned, "7", "linkedin", EXPORT, 1_950_000_000)
        .expect_err("all expired");
    assert!(matches!(error, SealExportError::NoSessionCookie { .. }));
}

#[test]
fn a_cookie_header_belongs_to_the_platform_and_custom_domains_keep_everything() {
    let (signer, pinned) = identity(1);
    let vault = VaultSecretKey::derive(&[9; 32]);
    let key = signed(&signer, "7", &vault);
    let sealed =
        seal_export(&key, &pinned, "7", "linkedin", "Cookie: li_at=a; x=b", NOW).expect("sealed");
    assert_eq!(sealed.metadata.names, ["li_at"]);
    let sealed = seal_export(
        &key,
        &pinned,
        "7",
        "custom:jobs.example.com",
        "Cookie: a=1; b=2",
        NOW,
    )
    .expect("sealed");
    assert_eq!(sealed.metadata.count, 2);
}
