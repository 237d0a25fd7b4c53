//! Configuration: defaults, then `companion.toml`, then `COMPANION_*` environment variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};

/// Every key is documented in README.md ("Configuration") and `companion.example.toml`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on. `COMPANION_BIND`.
    pub bind: SocketAddr,
    /// Folder for the SQLite database and other local state. `COMPANION_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; empty means `sqlite://<data_dir>/companion.db`.
    /// `COMPANION_DATABASE_URL`.
    pub database_url: String,
    /// The address people and the extension use, for printed links. Empty means
    /// `http://<bind>`. `COMPANION_PUBLIC_URL`.
    pub public_url: String,
    /// Host names the server answers to (DNS-rebinding protection). The public URL's host
    /// is always added. `COMPANION_ALLOWED_HOSTS` (comma-separated).
    #[serde(deserialize_with = "list_or_csv")]
    pub allowed_hosts: Vec<String>,
    /// Log filter, e.g. `info` or `companion=debug,tower_http=debug`. `COMPANION_LOG`.
    pub log: String,
    /// Largest request body accepted, in bytes. `COMPANION_MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// How long a dashboard login lasts. `COMPANION_SESSION_TTL_HOURS`.
    pub session_ttl_hours: u64,
    /// Failed logins or pairings allowed per client address per minute.
    /// `COMPANION_AUTH_ATTEMPTS_PER_MINUTE`.
    pub auth_attempts_per_minute: u32,
    /// Seconds between SSE keep-alive comments. `COMPANION_SSE_KEEPALIVE_SECS`.
    pub sse_keepalive_secs: u64,
    /// The vault master key itself (base64url, 32 bytes). Empty: read `master_key_file`.
    /// `COMPANION_MASTER_KEY`.
    pub master_key: String,
    /// File holding the master key; created on first start while the database holds no
    /// wrapped key. Empty: `$XDG_CONFIG_HOME/autoresume/master.key` (or
    /// `~/.config/autoresume/master.key`), outside the data folder. `COMPANION_MASTER_KEY_FILE`.
    pub master_key_file: String,
    /// The extension's built WASM core (`scripts/build-extension` output), served to the
    /// dashboard so it seals pasted cookies in the browser. `COMPANION_WASM_DIR`.
    pub wasm_dir: PathBuf,
    /// How long a claimed job stays owned without a heartbeat; a worker that dies mid-job
    /// has its job taken over after this. `COMPANION_JOB_LEASE_SECS`.
    pub job_lease_secs: u64,
    /// Job workers `companion serve` runs beside the server; 0 leaves the jobs to
    /// `companion worker` processes. `COMPANION_WORKERS`.
    pub workers: u32,
    /// Jobs each worker runs at once. `COMPANION_JOB_CONCURRENCY`.
    pub job_concurrency: usize,
    /// Jobs each worker claims ahead of those it runs, into a local queue: faster for many
    /// short jobs, unfair for long ones (they wait there instead of on another worker).
    /// `COMPANION_JOB_PREFETCH`.
    pub job_prefetch: usize,
    /// Applies (jobs for a job site) a user may have running at once on one platform,
    /// unless the user set their own limit. `COMPANION_APPLY_MAX_CONCURRENT_PER_PLATFORM`.
    pub apply_max_concurrent_per_platform: u32,
    /// Applies a user's agent may start per platform in an hour, unless the user set their
    /// own limit. `COMPANION_APPLY_PER_HOUR_PER_PLATFORM`.
    pub apply_per_hour_per_platform: u32,
    /// Largest resume PDF accepted, in bytes; its upload routes alone may exceed
    /// `max_body_bytes`. `COMPANION_RESUME_PDF_MAX_BYTES`.
    pub resume_pdf_max_bytes: usize,
    /// When watched job boards are polled (cron, UTC). `COMPANION_BOARD_POLL_CRON`.
    pub board_poll_cron: String,
    /// Days after which a request nobody approved expires. `COMPANION_REQUEST_EXPIRY_DAYS`.
    pub request_expiry_days: u32,
    /// Days an apply run's screenshots, step log and final URL are kept.
    /// `COMPANION_ARTIFACT_RETENTION_DAYS`.
    pub artifact_retention_days: u32,
    /// `host:port` entries the fetcher may reach although they resolve to a private or
    /// loopback address (a self-hosted board, a test server); a bare host means ports 80 and
    /// 443 only. Empty by default.
    /// `COMPANION_FETCH_ALLOW_HOSTS` (comma-separated).
    #[serde(deserialize_with = "list_or_csv")]
    pub fetch_allow_hosts: Vec<String>,
    /// Seconds before a fetch of a job page or board gives up. `COMPANION_FETCH_TIMEOUT_SECS`.
    pub fetch_timeout_secs: u64,
    /// Largest page or board answer read, in bytes. `COMPANION_FETCH_MAX_BYTES`.
    pub fetch_max_bytes: usize,
    /// `host:port=ip:port` entries, like curl's `--resolve`: the fetcher and the headless
    /// browser's egress proxy dial that address for that host and port. The address still
    /// passes the fetch rules (`fetch_allow_hosts` for a private one). For tests and
    /// split-horizon networks. `COMPANION_RESOLVE` (comma-separated).
    #[serde(deserialize_with = "list_or_csv")]
    pub resolve: Vec<String>,
    /// A PEM file of extra CA certificates the fetcher and the headless browser trust, besides
    /// the system's; empty for none. `COMPANION_TRUST_CA_FILE`.
    pub trust_ca_file: String,
    /// Seconds one headless apply may take before it stops. `COMPANION_APPLY_TIMEOUT_SECS`.
    pub apply_timeout_secs: u64,
    /// Greenhouse job-board API base. `COMPANION_GREENHOUSE_API_URL`.
    pub greenhouse_api_url: String,
    /// Lever postings API base. `COMPANION_LEVER_API_URL`.
    pub lever_api_url: String,
    /// Ashby job-board API base. `COMPANION_ASHBY_API_URL`.
    pub ashby_api_url: String,
    /// A TOML file of mail classification rules that extends the built-in ones (same shape
    /// as shared/src/mail/rules.toml). Empty: the built-in rules only.
    /// `COMPANION_MAIL_RULES_PATH`.
    pub mail_rules_path: String,
    /// The companion's own OpenAI-compatible endpoint, used for users who set none of their
    /// own; empty: those users have no model. `COMPANION_MODEL_BASE_URL`.
    pub model_base_url: String,
    /// The model asked at `model_base_url` when a user names none. `COMPANION_MODEL_NAME`.
    pub model_name: String,
    /// API key sent to `model_base_url` and nowhere else (a user's own endpoint gets the key
    /// they set); empty for a local model that wants none. Never shown to users or put in a
    /// prompt. `COMPANION_MODEL_API_KEY`.
    pub model_api_key: String,
    /// Seconds before a model call gives up. `COMPANION_MODEL_TIMEOUT_SECS`.
    pub model_timeout_secs: u64,
    /// Largest message accepted from an inbound webhook or an upload, in bytes; those routes
    /// alone may exceed `max_body_bytes`. `COMPANION_MAIL_MAX_BYTES`.
    pub mail_max_bytes: usize,
    /// Seconds a mail body may go without a byte before it is dropped with 408, so a stalled
    /// sender does not keep one of the few large-body slots; the whole body gets ten times
    /// this. `COMPANION_MAIL_READ_TIMEOUT_SECS`.
    pub mail_read_timeout_secs: u64,
    /// How far a Mailgun signature's timestamp may be from now, in seconds; older posts are
    /// refused as replays. `COMPANION_MAILGUN_TIMESTAMP_WINDOW_SECS`.
    pub mailgun_timestamp_window_secs: u64,
    /// The bearer token Prometheus sends to scrape `/metrics`; empty: `/metrics` answers 404.
    /// `COMPANION_METRICS_TOKEN`.
    pub metrics_token: String,
    /// The offline TeX bundle resumes are compiled with (a zip that `scripts/tex-bundle`
    /// assembles). Empty: `$XDG_CACHE_HOME/autoresume/tex/bundle.zip` (or under `~/.cache`).
    /// `COMPANION_TEX_BUNDLE`.
    pub tex_bundle: String,
    /// Seconds one resume compile may take before its TeX worker is killed.
    /// `COMPANION_TEX_TIMEOUT_SECS`.
    pub tex_timeout_secs: u64,
}

