//! The one client for any OpenAI-compatible chat-completions endpoint (async-openai), used
//! by every capability that asks a model. It alone decides which endpoint and key a user's
//! calls use: the endpoint the user set in their intake settings with the key they set for it
//! (or none), else the operator's `model_base_url` with the operator's `model_api_key`, else
//! no model. The operator's key never goes to a URL a user chose. Endpoints are dialled only
//! where the fetch rules allow.

pub mod keys;

use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs,
};
use serde::Deserialize;
use shared::api::ModelEndpoint;
use zeroize::Zeroizing;

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

/// Where one user's calls go, and with which key.
struct Route {
    base_url: String,
    model: String,
    key: Zeroizing<String>,
}

impl Model {
    /// The model the user's calls go to (see the module's note), or None when there is none.
    pub async fn for_user(state: &AppState, user_id: i64) -> Result<Option<Model>> {
        let Some(route) = route(state, user_id).await? else {
            return Ok(None);
        };
        let client = client(state, &route).await.map_err(Error::BadRequest)?;
        Ok(Some(Model {
            client,
            model: route.model,
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

async fn route(state: &AppState, user_id: i64) -> Result<Option<Route>> {
    let own = match store::intake_settings::get(&state.store, user_id).await? {
        Some(stored) => {
            serde_json::from_str::<StoredSettings>(&stored)
                .map_err(|e| Error::Internal(format!("stored intake settings: {e}")))?
                .model
        }
        None => ModelEndpoint::default(),
    };
    let config = &state.config;
    let route = if !own.base_url.is_empty() {
        let key = keys::get(state, user_id, &own.base_url)
            .await?
            .map(|key| Zeroizing::new(String::from_utf8_lossy(&key).into_owned()))
            .unwrap_or_default();
        Route {
            base_url: own.base_url,
            model: own.model,
            key,
        }
    } else if !config.model_base_url.is_empty() {
        Route {
            base_url: config.model_base_url.clone(),
            model: if own.model.is_empty() {
                config.model_name.clone()
            } else {
                own.model
            },
            key: Zeroizing::new(config.model_api_key.clone()),
        }
    } else {
        return Ok(None);
    };
    Ok(Some(route).filter(|r| !r.model.is_empty()))
}

/// A client for the route's endpoint, dialling only addresses the fetch rules allow (checked
/// here and pinned, so a later DNS answer cannot differ) and following no redirects.
async fn client(state: &AppState, route: &Route) -> Result<Client<OpenAIConfig>, String> {
    let config = &state.config;
    let url = crate::fetch::check_url(&route.base_url, &config.fetch_allow_hosts)
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
        .with_api_key(route.key.as_str());
    Ok(Client::with_config(openai).with_http_client(http))
}
