//! The model's rewording of a tailored resume, against a fake OpenAI-compatible model set as
//! the user's endpoint: an honest answer comes back as a diff; an answer that invents an
//! employer or a number is refused by the validator, which names the claim.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::post;
use companion::error::Error;
use companion::resume::reword::{Rewording, propose};
use serde_json::{Value, json};
use shared::resume::{BulletId, Posting, Resume, Tailored};

use crate::form_site::{self, Alice};
use crate::helpers::TestApp;

/// A model that answers every question with `answer` and keeps what it was sent.
#[derive(Clone, Default)]
struct Model {
    answer: Arc<Mutex<String>>,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl Model {
    fn answers(&self, text: &str) {
        *self.answer.lock().expect("answer") = text.to_owned();
    }

    /// The user message of every request.
    fn prompts(&self) -> Vec<String> {
        let requests = self.requests.lock().expect("requests");
        let user = |request: &Value| {
            request["messages"][1]["content"]
                .as_str()
                .map(str::to_owned)
        };
        requests.iter().filter_map(user).collect()
    }
}

async fn reply(State(model): State<Model>, Json(request): Json<Value>) -> Json<Value> {
    model.requests.lock().expect("requests").push(request);
    let answer = model.answer.lock().expect("answer").clone();
    Json(form_site::completion(&answer))
}

async fn start_model() -> (SocketAddr, Model) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let model = Model::default();
    let router = Router::new()
        .route("/v1/chat/completions", post(reply))
        .with_state(model.clone());
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("model serves");
    });
    (addr, model)
}

fn profile() -> Resume {
    Resume::from_value(&json!({
        "basics": {"name": "Ada Lovelace", "email": "ada@example.org", "phone": "+1 415 555 0100",
                   "location": {"address": "12 Analytical Way", "city": "London"}},
        "work": [
            {"name": "Acme", "position": "Backend Engineer", "startDate": "2021-03", "highlights": [
                "Organised the office party",
                "Cut AWS costs by 30% in 2023",
                "Wrote the billing service in Rust, handling 2M invoices a month",
            ]},
            {"name": "Initech", "position": "Developer", "startDate": "2017-01",
             "endDate": "2021-02", "highlights": ["Kept the Perl reports running"]},
        ],
        "skills": [{"name": "Languages", "keywords": ["Rust", "Perl"]}],
    }))
    .expect("a resume")
}

fn posting() -> Posting {
    serde_json::from_value(json!({
        "title": "Senior Rust Engineer",
        "company": "Globex",
        "description": "Globex bills 10M customers with Rust services on AWS.",
        "qualifications": ["Rust", "cost control"],
    }))
    .expect("a posting")
}

struct Setup {
    app: TestApp,
    model: Model,
    user_id: i64,
    profile: Resume,
    tailored: Resume,
}

impl Setup {
    async fn new() -> Setup {
        let (addr, model) = start_model().await;
        let app = form_site::serve_app(addr).await;
        let user = app.create_user("ada").await;
        let token = app.pair(user.id, "Chrome").await.token;
        let ada = Alice {
            client: app.device_client(&token),
            token,
        };
        form_site::use_model(&app, &ada, addr).await;
        let profile = profile();
        let tailored = Tailored::new(&profile, Some(&posting())).into_resume();
        Setup {
            app,
            model,
            user_id: user.id,
            profile,
            tailored,
        }
    }

    /// The id of a bullet of the tailored resume.
    fn id(&self, text: &str) -> BulletId {
        let bullets = self.tailored.bullets();
        let found = bullets.iter().find(|(_, bullet)| *bullet == text);
        found.map(|(id, _)| *id).expect("a bullet")
    }

    async fn propose(&self, answer: &str) -> Result<Vec<Rewording>, Error> {
        self.model.answers(answer);
        let state = &self.app.state;
        propose(
            state,
            self.user_id,
            &self.profile,
            &self.tailored,
            &posting(),
        )
        .await
    }
}

