//! Which cookies of a jar go with a request: RFC 6265's domain, path, `Secure` and expiry rules.

use super::{Cookie, CookieJar, CookieValue};

const NOW: i64 = 1_800_000_000;

fn cookie(name: &str, domain: &str, path: &str) -> Cookie {
    Cookie {
        name: name.into(),
        value: CookieValue::new(format!("{name}-value")),
        domain: domain.into(),
        path: path.into(),
        expires: None,
        secure: false,
        http_only: true,
        same_site: None,
        host_only: false,
    }
}

fn header(jar: &CookieJar, https: bool, host: &str, path: &str) -> Option<String> {
    jar.header_for(https, host, path, NOW)
        .map(|h| h.as_str().to_owned())
}

#[test]
fn a_domain_cookie_goes_to_its_subdomains_and_a_host_only_one_to_its_host_alone() {
    let domain = cookie("d", "example.com", "/");
    let host_only = Cookie {
        host_only: true,
        ..cookie("h", "jobs.example.com", "/")
    };
    for host in [
        "example.com",
        "jobs.example.com",
        "a.b.example.com",
        "JOBS.Example.com",
    ] {
        assert!(domain.is_sent_to(true, host, "/", NOW), "{host}");
    }
    for host in ["notexample.com", "example.com.evil.test", "com"] {
        assert!(!domain.is_sent_to(true, host, "/", NOW), "{host}");
    }
    assert!(host_only.is_sent_to(true, "jobs.example.com", "/", NOW));
    assert!(!host_only.is_sent_to(true, "a.jobs.example.com", "/", NOW));
    assert!(!host_only.is_sent_to(true, "example.com", "/", NOW));
}

#[test]
fn an_address_matches_only_itself() {
    let address = cookie("a", "127.0.0.1", "/");
    assert!(address.is_sent_to(false, "127.0.0.1", "/", NOW));
    let tail = cookie("t", "0.0.1", "/");
    assert!(!tail.is_sent_to(false, "127.0.0.1", "/", NOW));
    let v6 = cookie("v6", "[::1]", "/");
    assert!(v6.is_sent_to(false, "[::1]", "/x", NOW));
}

#[test]
fn paths_match_at_a_slash_only() {
    let jobs = cookie("p", "example.com", "/jobs");
    for path in ["/jobs", "/jobs/", "/jobs/42/apply"] {
        assert!(jobs.is_sent_to(true, "example.com", path, NOW), "{path}");
    }
    for path in ["/", "/jobsx", "/job", "/other/jobs"] {
        assert!(!jobs.is_sent_to(true, "example.com", path, NOW), "{path}");
    }
    let slash = cookie("s", "example.com", "/jobs/");
    assert!(slash.is_sent_to(true, "example.com", "/jobs/1", NOW));
    assert!(!slash.is_sent_to(true, "example.com", "/jobs", NOW));
    // A cookie without a usable path counts as the root's.
    assert!(cookie("e", "example.com", "").is_sent_to(true, "example.com", "/x", NOW));
}

#[test]
fn secure_cookies_go_over_https_only_and_expired_ones_never() {
    let secure = Cookie {
        secure: true,
        ..cookie("s", "example.com", "/")
    };
    assert!(secure.is_sent_to(true, "example.com", "/", NOW));
    assert!(!secure.is_sent_to(false, "example.com", "/", NOW));
    let expired = Cookie {
        expires: Some(NOW),
        ..cookie("x", "example.com", "/")
    };
    let live = Cookie {
        expires: Some(NOW + 1),
        ..cookie("l", "example.com", "/")
    };
    assert!(!expired.is_sent_to(true, "example.com", "/", NOW));
    assert!(live.is_sent_to(true, "example.com", "/", NOW));
}

#[test]
fn the_header_holds_what_matches_longer_paths_first() {
    let jar = CookieJar::new(vec![
        cookie("root", "example.com", "/"),
        cookie("deep", "example.com", "/jobs/42"),
        cookie("other", "other.test", "/"),
        Cookie {
            secure: true,
            ..cookie("tls", "example.com", "/")
        },
    ]);
    assert_eq!(
        header(&jar, false, "jobs.example.com", "/jobs/42/apply").as_deref(),
        Some("deep=deep-value; root=root-value")
    );
    assert_eq!(
        header(&jar, true, "example.com", "/").as_deref(),
        Some("root=root-value; tls=tls-value")
    );
    assert_eq!(header(&jar, true, "elsewhere.test", "/"), None);
    assert_eq!(
        header(&CookieJar::default(), true, "example.com", "/"),
        None
    );
}
