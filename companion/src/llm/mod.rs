//! The one client for any OpenAI-compatible chat-completions endpoint (async-openai), used
//! by every capability that asks a model. It decides which endpoint a user's calls go to (the
//! model set in their intake settings) and dials it only where the fetch rules allow.

use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs,
};
use serde::Deserialize;
use shared::api::ModelEndpoint;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store;

/// The part of the stored intake settings this module reads; the rest belongs to intake.
#[derive(Deserialize)]
struct StoredSettings {
    #[serde(default)]
    model: ModelEndpoint,
}

/// A model ready to ask.
pub struct Model {
    client: Client<OpenAIConfig>,
    model: String,
}

impl Model {
    /// The model the user set, or None when they set none.
    pub async fn for_user(state: &AppState, user_id: i64) -> Result<Option<Model>> {
        let endpoint = match store::intake_settings::get(&state.store, user_id).await? {
            Some(stored) => {
                serde_json::from_str::<StoredSettings>(&stored)
                    .map_err(|e| Error::Internal(format!("stored intake settings: {e}")))?
                    .model
            }
            None => ModelEndpoint::default(),
        };
        if endpoint.base_url.is_empty() || endpoint.model.is_empty() {
            return Ok(None);
        }
        let client = client(state, &endpoint.base_url)
            .await
            .map_err(Error::BadRequest)?;
        Ok(Some(Model {
            client,
            model: endpoint.model,
        }))
    }

    /// One chat completion: the system prompt, then the user's message; the reply's text.
    /// Errors are messages a person can act on (they are shown on the card).
    pub async fn chat(&self, system: &str, user: &str) -> Result<String, String> {
        let messages = vec![
            ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage::from(system)),
            ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage::from(user)),
        ];
        let request = CreateChatCompletionRequestArgs::default()
            .model(&self.model)
            .messages(messages)
            .temperature(0.3)
            .build()
            .map_err(|e| format!("the model request: {e}"))?;
        let response = self
            .client
            .chat()
            .create(request)
            .await
            .map_err(|e| format!("the model at the configured endpoint failed: {e}"))?;
        Ok(response
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.message.content)
            .unwrap_or_default())
    }
}

/// A client for the endpoint, dialling only addresses the fetch rules allow (checked here and
/// pinned, so a later DNS answer cannot differ) and following no redirects.
async fn client(state: &AppState, base_url: &str) -> Result<Client<OpenAIConfig>, String> {
    let config = &state.config;
    let url = crate::fetch::check_url(base_url, &config.fetch_allow_hosts)
        .map_err(|e| format!("the model endpoint: {e}"))?;
    let addrs = crate::fetch::checked_addrs(&url, &config.fetch_allow_hosts)
        .await
        .map_err(|e| format!("the model endpoint: {e}"))?;
    let timeout = Duration::from_secs(config.model_timeout_secs);
    let mut http = openai_http::Client::builder()
        .redirect(openai_http::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout);
    if let Some(host) = url.host_str() {
        http = http.resolve_to_addrs(host, &addrs);
    }
    let http = http
        .build()
        .map_err(|e| format!("the model's http client: {e}"))?;
    let openai = OpenAIConfig::new()
        .with_api_base(url.as_str().trim_end_matches('/'))
        .with_api_key(config.model_api_key.as_str());
    Ok(Client::with_config(openai).with_http_client(http))
}
