use crate::helpers::{PASSWORD, TestApp};

/// Alice's login form, posted from the companion's own origin.
pub async fn post_login(
    app: &TestApp,
    client: &reqwest::Client,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[("username", "alice"), ("password", password)])
        .send()
        .await
        .expect("login")
}

fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_strict() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let (cookie, _) = session_cookie(&app).await;
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
}

#[tokio::test]
async fn wrong_passwords_fail_and_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.auth_attempts_per_minute = 3).await;
    app.create_user("alice").await;
    let client = browser_client();
    for _ in 0..3 {
        let response = post_login(&app, &client, "not the password").await;
        assert_eq!(response.status(), 401);
        assert!(
            response
                .text()
                .await
                .expect("html")
                .contains("Wrong user name or password")
        );
    }
    let limited = post_login(&app, &client, PASSWORD).await;
    assert_eq!(
        limited.status(),
        429,
        "even the right password waits out the window"
    );
}

#[tokio::test]
async fn dashboard_pages_need_a_session_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let anonymous = browser_client()
        .get(app.url("/dashboard/devices"))
        .send()
        .await
        .expect("page");
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login");

    let browser = app.login("alice").await;
    let page = browser
        .client
        .get(app.url("/dashboard/activity"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );

    let logout = browser
        .client
        .post(app.url("/logout"))
        .header("origin", &app.base)
        .form(&[("csrf_token", browser.csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), 303);
    let after = browser
        .client
        .get(app.url("/dashboard"))
        .send()
        .await
        .expect("page");
    assert_eq!(after.status(), 303);
}

#[tokio::test]
async fn the_setup_link_creates_the_first_user_once() {
    let app = TestApp::spawn().await;
    let token = app.state.setup.issue().expect("token");
    let client = browser_client();
    assert_eq!(
        client
            .get(app.url("/setup/wrong"))
            .send()
            .await
            .expect("page")
            .status(),
        404
    );
    assert_eq!(
        client
            .get(app.url(&format!("/setup/{token}")))
            .send()
            .await
            .expect("page")
            .status(),
        200
    );
    let form = [
        ("username", "alice"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let created = client
        .post(app.url(&format!("/setup/{token}")))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .expect("setup");
    assert_eq!(created.status(), 303);
    assert_eq!(created.headers()["location"], "/dashboard/devices");
    let again = browser_client()
        .post(app.url(&format!("/setup/{token}")))
        .header("origin", &app.base)
        .form(&[
            ("username", "mallory"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ])
        .send()
        .await
        .expect("setup");
    assert_eq!(again.status(), 404);
    assert_eq!(
        companion::store::users::count(&app.state.store)
            .await
            .expect("count"),
        1
    );
}

#[tokio::test]
async fn page_text_is_escaped() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    app.pair(alice.id, "<img src=x onerror=alert(1)>").await;
    let browser = app.login("alice").await;
    let html = browser
        .client
        .get(app.url("/dashboard/devices"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("<img src=x"));
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;") || html.contains("&#60;img"),
        "{html}"
    );
}

/// Attempts count from when they start: a burst of concurrent wrong logins must not all get
/// their password checked before the first failure is known.
#[tokio::test]
async fn a_burst_of_concurrent_wrong_logins_is_held_to_the_limit() {
    let app = TestApp::spawn_with(|c| c.auth_attempts_per_minute = 5).await;
    app.create_user("alice").await;
    let client = browser_client();
    let attempts = (0..40).map(|_| post_login(&app, &client, "not the password"));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|response| response.status().as_u16())
        .collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert_eq!(checked + limited, 40, "{statuses:?}");
}

/// A right password gives its attempt back, so people who log in often are not locked out.
#[tokio::test]
async fn successful_logins_do_not_use_up_the_limit() {
    let app = TestApp::spawn_with(|c| c.auth_attempts_per_minute = 2).await;
    app.create_user("alice").await;
    for _ in 0..4 {
        app.login("alice").await;
    }
}

/// Logs in and returns the Set-Cookie header and the cookie's `name=value`.
async fn session_cookie(app: &TestApp) -> (String, String) {
    let response = post_login(app, &browser_client(), PASSWORD).await;
    assert_eq!(response.status(), 303);
    let header = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let pair = header.split(';').next().expect("name=value").to_owned();
    (header, pair)
}

async fn dashboard_status(app: &TestApp, cookie: &str) -> u16 {
    browser_client()
        .get(app.url("/dashboard"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("page")
        .status()
        .as_u16()
}

/// Over HTTPS the cookie carries the `__Host-` prefix, so a sibling subdomain or a plain
/// HTTP page cannot plant one; the companion reads the cookie under the name it sets.
#[tokio::test]
async fn the_session_cookie_is_host_prefixed_over_https() {
    let app = TestApp::spawn_with(|c| c.public_url = "https://localhost:8443".into()).await;
    app.create_user("alice").await;
    let (header, pair) = session_cookie(&app).await;
    assert!(pair.starts_with("__Host-autoresume_session="), "{header}");
    assert!(
        header.contains("; Secure") && header.contains("Path=/"),
        "{header}"
    );
    assert!(!header.contains("Domain="), "{header}");
    assert_eq!(dashboard_status(&app, &pair).await, 200);
    let unprefixed = pair.trim_start_matches("__Host-");
    assert_eq!(
        dashboard_status(&app, unprefixed).await,
        303,
        "the unprefixed name is not read over https"
    );

    let plain = TestApp::spawn().await;
    plain.create_user("alice").await;
    let (header, pair) = session_cookie(&plain).await;
    assert!(pair.starts_with("autoresume_session="), "{header}");
    assert!(!header.contains("Secure"), "{header}");
    assert_eq!(dashboard_status(&plain, &pair).await, 200);
}
