//! The requests page in real headless Chromium: a card open in the dashboard turns into the
//! planned form live when the plan job stores it (static/agent-requests.js under the strict
//! CSP), and a screenshot of it is left in the test target folder to look at. Chromium is
//! started as the companion starts it (`companion::browser`: sandboxed, behind an egress proxy
//! that lets it reach the test server only).

use std::time::Duration;

use chromiumoxide::page::{Page, ScreenshotParams};
use companion::browser::{self, Network, Options};
use companion::fetch::proxy::EgressProxy;

use crate::form_site::{Drafting, greenhouse_with_model, worker};
use crate::helpers::PASSWORD;

/// Evaluates `expression` until it is true; fails after ten seconds.
async fn until(tab: &Page, what: &str, expression: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let holds = tab
            .evaluate(expression)
            .await
            .ok()
            .and_then(|result| result.into_value::<bool>().ok())
            .unwrap_or(false);
        if holds {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            let page = tab
                .evaluate("location.href + ' ' + document.body.innerText.slice(0, 300)")
                .await
                .ok()
                .and_then(|result| result.into_value::<String>().ok());
            panic!("timed out: {what}; the page: {page:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_open_card_turns_into_the_planned_form_live() {
    let Some(Drafting { app, id, .. }) = greenhouse_with_model().await else {
        return;
    };

    let allowed = vec![app.addr.to_string()];
    let proxy = EgressProxy::start(allowed).await.expect("proxy");
    let options = Options {
        network: Network::Through(&proxy),
        scripts: true,
        trusted_spki: &[],
    };
    let session = browser::launch(options).await.expect("chromium starts");
    let tab = session.tab().await.expect("a tab");
    tab.goto(app.url("/login")).await.expect("login page");
    tab.evaluate(format!(
        "document.querySelector('input[name=username]').value = 'alice';
         document.querySelector('input[name=password]').value = {};
         document.querySelector('form[action=\"/login\"]').requestSubmit();",
        serde_json::to_string(PASSWORD).expect("json")
    ))
    .await
    .expect("log in");
    until(&tab, "logged in", "location.pathname === '/dashboard'").await;
    tab.goto(app.url("/dashboard/agent-requests"))
        .await
        .expect("requests page");
    until(
        &tab,
        "the page is live",
        "document.getElementById('live-status').dataset.state === 'live'",
    )
    .await;
    let card = format!("#requests li.request[data-id='{id}']");
    until(
        &tab,
        "the unplanned card",
        &format!(
            "!!document.querySelector(\"{card}\") && !document.querySelector(\"{card} table.plan\")"
        ),
    )
    .await;

    assert!(worker(&app).run_once().await.expect("run"));
    until(
        &tab,
        "the card shows the planned form",
        &format!("document.querySelectorAll(\"{card} table.plan tbody tr\").length === 20"),
    )
    .await;
    until(
        &tab,
        "sources, drafts and unknown required fields are on the card",
        &format!(
            "(() => {{ const c = document.querySelector(\"{card}\"); const t = c.textContent;
               return t.includes('resume · basics.email') && t.includes('2 required unknown')
                 && t.includes('2 drafts to approve') && c.querySelectorAll('tr.draft').length === 2
                 && c.querySelector('a.edit').textContent === 'Review drafts'; }})()"
        ),
    )
    .await;
    tab.evaluate(format!(
        "document.querySelector(\"{card} details.planned\").open = true"
    ))
    .await
    .expect("open the list");
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("agent-request-cards.png");
    tab.save_screenshot(ScreenshotParams::builder().full_page(true).build(), &shot)
        .await
        .expect("screenshot");
    session.close().await;
}
