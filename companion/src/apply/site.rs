//! Where the run is: the application's site, or somewhere it must not go on.

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

#[cfg(test)]
mod tests {
    use super::same_site;

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
