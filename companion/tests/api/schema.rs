//! The two migration dialects must describe the same schema. On the PostgreSQL pass this
//! compares the server's tables and columns with a fresh SQLite database migrated beside it.

use companion::store::{Backend, Store, account};

async fn schema(store: &Store) -> Vec<(String, Vec<String>)> {
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx_%'
             ORDER BY table_name"
        }
    };
    let tables: Vec<(String,)> = sqlx::query_as(sql)
        .fetch_all(store.pool())
        .await
        .expect("tables");
    let mut schema = Vec::new();
    for (table,) in tables {
        let mut columns = account::columns(store, &table).await.expect("columns");
        columns.sort();
        schema.push((table, columns));
    }
    schema
}

#[tokio::test]
async fn both_dialects_define_the_same_tables_and_columns() {
    let app = crate::helpers::TestApp::spawn().await;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("twin.db").display());
    let sqlite = Store::connect(&url).await.expect("sqlite");
    sqlite.migrate().await.expect("migrate");
    let expected = schema(&sqlite).await;
    assert!(
        expected.iter().any(|(table, _)| table == "jobs"),
        "{expected:?}"
    );
    assert_eq!(schema(&app.state.store).await, expected);
}