#[tokio::test]
async fn an_honest_rewording_comes_back_as_a_diff_and_the_prompt_holds_no_contact_details() {
    let setup = Setup::new().await;
    let billing = "Wrote the billing service in Rust, handling 2M invoices a month";
    let costs = "Cut AWS costs by 30% in 2023";
    let answer = json!({
        setup.id(billing).to_string(): "Built Acme's billing service in Rust for 2 million invoices a month",
        setup.id(costs).to_string(): costs,
    });
    let diff = setup
        .propose(&format!("```json\n{answer}\n```"))
        .await
        .expect("an honest rewording passes");
    assert_eq!(
        diff,
        [Rewording {
            id: setup.id(billing),
            entry: "Acme".to_owned(),
            original: billing.to_owned(),
            reworded: "Built Acme's billing service in Rust for 2 million invoices a month"
                .to_owned(),
        }]
    );
    // Nothing is applied: the tailored resume is the caller's, unchanged.
    assert!(setup.tailored.bullets().iter().any(|(_, b)| *b == billing));

    let prompts = setup.model.prompts();
    assert_eq!(prompts.len(), 1);
    let prompt = &prompts[0];
    assert!(prompt.contains("Senior Rust Engineer"), "{prompt}");
    for (_, bullet) in setup.tailored.bullets() {
        assert!(prompt.contains(bullet), "{bullet} missing from {prompt}");
    }
    for private in [
        "Ada",
        "ada@example.org",
        "555",
        "Analytical Way",
        "sk-test-model-key",
    ] {
        assert!(!prompt.contains(private), "{private} in {prompt}");
    }
    setup.app.shutdown().await;
}

/// The detail and the listed problems of a refused rewording.
fn refusal(result: Result<Vec<Rewording>, Error>) -> (String, Vec<String>) {
    match result {
        Err(Error::Invalid { detail, errors }) => {
            (detail, errors.into_iter().map(|e| e.message).collect())
        }
        other => panic!("not refused by the validator: {other:?}"),
    }
}

#[tokio::test]
async fn a_model_that_invents_an_employer_or_a_number_is_refused_and_the_claim_named() {
    let setup = Setup::new().await;
    let costs = setup.id("Cut AWS costs by 30% in 2023");
    let perl = setup.id("Kept the Perl reports running");
    let answer = json!({
        costs.to_string(): "Cut AWS costs by 30% in 2023 for Globex",
        perl.to_string(): "Kept the Perl reports running for 10M customers",
    });
    let (detail, problems) = refusal(setup.propose(&answer.to_string()).await);
    assert_eq!(
        problems,
        [
            "the name 'Globex' in a bullet of Acme is neither in that job's entry nor in your skills",
            "'10M' in a bullet of Initech is not in that job's entry",
        ]
    );
    assert!(
        detail.starts_with("the model's rewording has 2 problems"),
        "{detail}"
    );

    // A number moved from another job is as invented as a new one.
    let answer = json!({ perl.to_string(): "Kept the Perl reports running, cutting costs by 30%" });
    let (_, problems) = refusal(setup.propose(&answer.to_string()).await);
    assert_eq!(
        problems,
        ["'30%' in a bullet of Initech is not in that job's entry"]
    );
    setup.app.shutdown().await;
}

#[tokio::test]
async fn an_answer_that_is_not_json_or_no_model_is_a_clear_error() {
    let setup = Setup::new().await;
    let error = setup
        .propose("I would rather not.")
        .await
        .expect_err("no JSON");
    assert!(
        matches!(&error, Error::Upstream(m) if m.contains("not a list of reworded bullets")),
        "{error:?}"
    );
    // A user without a model of their own, on a companion without an operator's model.
    let bob = setup.app.create_user("bob").await;
    let state = &setup.app.state;
    let tailored = &setup.tailored;
    let error = propose(state, bob.id, &setup.profile, tailored, &posting())
        .await
        .expect_err("no model");
    assert!(
        matches!(&error, Error::Unprocessable(m) if m.contains("needs a model")),
        "{error:?}"
    );
    setup.app.shutdown().await;
}
