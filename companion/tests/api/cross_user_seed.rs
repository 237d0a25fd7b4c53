//! User A's data in every kind of row, for the cross-user walks, and the check that it is
//! as it was.

use reqwest::Method;
use shared::api::PairResponse;

use crate::helpers::TestApp;

/// A's data in every kind of row B might reach.
pub struct Alice {
    pub user: shared::api::UserInfo,
    pub device: PairResponse,
    pub client: reqwest::Client,
    pub envelope: String,
    pub key_id: String,
    pub job: i64,
    pub profile: crate::profile::CrossUserProfile,
    pub caller: crate::approvals::Caller,
    pub request: serde_json::Value,
    /// A screenshot of A's request's run.
    pub artifact: i64,
    pub application: serde_json::Value,
    pub intake: crate::intake_cross_user::IntakeSeed,
    pub mail: serde_json::Value,
}

pub async fn seed_alice(app: &TestApp) -> Alice {
    let alice_user = app.create_user("alice").await;
    let alice = app.pair(alice_user.id, "Alice's Chrome").await;
    app.state
        .bus
        .emit(
            alice_user.id,
            "test.ping",
            serde_json::json!({"message": "for alice only"}),
        )
        .await
        .expect("emit");
    let alice_client = app.device_client(&alice.token);
    let alice_envelope =
        crate::vault::seal_for(app, &alice_client, alice_user.id, "li_at=alice-session").await;
    let stored = alice_client
        .put(app.url("/api/v1/credentials/linkedin"))
        .json(&serde_json::json!({"envelope": alice_envelope}))
        .send()
        .await
        .expect("store");
    assert_eq!(stored.status(), 200);
    let alice_key: serde_json::Value = alice_client
        .get(app.url("/api/v1/vault/public-key"))
        .send()
        .await
        .expect("key")
        .json()
        .await
        .expect("json");
    let alice_key_id = alice_key["keyId"].as_str().expect("key id").to_owned();
    let alice_job = crate::jobs_api::enqueue(app, alice_user.id, "noop").await;
    let paused = alice_client
        .put(app.url("/api/v1/agent"))
        .json(
            &serde_json::json!({"paused": true, "limits": [{"platform": "workday", "perHour": 3}]}),
        )
        .send()
        .await
        .expect("pause");
    assert_eq!(paused.status(), 200);
    let alice_profile = crate::profile::fill_for_cross_user(app, &alice_client).await;
    let alice_caller = crate::approvals::Caller {
        client: alice_client.clone(),
        base: app.base.clone(),
    };
    let alice_request = alice_caller
        .propose(
            "https://jobs.example.com/alice",
            "Alice Corp",
            "Alice's job",
        )
        .await["id"]
        .clone();
    let (_, alice_application) = alice_caller
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(serde_json::json!({"company": "Alice Corp", "title": "Alice's job", "jobUrl": "https://jobs.example.com/alice"})),
        )
        .await;
    let alice_intake = crate::intake_cross_user::seed_for_cross_user(app, &alice_client).await;
    let alice_mail = alice_client
        .post(app.url("/api/v1/mail"))
        .header("content-type", "message/rfc822")
        .body("Message-ID: <alice-1@example.com>\r\nSubject: Lunch at Alice Corp\r\n\r\nSee you at noon.\r\n")
        .send()
        .await
        .expect("mail")
        .json::<serde_json::Value>()
        .await
        .expect("json")["id"]
        .clone();
    companion::mail::credentials::rotate(&app.state, alice_user.id)
        .await
        .expect("inbound address");
    let alice_artifact =
        crate::apply_job::seed_artifact(app, alice_user.id, &alice_request, alice_job).await;
    Alice {
        user: alice_user,
        device: alice,
        client: alice_client,
        envelope: alice_envelope,
        key_id: alice_key_id,
        job: alice_job,
        profile: alice_profile,
        caller: alice_caller,
        request: alice_request,
        artifact: alice_artifact,
        application: alice_application,
        intake: alice_intake,
        mail: alice_mail,
    }
}

/// Whatever B sent, A's data is as `seed_alice` left it.
pub async fn assert_alice_untouched(app: &TestApp, seeded: &Alice) {
    let Alice {
        user: alice_user,
        device: alice,
        client: alice_client,
        profile: alice_profile,
        caller: alice_caller,
        request: alice_request,
        application: alice_application,
        intake: alice_intake,
        ..
    } = seeded;
    let still_active =
        companion::store::devices::get(&app.state.store, alice_user.id, &alice.device.id)
            .await
            .expect("query")
            .expect("A's device exists");
    assert!(still_active.revoked_at.is_none(), "B revoked A's device");
    let alice_agent = companion::store::agent::pause_state(&app.state.store, alice_user.id)
        .await
        .expect("query");
    assert!(alice_agent.paused, "B's writes resumed A's agent");
    assert_eq!(
        companion::store::agent::limits(&app.state.store, alice_user.id)
            .await
            .expect("query")
            .len(),
        1,
        "B's writes replaced A's limits"
    );
    let jar = app
        .state
        .vault
        .open_stored(alice_user.id, "linkedin")
        .await
        .expect("A's jar is intact");
    assert_eq!(jar.cookies[0].value.expose_secret(), "alice-session");
    crate::profile::assert_intact(app, alice_client, alice_profile).await;
    assert_eq!(
        crate::mail_inbound::stored(app, alice_user.id).await,
        1,
        "B's posts reached A's mail"
    );
    let (_, request) = alice_caller
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{alice_request}"),
            None,
        )
        .await;
    assert_eq!(request["state"], "pending", "B changed A's request");
    assert_eq!(request["version"], 1);
    let (_, application) = alice_caller
        .call(
            Method::GET,
            &format!("/api/v1/applications/{}", alice_application["id"]),
            None,
        )
        .await;
    assert_eq!(
        application["status"], "applied",
        "B changed A's application"
    );
    crate::intake_cross_user::assert_untouched(app, alice_client, alice_intake).await;
}
