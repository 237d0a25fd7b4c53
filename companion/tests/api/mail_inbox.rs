//! The Inbox page: webhook addresses shown once after they are made, an upload form, the
//! list with its category filter, and a message view whose body is served in a sandboxed
//! frame with a CSP that loads nothing.

use reqwest::Method;

use crate::helpers::TestApp;
use crate::mail_effects::eml;
use crate::mail_inbound::{captured, classified};

#[tokio::test]
async fn inbox_shows_addresses_once_lists_mail_and_sandboxes_bodies() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    app.create_user("bob").await;
    let browser = app.login("alice").await;

    let page = browser
        .client
        .get(app.url("/dashboard/inbox"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("href=\"/dashboard/inbox\" aria-current=\"page\""),
        "nav link"
    );
    assert!(page.contains("Make webhook addresses"));

    let made = browser
        .write(Method::POST, &app.url("/dashboard/inbox/address"))
        .form(&[("csrf_token", browser.csrf.as_str())])
        .send()
        .await
        .expect("rotate")
        .text()
        .await
        .expect("html");
    let sendgrid = made
        .split("<code>")
        .filter_map(|part| part.split("</code>").next())
        .find(|url| url.ends_with("/sendgrid"))
        .expect("the SendGrid address")
        .to_owned();
    assert!(sendgrid.starts_with(&app.base), "{sendgrid}");
    assert!(made.contains("/mailgun/mime</code>") && made.contains("/postmark</code>"));
    let (content_type, body) = captured(&corpus, "sendgrid-inbound-raw_data.txt");
    let posted = reqwest::Client::new()
        .post(&sendgrid)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("webhook");
    assert_eq!(posted.status(), 200, "the address shown works");
    let again = browser
        .client
        .get(app.url("/dashboard/inbox"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(!again.contains("/sendgrid</code>"), "shown once");

    let key = browser
        .write(Method::POST, &app.url("/dashboard/inbox/mailgun-key"))
        .form(&[("csrf_token", browser.csrf.as_str()), ("key", "foo")])
        .send()
        .await
        .expect("key");
    assert_eq!(key.status(), 303);

    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(eml(&corpus, "035_aiagentjobs.eml"))
            .file_name("screening.eml"),
    );
    let uploaded = browser
        .write(
            Method::POST,
            &app.url(&format!(
                "/dashboard/inbox/upload?csrf_token={}",
                browser.csrf
            )),
        )
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), 303);
    let location = uploaded.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id: i64 = location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("message id");
    let message = classified(&app, alice.id, id).await;
    assert_eq!(message["category"], "interview", "{message}");

    let list = browser
        .client
        .get(app.url("/dashboard/inbox?category=interview"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(list.contains(&format!("data-mail-id=\"{id}\"")), "{list}");
    assert!(list.contains("<span class=\"badge on\" id=\"mailgun-key-state\">set</span>"));
    assert_eq!(list.matches("data-mail-id=").count(), 1, "filtered");

    let view = browser
        .client
        .get(app.url(&location))
        .send()
        .await
        .expect("view");
    let csp = view.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("frame-src 'self'"), "{csp}");
    let view = view.text().await.expect("html");
    assert!(view.contains(&format!("src=\"/dashboard/inbox/{id}/body\" sandbox=\"\"")));

    let frame = browser
        .client
        .get(app.url(&format!("/dashboard/inbox/{id}/body")))
        .send()
        .await
        .expect("body");
    let csp = frame.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(
        csp.contains("default-src 'none'")
            && csp.contains("img-src data:")
            && csp.ends_with("sandbox"),
        "{csp}"
    );
    assert_eq!(frame.headers()["x-frame-options"], "SAMEORIGIN");
    let html = frame.text().await.expect("html");
    assert!(!html.to_lowercase().contains("<script"), "{html}");

    let retried = browser
        .write(
            Method::POST,
            &app.url(&format!("/dashboard/inbox/{id}/classify")),
        )
        .form(&[("csrf_token", browser.csrf.as_str())])
        .send()
        .await
        .expect("classify");
    assert_eq!(retried.status(), 303);

    let bob = app.login("bob").await;
    for path in [location.clone(), format!("/dashboard/inbox/{id}/body")] {
        let response = bob.client.get(app.url(&path)).send().await.expect("bob");
        assert_eq!(response.status(), 404, "{path}");
    }
}
