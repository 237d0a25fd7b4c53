//! Headless Chromium over CDP (chromiumoxide), started the one way the companion starts it:
//! with its sandbox (`sandbox`), in a fresh profile, without the companion's secrets, and with
//! a network that is either none at all or an egress proxy (`crate::fetch::proxy`). Form
//! planning launches it here, as will the headless apply, so that no caller can start a browser
//! that skips the sandbox or reaches the network around the proxy.

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::emulation::SetScriptExecutionDisabledParams;
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
}

/// How to start a browser.
pub struct Options<'a> {
    pub network: Network<'a>,
    /// Whether pages run their own scripts (in the tabs of [`Session::tab`]).
    pub scripts: bool,
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
    _run: sandbox::Launch,
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
        _run: launch,
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