impl std::fmt::Debug for Config {
    // The database URL may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_kind())
            .field("public_url", &self.public_url)
            .field("allowed_hosts", &self.allowed_hosts)
            .field(
                "master_key",
                &if self.master_key.is_empty() {
                    "from file"
                } else {
                    "****"
                },
            )
            .field("master_key_file", &self.master_key_file)
            .field(
                "metrics_token",
                &if self.metrics_token.is_empty() {
                    "none"
                } else {
                    "****"
                },
            )
            .finish_non_exhaustive()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8787)),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            public_url: String::new(),
            allowed_hosts: vec!["127.0.0.1".into(), "localhost".into(), "[::1]".into()],
            log: "info".into(),
            max_body_bytes: 1024 * 1024,
            session_ttl_hours: 24 * 7,
            auth_attempts_per_minute: 10,
            sse_keepalive_secs: 15,
            master_key: String::new(),
            master_key_file: String::new(),
            wasm_dir: PathBuf::from("dist/chrome/pkg"),
            job_lease_secs: 30,
            workers: 2,
            job_concurrency: 1,
            job_prefetch: 0,
            apply_max_concurrent_per_platform: ApplyLimits::DEFAULT_MAX_CONCURRENT,
            apply_per_hour_per_platform: ApplyLimits::DEFAULT_PER_HOUR,
            resume_pdf_max_bytes: 5 * 1024 * 1024,
            board_poll_cron: "17 */4 * * *".into(),
            request_expiry_days: 14,
            artifact_retention_days: 30,
            fetch_allow_hosts: Vec::new(),
            fetch_timeout_secs: 15,
            fetch_max_bytes: 5 * 1024 * 1024,
            resolve: Vec::new(),
            trust_ca_file: String::new(),
            apply_timeout_secs: 180,
            greenhouse_api_url: "https://boards-api.greenhouse.io".into(),
            lever_api_url: "https://api.lever.co".into(),
            ashby_api_url: "https://api.ashbyhq.com".into(),
            mail_rules_path: String::new(),
            model_base_url: String::new(),
            model_name: String::new(),
            model_api_key: String::new(),
            model_timeout_secs: 60,
            mail_max_bytes: 25 * 1024 * 1024,
            mail_read_timeout_secs: 30,
            mailgun_timestamp_window_secs: 900,
            metrics_token: String::new(),
            tex_bundle: String::new(),
            tex_timeout_secs: 20,
        }
    }
}

