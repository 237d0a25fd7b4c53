use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use companion::App;
use companion::config::Config;

use crate::helpers::TestApp;

/// Opens a value wrapped by the master key without the companion's code: a 12-byte nonce, then
/// AES-256-GCM with `aad` bound. `None` when it does not open.
pub fn open_wrapped(master_key: &[u8; 32], aad: &[u8], wrapped: &[u8]) -> Option<Vec<u8>> {
    let (nonce, ciphertext) = wrapped.split_at_checked(12)?;
    let cipher = Aes256Gcm::new_from_slice(master_key).ok()?;
    cipher
        .decrypt(
            &Nonce::try_from(nonce).ok()?,
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

/// The key the test companion created in its key file.
pub fn master_key_of(app: &TestApp) -> [u8; 32] {
    let text = std::fs::read_to_string(&app.state.config.master_key_file).expect("key file");
    URL_SAFE_NO_PAD
        .decode(text.trim())
        .expect("base64url")
        .try_into()
        .expect("32 bytes")
}

/// Any other key: wrapped values must not open with it.
pub fn another_key(key: &[u8; 32]) -> [u8; 32] {
    let mut other = *key;
    other[0] ^= 1;
    other
}

async fn restart(
    app: &TestApp,
    adjust: impl FnOnce(&mut Config),
) -> Result<App, companion::error::Error> {
    let mut config = (*app.state.config).clone();
    config.bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    adjust(&mut config);
    App::build(config).await
}

#[tokio::test]
async fn a_wrong_or_missing_master_key_stops_start_up() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    app.state
        .vault
        .current_public_key(alice.id)
        .await
        .expect("a wrapped key exists");
    let key_file = app.state.config.master_key_file.clone();
    assert!(
        std::path::Path::new(&key_file).exists(),
        "the key file was created on first start"
    );

    let wrong = restart(&app, |c| c.master_key = "A".repeat(43)).await;
    let message = wrong.err().expect("wrong key refused").to_string();
    assert!(message.contains("does not match"), "{message}");

    let missing = restart(&app, |c| {
        c.master_key_file = format!("{key_file}.elsewhere")
    })
    .await;
    let message = missing.err().expect("missing key refused").to_string();
    assert!(message.contains("missing"), "{message}");
    assert!(
        !std::path::Path::new(&format!("{key_file}.elsewhere")).exists(),
        "no silent new key"
    );

    let text = std::fs::read_to_string(&key_file).expect("key file");
    let same = restart(&app, |c| c.master_key = text.trim().to_owned()).await;
    assert!(
        same.is_ok(),
        "the same key given through the environment works"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    let mode = std::fs::metadata(&app.state.config.master_key_file)
        .expect("file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn the_identity_key_is_stored_wrapped_and_survives_restarts() {
    let app = TestApp::spawn().await;
    let (stored,): (Vec<u8>,) = sqlx::query_as("SELECT signing_key FROM companion_identity")
        .fetch_one(app.state.store.pool())
        .await
        .expect("row");
    let key = master_key_of(&app);
    let aad = b"autoresume/identity-key/v1";
    assert_eq!(
        open_wrapped(&another_key(&key), aad, &stored),
        None,
        "another master key does not open it"
    );
    assert_eq!(
        open_wrapped(&key, b"autoresume/vault-private-key/v1", &stored),
        None,
        "it is bound to its purpose"
    );
    let seed: [u8; 32] = open_wrapped(&key, aad, &stored)
        .expect("the master key opens it")
        .try_into()
        .expect("a 32-byte seed");
    let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
    assert_eq!(
        URL_SAFE_NO_PAD.encode(public.as_bytes()),
        app.state.identity.info().public_key,
        "what opens is the identity the companion presents"
    );
    let again = restart(&app, |_| {}).await.expect("restarts");
    assert_eq!(again.state().identity.info(), app.state.identity.info());
}
