//! How Chromium is started: always with its sandbox, since it renders pages someone else
//! wrote and runs as a process next to the master key. Chromium refuses its sandbox as root,
//! so a companion running as root starts it as the unprivileged system user [`BROWSER_USER`]
//! (made by `scripts/setup`) through `setpriv`. When that user is missing or the sandbox
//! cannot start, the launch fails and says why and how to fix it; nothing ever falls back to
//! `--no-sandbox`.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chromiumoxide::error::CdpError;

use crate::error::{Error, Result};

/// The system user a root companion runs Chromium as.
const BROWSER_USER: &str = "autoresume-browser";

/// What one run of Chromium needs: the program to start, its profile folder and the
/// variables its environment gets. The folder is deleted when this is dropped.
pub struct Launch {
    pub executable: PathBuf,
    pub profile: PathBuf,
    pub env: Vec<(String, String)>,
    /// Some(user) when Chromium runs as another user than the companion.
    pub as_user: Option<&'static str>,
    dir: PathBuf,
}

impl Launch {
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Launch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Chromium's path; `CHROMIUM_BIN` overrides it.
fn chromium() -> String {
    std::env::var("CHROMIUM_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn io_error(what: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Internal(format!("headless Chromium: {what}: {e}"))
}

/// A fresh folder for one run and the launcher that starts Chromium in it (as root, as
/// [`BROWSER_USER`]).
pub fn prepare() -> Result<Launch> {
    let dir = std::env::temp_dir().join(format!(
        "companion-chromium-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    // Not recursive: an existing folder of that name is someone else's, never reused.
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(io_error("its profile folder"))?;
    let mut launch = Launch {
        executable: PathBuf::from(chromium()),
        profile: dir.clone(),
        env: Vec::new(),
        as_user: None,
        dir,
    };
    let mut drop_to = None;
    if effective_uid()? == 0 {
        let (uid, gid) = browser_user()?;
        launch.profile = launch.dir.join("profile");
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&launch.profile)
            .map_err(io_error("its profile folder"))?;
        std::os::unix::fs::chown(&launch.profile, Some(uid), Some(gid))
            .map_err(io_error("handing its profile folder to the browser user"))?;
        // The browser user may pass through the run's folder to its profile, not list it.
        std::fs::set_permissions(&launch.dir, std::fs::Permissions::from_mode(0o711))
            .map_err(io_error("its run folder"))?;
        launch.as_user = Some(BROWSER_USER);
        drop_to = Some((uid, gid));
    }
    launch.executable = wrapper(&launch.dir, drop_to, &chromium())?;
    // Chromium inherits the companion's environment, which may hold the master key.
    launch.env = std::env::vars()
        .filter(|(name, _)| name.starts_with("COMPANION_"))
        .map(|(name, _)| (name, String::new()))
        .collect();
    launch
        .env
        .push(("HOME".into(), launch.profile.display().to_string()));
    Ok(launch)
}

/// chromiumoxide starts one program with Chromium's flags in no fixed order, so the launch is
/// a script that hands those flags on: through `setpriv`, which makes Chromium die with the
/// companion (a killed worker must never leave a browser that could still submit) and, as root,
/// drops to the browser user (`uid`, `gid`) first.
fn wrapper(dir: &Path, drop_to: Option<(u32, u32)>, chromium: &str) -> Result<PathBuf> {
    let path = dir.join("chromium-launcher");
    let quoted = format!("'{}'", chromium.replace('\'', r"'\''"));
    let user = drop_to
        .map(|(uid, gid)| format!("--reuid={uid} --regid={gid} --clear-groups "))
        .unwrap_or_default();
    let script =
        format!("#!/bin/sh\nexec /usr/bin/setpriv {user}--pdeathsig KILL -- {quoted} \"$@\"\n");
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o700)
        .open(&path)
        .and_then(|mut file| file.write_all(script.as_bytes()))
        .map_err(io_error("writing its launcher"))?;
    Ok(path)
}

/// The companion's effective user id, from `/proc/self/status` (no libc: unsafe is off).
fn effective_uid() -> Result<u32> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(io_error("reading /proc/self/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|uid| uid.parse().ok())
        .ok_or_else(|| Error::Internal("headless Chromium: no Uid in /proc/self/status".into()))
}

/// The browser user's uid and gid, or an error saying how to create the user.
fn browser_user() -> Result<(u32, u32)> {
    let missing = || {
        Error::Internal(format!(
            "headless Chromium: the companion runs as root, where Chromium's sandbox does not \
             start, so it runs Chromium as the system user {BROWSER_USER}, which does not exist. \
             Run scripts/setup, or `useradd --system --user-group --no-create-home --shell \
             /usr/sbin/nologin {BROWSER_USER}`, or run the companion as an unprivileged user"
        ))
    };
    let output = std::process::Command::new("getent")
        .args(["passwd", BROWSER_USER])
        .output()
        .map_err(io_error("looking up its user with getent"))?;
    let entry = String::from_utf8_lossy(&output.stdout);
    let mut fields = entry.trim().split(':').skip(2);
    let (Some(uid), Some(gid)) = (fields.next(), fields.next()) else {
        return Err(missing());
    };
    match (uid.parse(), gid.parse()) {
        (Ok(0), _) | (_, Ok(0)) => Err(Error::Internal(format!(
            "headless Chromium: the user {BROWSER_USER} is root or in root's group; it must be \
             an unprivileged user"
        ))),
        (Ok(uid), Ok(gid)) => Ok((uid, gid)),
        _ => Err(missing()),
    }
}

/// Why Chromium did not start, in words that say what to do.
pub fn launch_failed(error: &CdpError, launch: &Launch) -> Error {
    let (what, stderr) = match error {
        CdpError::LaunchExit(status, out) => (format!("it exited ({status})"), out.as_slice()),
        CdpError::LaunchTimeout(out) => ("it did not answer in time".to_owned(), out.as_slice()),
        CdpError::LaunchIo(e, out) => (format!("its output ended ({e})"), out.as_slice()),
        other => (other.to_string(), &[][..]),
    };
    let stderr = String::from_utf8_lossy(stderr);
    // Chromium's own last word, minus the D-Bus noise of a machine without a session bus.
    let said = stderr
        .lines()
        .rfind(|line| !line.trim().is_empty() && !line.contains("dbus"))
        .map(|line| format!(" Chromium said: {}", line.trim()))
        .unwrap_or_default();
    let who = launch
        .as_user
        .map(|user| format!(" as {user}"))
        .unwrap_or_default();
    if stderr.contains("No usable sandbox") {
        return Error::Internal(format!(
            "headless Chromium{who}: its sandbox could not start, and it is never run without \
             one. The sandbox needs unprivileged user namespaces: allow them \
             (sysctl user.max_user_namespaces above 0, and kernel.unprivileged_userns_clone=1 \
             where that exists; in a container, a seccomp profile that permits them).{said}"
        ));
    }
    Error::Internal(format!(
        "headless Chromium{who}: could not start it (install chromium, or set CHROMIUM_BIN): \
         {what}.{said}"
    ))
}