fn list_or_csv<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrCsv {
        List(Vec<String>),
        Csv(String),
    }
    Ok(match ListOrCsv::deserialize(deserializer)? {
        ListOrCsv::List(list) => list,
        ListOrCsv::Csv(csv) => csv
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
    })
}

/// Keys read from `COMPANION_*`; other variables with that prefix (e.g. `COMPANION_CONFIG`)
/// belong to the CLI or the tests.
const ENV_KEYS: [&str; 43] = [
    "bind",
    "data_dir",
    "database_url",
    "public_url",
    "allowed_hosts",
    "log",
    "max_body_bytes",
    "session_ttl_hours",
    "auth_attempts_per_minute",
    "sse_keepalive_secs",
    "master_key",
    "master_key_file",
    "wasm_dir",
    "job_lease_secs",
    "workers",
    "job_concurrency",
    "job_prefetch",
    "apply_max_concurrent_per_platform",
    "apply_per_hour_per_platform",
    "resume_pdf_max_bytes",
    "board_poll_cron",
    "request_expiry_days",
    "artifact_retention_days",
    "fetch_allow_hosts",
    "fetch_timeout_secs",
    "fetch_max_bytes",
    "resolve",
    "trust_ca_file",
    "apply_timeout_secs",
    "greenhouse_api_url",
    "lever_api_url",
    "ashby_api_url",
    "mail_rules_path",
    "model_base_url",
    "model_name",
    "model_api_key",
    "model_timeout_secs",
    "mail_max_bytes",
    "mail_read_timeout_secs",
    "mailgun_timestamp_window_secs",
    "metrics_token",
    "tex_bundle",
    "tex_timeout_secs",
];

