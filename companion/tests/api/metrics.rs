//! `/metrics` is for the operator's Prometheus only: off without a configured token, and
//! then only with that token.

use crate::helpers::TestApp;

pub const TOKEN: &str = "prometheus-scrape-secret-0123456789";

#[tokio::test]
async fn metrics_are_not_served_without_a_configured_token() {
    let app = TestApp::spawn().await;
    for authorization in [None, Some("Bearer "), Some("Bearer anything")] {
        let mut request = reqwest::Client::new().get(app.url("/metrics"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("metrics");
        assert_eq!(response.status(), 404, "{authorization:?}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}

#[tokio::test]
async fn metrics_need_the_configured_bearer_token() {
    let app = TestApp::spawn_with(|c| c.metrics_token = TOKEN.into()).await;
    let scrape = |authorization: Option<String>| {
        let mut request = reqwest::Client::new().get(app.url("/metrics"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send()
    };
    assert_eq!(scrape(None).await.expect("metrics").status(), 401);
    for wrong in [
        format!("Bearer {TOKEN}x"),
        format!("Bearer {}", &TOKEN[1..]),
        format!("Basic {TOKEN}"),
    ] {
        let response = scrape(Some(wrong.clone())).await.expect("metrics");
        assert_eq!(response.status(), 401, "{wrong}");
    }
    let ok = scrape(Some(format!("Bearer {TOKEN}")))
        .await
        .expect("metrics");
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
}

#[test]
fn the_metrics_token_is_hidden_in_the_config_debug() {
    let config = companion::config::Config {
        metrics_token: TOKEN.into(),
        ..companion::config::Config::default()
    };
    assert!(!format!("{config:?}").contains(TOKEN));
}
