//! Where the run is: the application's site, or somewhere it must not go on.

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

#[cfg(test)]
mod tests {
    use super::same_site;

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