impl Config {
    /// Reads the layers. `file` is the TOML path; a missing default file is fine, a missing
    /// file the user named is an error.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(Error::Config(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("companion.toml")),
        }
        let config: Config = figment
            .merge(Env::prefixed("COMPANION_").only(&ENV_KEYS))
            .extract()
            .map_err(|e| Error::Config(e.to_string()))?;
        config.validated()
    }

    /// A companion kept to itself (tests, benchmarks): a free loopback port, its data, key
    /// and, unless a `database_url` is set, SQLite database in `dir`.
    pub fn scratch(dir: &Path) -> Config {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: dir.to_owned(),
            master_key_file: dir.join("master.key").display().to_string(),
            ..Config::default()
        }
    }

    /// Fills in derived defaults and checks values; `load` calls it, tests building a
    /// `Config` by hand call it too.
    pub fn validated(mut self) -> Result<Config> {
        if self.database_url.is_empty() {
            self.database_url = format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("companion.db").display()
            );
        }
        if self.public_url.is_empty() {
            self.public_url = format!("http://{}", self.bind);
        }
        let public = url::Url::parse(&self.public_url)
            .map_err(|e| Error::Config(format!("public_url {:?}: {e}", self.public_url)))?;
        if let Some(host) = public.host_str() {
            let host = host.to_ascii_lowercase();
            if !self
                .allowed_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&host))
            {
                self.allowed_hosts.push(host);
            }
        }
        if self.master_key_file.is_empty() {
            self.master_key_file = default_key_file().display().to_string();
        }
        if self.tex_bundle.is_empty() {
            self.tex_bundle = default_tex_bundle().display().to_string();
        }
        for (name, value) in [
            ("job_lease_secs", self.job_lease_secs),
            ("job_concurrency", self.job_concurrency as u64),
            ("fetch_timeout_secs", self.fetch_timeout_secs),
            ("model_timeout_secs", self.model_timeout_secs),
            ("mail_read_timeout_secs", self.mail_read_timeout_secs),
            ("apply_timeout_secs", self.apply_timeout_secs),
            ("tex_timeout_secs", self.tex_timeout_secs),
        ] {
            if value == 0 {
                return Err(Error::Config(format!("{name} must be at least 1")));
            }
        }
        if self.apply_max_concurrent_per_platform > 1 {
            return Err(Error::Config(
                "apply_max_concurrent_per_platform is at most 1: one apply per account at a time"
                    .into(),
            ));
        }
        if !self.model_base_url.is_empty()
            && !url::Url::parse(&self.model_base_url)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
        {
            return Err(Error::Config(format!(
                "model_base_url {:?} is not an http(s) URL",
                self.model_base_url
            )));
        }
        for base in [
            &self.greenhouse_api_url,
            &self.lever_api_url,
            &self.ashby_api_url,
        ] {
            url::Url::parse(base).map_err(|e| Error::Config(format!("{base:?}: {e}")))?;
        }
        for entry in &self.resolve {
            crate::fetch::trust::Override::parse(entry)?;
        }
        if !self.trust_ca_file.is_empty() {
            crate::fetch::trust::read_certificates(&self.trust_ca_file)?;
        }
        if self.max_body_bytes < 1024 {
            return Err(Error::Config("max_body_bytes must be at least 1024".into()));
        }
        if self.resume_pdf_max_bytes < 1024 {
            return Err(Error::Config(
                "resume_pdf_max_bytes must be at least 1024".into(),
            ));
        }
        Ok(self)
    }

    /// The apply limits where a user set none.
    pub fn apply_limits(&self) -> ApplyLimits {
        ApplyLimits {
            max_concurrent: self.apply_max_concurrent_per_platform.into(),
            per_hour: self.apply_per_hour_per_platform.into(),
        }
    }

    /// What the fetcher may reach, how long it waits and how much it reads.
    pub fn fetch_policy(&self) -> crate::fetch::FetchPolicy {
        crate::fetch::FetchPolicy {
            allow_hosts: self.fetch_allow_hosts.clone(),
            timeout: std::time::Duration::from_secs(self.fetch_timeout_secs),
            max_bytes: self.fetch_max_bytes,
            // `validated` refused entries that do not parse.
            resolve: self
                .resolve
                .iter()
                .filter_map(|entry| crate::fetch::trust::Override::parse(entry).ok())
                .collect(),
            trust_ca_file: self.trust_ca_file.clone(),
        }
    }

    /// The public URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// Whether cookies must carry `Secure` (the dashboard is served over https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn master_key_source(&self) -> MasterKeySource<'_> {
        if self.master_key.is_empty() {
            MasterKeySource::File(Path::new(&self.master_key_file))
        } else {
            MasterKeySource::Value(&self.master_key)
        }
    }

    pub fn database_kind(&self) -> &'static str {
        if self.database_url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// A copy whose public URL follows the port actually bound (tests bind port 0).
    pub fn with_bound_addr(&self, addr: SocketAddr) -> Config {
        let mut config = self.clone();
        if config.public_url == format!("http://{}", config.bind) {
            config.public_url = format!("http://{addr}");
        }
        config.bind = addr;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_in_database_and_public_url() {
        let config = Config::default().validated().expect("valid");
        assert_eq!(config.database_url, "sqlite://data/companion.db?mode=rwc");
        assert_eq!(config.base_url(), "http://127.0.0.1:8787");
        assert_eq!(config.database_kind(), "sqlite");
    }

    #[test]
    fn public_url_host_is_allowed() {
        let config = Config {
            public_url: "https://jobs.example.org/".into(),
            ..Config::default()
        }
        .validated()
        .expect("valid");
        assert!(
            config
                .allowed_hosts
                .contains(&"jobs.example.org".to_owned())
        );
        assert!(config.secure_cookies());
        assert_eq!(config.base_url(), "https://jobs.example.org");
    }

    #[test]
    fn a_zero_job_lease_is_refused() {
        let config = Config {
            job_lease_secs: 0,
            ..Config::default()
        };
        assert!(config.validated().is_err());
    }

    #[test]
    fn two_applies_at_once_on_one_account_are_refused() {
        let config = |n| Config {
            apply_max_concurrent_per_platform: n,
            ..Config::default()
        };
        assert!(config(1).validated().is_ok());
        let error = config(2).validated().expect_err("2 at once");
        assert!(error.to_string().contains("at most 1"), "{error}");
    }

    #[test]
    fn debug_hides_database_url_and_master_key() {
        let config = Config {
            database_url: "postgres://u:secret@db/x".into(),
            master_key: "masterkeymaterial".into(),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("secret"));
        assert!(!format!("{config:?}").contains("masterkeymaterial"));
    }
}

