//! Where the run is: the application's site, or somewhere it must not go on (or why a page
//! did not load).

pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

/// The same site: the same host, or two names under the same registrable domain of the
/// Public Suffix List (boards.greenhouse.io and job-boards.greenhouse.io are one site;
/// x.github.io and y.github.io, whose suffix is github.io, are two). An address is a site of
/// its own.
pub fn same_site(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    registrable(a).is_some_and(|site| registrable(b) == Some(site))
}

fn registrable(host: &str) -> Option<&str> {
    let named = host.parse::<std::net::IpAddr>().is_err() && !host.starts_with('[');
    named
        .then(|| psl::domain_str(host.trim_end_matches('.')))
        .flatten()
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
    fn sites_compare_by_their_registrable_domain() {
        for (a, b) in [
            ("boards.greenhouse.io", "job-boards.greenhouse.io"),
            ("a.example.co.uk", "b.example.co.uk"),
            ("example.co.uk", "jobs.example.co.uk"),
            ("127.0.0.1", "127.0.0.1"),
        ] {
            assert!(same_site(a, b), "{a} and {b} are one site");
        }
        for (a, b) in [
            ("x.github.io", "y.github.io"),
            ("a.co.uk", "b.co.uk"),
            ("127.0.0.1", "10.0.0.1"),
            ("boards.greenhouse.io", "evil.example"),
            ("jobs.lever.co", "lever.co.evil.example"),
            ("localhost", "other"),
        ] {
            assert!(!same_site(a, b), "{a} and {b} are two sites");
        }
    }
}
