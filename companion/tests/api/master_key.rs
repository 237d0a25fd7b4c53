use companion::App;
use companion::config::Config;

use crate::helpers::TestApp;

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
    assert_eq!(stored.len(), 12 + 32 + 16, "nonce, wrapped seed and tag");
    let again = restart(&app, |_| {}).await.expect("restarts");
    assert_eq!(again.state().identity.info(), app.state.identity.info());
}