/// How many applies a user may have running at once on one platform, and start per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplyLimits {
    pub max_concurrent: i64,
    pub per_hour: i64,
}

impl ApplyLimits {
    pub const DEFAULT_MAX_CONCURRENT: u32 = 1;
    pub const DEFAULT_PER_HOUR: u32 = 10;
}

impl Default for ApplyLimits {
    fn default() -> Self {
        ApplyLimits {
            max_concurrent: Self::DEFAULT_MAX_CONCURRENT.into(),
            per_hour: Self::DEFAULT_PER_HOUR.into(),
        }
    }
}

/// Where the key comes from, as configured.
pub enum MasterKeySource<'a> {
    Value(&'a str),
    File(&'a Path),
}

/// Where the TeX format made from the bundle is kept (made on the first compile, 31 MB).
impl Config {
    pub fn tex_format_dir(&self) -> PathBuf {
        self.data_dir.join("tex-format")
    }
}

/// `$XDG_CACHE_HOME/autoresume/tex/bundle.zip`, else `~/.cache/autoresume/tex/bundle.zip`:
/// where `scripts/tex-bundle` writes it.
pub fn default_tex_bundle() -> PathBuf {
    let cache_home = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."));
    cache_home.join("autoresume").join("tex").join("bundle.zip")
}

/// `$XDG_CONFIG_HOME/autoresume/master.key`, else `~/.config/autoresume/master.key`: outside
/// the data folder, so backups of one do not carry the other.
pub fn default_key_file() -> PathBuf {
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    config_home.join("autoresume").join("master.key")
}
