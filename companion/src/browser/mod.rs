//! Headless Chromium over CDP (chromiumoxide), started the one way the companion starts it:
//! with its sandbox (`sandbox`), in a fresh profile, without the companion's secrets, and with
//! a network that is either none at all or an egress proxy (`crate::fetch::proxy`). Form
//! planning launches it here, as will the headless apply, so that no caller can start a browser
//! that skips the sandbox or reaches the network around the proxy.

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::emulation::SetScriptExecutionDisabledParams;
use chromiumoxide::cdp::browser_protocol::network::CookieParam;
use chromiumoxide::cdp::browser_protocol::storage::SetCookiesParams;
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::error::CdpError;
use chromiumoxide::page::Page;
use futures_util::StreamExt;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::fetch::proxy::EgressProxy;

mod sandbox;

/// What a browser of a run may reach.
pub enum Network<'a> {
    /// Nothing: every host name fails to resolve and every http(s) request goes to a proxy
    /// that is not there, so nothing a page names is ever requested.
    Off,
    /// Only what this proxy lets through.
    Through(&'a EgressProxy),
    /// Nothing by default: each browser context of [`Session::context`] goes out through a
    /// proxy of its own, so that one run's traffic and refusals are that run's.
    PerContext,
}

/// The discard port, where nothing listens: a proxy there refuses every request.
const DEAD_PORT: u16 = 9;

/// How to start a browser.
pub struct Options<'a> {
    pub network: Network<'a>,
    /// Whether pages run their own scripts (in the tabs of [`Session::tab`]).
    pub scripts: bool,
    /// Base64 SHA-256 hashes of the public keys of extra trusted certificates (the
    /// `trust_ca_file` setting), for `--ignore-certificate-errors-spki-list`.
    pub trusted_spki: &'a [String],
}

/// A browser context of its own (no disk, its own cookies and proxy) and its one tab.
pub struct Context {
    pub id: BrowserContextId,
    pub tab: Page,
}

/// A running Chromium. [`Session::close`] ends it; dropping it kills it, and the run's
/// folder (profile and launcher) goes either way.
pub struct Session {
    browser: Browser,
    /// Drives chromiumoxide's CDP connection; nothing answers without it.
    driver: JoinHandle<()>,
    scripts: bool,
    as_user: Option<&'static str>,
    // Last, so that the folder outlives the browser when the fields drop.
    run: sandbox::Launch,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// A CDP failure as the crate's error, saying what the browser was doing.
pub fn cdp_error(what: &str) -> impl Fn(CdpError) -> Error + '_ {
    move |e| Error::Internal(format!("headless Chromium: {what}: {e}"))
}

/// Starts Chromium; a sandbox that cannot start fails the launch with what to do about it.
pub async fn launch(options: Options<'_>) -> Result<Session> {
    let launch = sandbox::prepare()?;
    let mut config = BrowserConfig::builder()
        .chrome_executable(&launch.executable)
        .user_data_dir(&launch.profile)
        .envs(launch.env.iter().cloned())
        .window_size(1280, 900)
        // chromiumoxide adds the dashes: "--flag" here would reach Chromium as "----flag".
        .args([
            "disable-gpu",
            "no-first-run",
            "disable-background-networking",
            "disable-component-update",
            "disable-sync",
        ]);
    match options.network {
        Network::Off => {
            config = config
                .arg(("host-resolver-rules", "MAP * ~NOTFOUND"))
                // Address literals skip the resolver: every request goes to a closed port
                // instead, loopback included.
                .arg(("proxy-server", "http://127.0.0.1:9"))
                .arg(("proxy-bypass-list", "<-loopback>"));
        }
        Network::Through(proxy) => {
            for (flag, value) in proxy.chromium_args() {
                config = config.arg((flag, value.as_str()));
            }
        }
        Network::PerContext => {
            // The default context's proxy is a closed port: only contexts given a proxy
            // reach anything.
            for (flag, value) in crate::fetch::proxy::chromium_args(DEAD_PORT) {
                config = config.arg((flag, value.as_str()));
            }
        }
    }
    if !options.trusted_spki.is_empty() {
        let list = options.trusted_spki.join(",");
        config = config.arg(("ignore-certificate-errors-spki-list", list.as_str()));
    }
    let config = config
        .build()
        .map_err(|e| Error::Internal(format!("headless Chromium: {e}")))?;
    let (browser, mut handler) = Browser::launch(config)
        .await
        .map_err(|e| sandbox::launch_failed(&e, &launch))?;
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });
    Ok(Session {
        browser,
        driver,
        scripts: options.scripts,
        as_user: launch.as_user,
        run: launch,
    })
}

impl Session {
    /// A blank tab, its page scripts already off unless [`Options::scripts`] allowed them, so
    /// that nothing loaded into it afterwards runs before they are.
    pub async fn tab(&self) -> Result<Page> {
        let tab = self
            .browser
            .new_page("about:blank")
            .await
            .map_err(cdp_error("new page"))?;
        if !self.scripts {
            tab.execute(SetScriptExecutionDisabledParams::new(true))
                .await
                .map_err(cdp_error("turning page scripts off"))?;
        }
        Ok(tab)
    }

    /// A fresh off-the-record browser context whose traffic goes through `proxy`, and a blank
    /// tab in it that runs page scripts.
    pub async fn context(&self, proxy: &EgressProxy) -> Result<Context> {
        let create = CreateBrowserContextParams::builder()
            .dispose_on_detach(true)
            .proxy_server(format!("http://127.0.0.1:{}", proxy.port()))
            .proxy_bypass_list("<-loopback>")
            .build();
        let id = self
            .browser
            .create_browser_context(create)
            .await
            .map_err(cdp_error("creating a browser context"))?;
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(id.clone())
            .build()
            .map_err(|e| Error::Internal(format!("headless Chromium: {e}")))?;
        match self.browser.new_page(target).await {
            Ok(tab) => Ok(Context { id, tab }),
            Err(e) => {
                let _ = self.browser.dispose_browser_context(id).await;
                Err(cdp_error("opening a tab")(e))
            }
        }
    }

    /// Sets cookies in a context of [`Session::context`], in memory only.
    pub async fn set_cookies(&self, context: &Context, cookies: Vec<CookieParam>) -> Result<()> {
        if cookies.is_empty() {
            return Ok(());
        }
        let mut params = SetCookiesParams::new(cookies);
        params.browser_context_id = Some(context.id.clone());
        self.browser
            .execute(params)
            .await
            .map_err(cdp_error("setting the cookies"))?;
        Ok(())
    }

    /// Closes the context's tab and drops the context with everything it held.
    pub async fn close_context(&self, context: Context) -> Result<()> {
        let _ = context.tab.close().await;
        self.browser
            .dispose_browser_context(context.id)
            .await
            .map_err(cdp_error("closing a browser context"))
    }

    /// Whether the CDP connection is still up (a crashed or killed Chromium drops it).
    pub fn alive(&self) -> bool {
        !self.driver.is_finished()
    }

    /// The folder of the run (its profile within), which names its processes.
    pub fn run_dir(&self) -> &std::path::Path {
        self.run.dir()
    }

    /// The user Chromium runs as when that is not the companion's (as root), for messages
    /// about files it cannot read.
    pub fn as_user(&self) -> Option<&'static str> {
        self.as_user
    }

    /// Closes Chromium and waits for it to exit.
    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
    }
}
