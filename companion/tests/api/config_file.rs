use companion::config::Config;

/// The shipped example documents every key with its default value.
#[test]
fn the_example_config_is_complete_and_matches_the_defaults() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../companion.example.toml");
    let text = std::fs::read_to_string(path).expect("companion.example.toml");
    let from_file: toml::Table = text.parse().expect("valid TOML");
    let defaults = serde_json::to_value(Config::default()).expect("serialises");
    // Some defaults are derived at load (the database URL from the data folder): compare
    // what the example loads to what an empty file loads.
    let empty = tempfile::NamedTempFile::new().expect("temp file");
    let derived = Config::load(Some(empty.path())).expect("an empty file loads");
    let keys: Vec<&String> = defaults.as_object().expect("object").keys().collect();
    for key in &keys {
        assert!(
            from_file.contains_key(key.as_str()),
            "{key} is not documented in companion.example.toml"
        );
    }
    assert_eq!(
        from_file.len(),
        keys.len(),
        "companion.example.toml has keys the config does not know"
    );
    let loaded = Config::load(Some(std::path::Path::new(path))).expect("the example loads");
    assert_eq!(
        serde_json::to_value(&loaded).expect("serialises"),
        serde_json::to_value(&derived).expect("serialises"),
        "every value in companion.example.toml is the default"
    );
}

/// The data folder and the SQLite database hold wrapped keys, jars and mail: a fresh start
/// makes them readable by the companion's user alone, and SQLite's side files follow.
#[tokio::test]
async fn a_fresh_data_folder_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().expect("temp dir");
    let data = parent.path().join("fresh/data");
    let app = crate::helpers::TestApp::spawn_with(|config| {
        config.data_dir = data.clone();
        // The default: SQLite in the data folder, whichever database the suite runs on.
        config.database_url = String::new();
    })
    .await;
    app.create_user("alice").await;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&data), 0o700, "the data folder");
    let database = data.join("companion.db");
    assert_eq!(mode(&database), 0o600, "the database");
    let wal = data.join("companion.db-wal");
    assert!(wal.exists(), "SQLite runs in WAL mode");
    assert_eq!(mode(&wal), 0o600, "the WAL");
}
