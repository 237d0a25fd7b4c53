use std::net::SocketAddr;

use companion::config::Config;
use companion::state::AppState;
use companion::{App, pairing, users};
use reqwest::header::{HeaderMap, HeaderValue};
use shared::api::{PairRequest, PairResponse, UserInfo};
use sqlx::Connection;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    dir: Option<tempfile::TempDir>,
}

/// A fresh database: a SQLite file in `dir`, or a new database on the PostgreSQL server
/// named by COMPANION_TEST_DATABASE_URL.
async fn test_database(dir: &std::path::Path) -> String {
    match std::env::var("COMPANION_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid_like());
            let mut admin = sqlx::AnyConnection::connect(&admin_url)
                .await
                .expect("connect to the test PostgreSQL");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .expect("create test database");
            admin.close().await.expect("close admin connection");
            let mut url =
                url::Url::parse(&admin_url).expect("COMPANION_TEST_DATABASE_URL is a URL");
            url.set_path(&name);
            url.to_string()
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("companion.db").display()),
    }
}

fn uuid_like() -> String {
    let bytes: [u8; 8] = companion::auth::tokens::random_bytes().expect("random");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config {
            database_url: test_database(dir.path()).await,
            ..Config::scratch(dir.path())
        };
        adjust(&mut config);
        let config = config.validated().expect("valid config");
        let app = App::build(config).await.expect("app builds");
        let addr = app.local_addr().expect("bound");
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            app.serve(async move {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
        });
        TestApp {
            base: format!("http://{addr}"),
            addr,
            state,
            stop: Some(stop),
            server: Some(server),
            dir: Some(dir),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The served OpenAPI document: tests that walk every operation read it, so a route
    /// added later is walked too.
    pub async fn openapi(&self) -> serde_json::Value {
        reqwest::get(self.url("/api/v1/openapi.json"))
            .await
            .expect("spec")
            .json()
            .await
            .expect("json")
    }

    /// How many rows each per-user table holds for `user_id`: equal before and after means
    /// nothing of that user's changed.
    pub async fn row_counts(&self, user_id: i64) -> Vec<(String, i64)> {
        let store = &self.state.store;
        let mut counts = Vec::new();
        for table in companion::store::account::user_tables(store)
            .await
            .expect("tables")
        {
            let count = companion::store::account::count_rows(store, &table, user_id)
                .await
                .expect("count");
            counts.push((table, count));
        }
        counts
    }

    /// Stops the server and waits until it has; open streams must end for this to return.
    /// Returns the data folder, which lives until the caller drops it.
    pub async fn shutdown(mut self) -> Option<tempfile::TempDir> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
        self.dir.take()
    }

    pub async fn create_user(&self, name: &str) -> UserInfo {
        users::create(&self.state.store, &self.state.passwords, name, PASSWORD)
            .await
            .expect("user created")
    }

    pub async fn pairing_code(&self, user_id: i64) -> String {
        pairing::create_code(&self.state.store, user_id)
            .await
            .expect("code")
            .code
    }

    pub async fn pair(&self, user_id: i64, device_name: &str) -> PairResponse {
        let code = self.pairing_code(user_id).await;
        let response = reqwest::Client::new()
            .post(self.url("/api/v1/pair"))
            .json(&PairRequest {
                code,
                device_name: device_name.to_owned(),
            })
            .send()
            .await
            .expect("pair request");
        assert_eq!(
            response.status(),
            200,
            "pairing failed: {:?}",
            response.text().await
        );
        response.json().await.expect("pair response")
    }

    pub fn device_client(&self, token: &str) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        );
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// Logs in through the login form like a browser (same-origin Origin header) and reads
    /// the CSRF token from a dashboard page.
    pub async fn login(&self, name: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let response = client
            .post(self.url("/login"))
            .header("origin", &self.base)
            .form(&[("username", name), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), 303, "login failed");
        let page = client
            .get(self.url("/dashboard/devices"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        let csrf = page
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf token on the page")
            .to_owned();
        Browser {
            client,
            csrf,
            origin: self.base.clone(),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A logged-in dashboard client: cookie jar plus CSRF token.
pub struct Browser {
    pub client: reqwest::Client,
    pub csrf: String,
    pub origin: String,
}

impl Browser {
    /// A same-origin write with the CSRF header, as the dashboard's scripts send it.
    pub fn write(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, url)
            .header("origin", &self.origin)
            .header("x-csrf-token", &self.csrf)
    }
}

/// Reads an SSE response until `done` says the text so far is enough. The server keeps the
/// stream open, so the caller's condition, not the end of the body, ends the read.
pub async fn read_sse_until(response: reqwest::Response, done: impl Fn(&str) -> bool) -> String {
    use futures_util::StreamExt;
    let mut text = String::new();
    let mut body = response.bytes_stream();
    let read = async {
        while let Some(chunk) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
            if done(&text) {
                return;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .expect("the stream delivered in time");
    text
}

/// `data:` payloads of the SSE text, parsed.
pub fn sse_events(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).expect("event JSON"))
        .collect()
}

/// Polls `check` until it holds; fails after ten seconds.
pub async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
