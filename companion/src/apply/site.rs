//! Where the run is: the application's site, or somewhere it must not go on (or why a page
//! did not load).

pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

/// The same site, near enough without the public-suffix list: the same host, or two names
/// under the same last two labels (boards.greenhouse.io and job-boards.greenhouse.io).
pub fn same_site(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let named = |h: &str| h.parse::<std::net::IpAddr>().is_err() && !h.starts_with('[');
    let tail = |h: &str| {
        let labels: Vec<&str> = h.rsplitn(3, '.').take(2).collect();
        labels.join(".")
    };
    named(a) && named(b) && a.contains('.') && tail(a) == tail(b)
}

pub fn looks_like_sign_in(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    let path = url.path().to_ascii_lowercase();
    [
        "login",
        "signin",
        "sign-in",
        "sign_in",
        "sso",
        "oauth",
        "authorize",
    ]
    .iter()
    .any(|word| path.contains(word))
}

/// Why a page did not load, in words: the egress proxy answers a refused or unreachable site
/// with a failed tunnel, which Chromium reports by its error code.
pub fn why_not(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    if text.contains("ERR_TUNNEL_CONNECTION_FAILED") || text.contains("ERR_PROXY_CONNECTION_FAILED")
    {
        "the site could not be reached (it is down, or the companion's fetch rules do not allow it)"
            .into()
    } else if text.contains("ERR_NAME_NOT_RESOLVED") {
        "the site's name does not resolve".into()
    } else if text.contains("ERR_CERT") {
        "the site's certificate is not valid".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::same_site;

    #[test]
    fn a_refused_tunnel_reads_as_an_unreachable_site() {
        let why = super::why_not(&"net::ERR_TUNNEL_CONNECTION_FAILED");
        assert!(why.contains("could not be reached"), "{why}");
        assert_eq!(super::why_not(&"net::ERR_ABORTED"), "net::ERR_ABORTED");
    }

    #[test]
    fn sites_compare_by_their_last_two_labels() {
        assert!(same_site(
            "boards.greenhouse.io",
            "job-boards.greenhouse.io"
        ));
        assert!(same_site("127.0.0.1", "127.0.0.1"));
        assert!(!same_site("127.0.0.1", "10.0.0.1"));
        assert!(!same_site("boards.greenhouse.io", "evil.example"));
        assert!(!same_site("jobs.lever.co", "lever.co.evil.example"));
    }
}
