//! Platform lookup, custom domains, filtering and host permissions.

use super::*;

fn cookie(domain: &str, name: &str, expires: Option<i64>) -> Cookie {
    Cookie {
        name: name.into(),
        value: CookieValue::new("v".into()),
        domain: domain.into(),
        path: "/".into(),
        expires,
        secure: true,
        http_only: true,
        same_site: None,
        host_only: false,
    }
}

fn names(jar: &CookieJar) -> Vec<String> {
    jar.cookies
        .iter()
        .map(|c| format!("{}@{}", c.name, c.domain))
        .collect()
}

#[test]
fn known_platforms_and_unknown_ids() {
    for id in KNOWN_PLATFORMS {
        let platform = Platform::lookup(id).expect(id);
        assert_eq!(platform.id, id);
        assert!(!platform.session_cookie_names.is_empty() && !platform.is_custom());
    }
    assert_eq!(
        Platform::lookup("monster"),
        Err(CookieError::UnknownPlatform("monster".into()))
    );
    assert_eq!(
        Platform::lookup("LinkedIn"),
        Err(CookieError::UnknownPlatform("LinkedIn".into()))
    );
    let custom = Platform::lookup("custom:jobs.example.com").expect("custom");
    assert_eq!(
        custom,
        Platform::custom("jobs.example.com").expect("custom")
    );
}

#[test]
fn custom_domains_are_normalised_and_checked() {
    for input in [
        "jobs.example.com",
        "JOBS.Example.com",
        ".jobs.example.com",
        "*.jobs.example.com",
        "https://jobs.example.com/careers?x=1",
    ] {
        let platform = Platform::custom(input).expect(input);
        assert_eq!(platform.id, "custom:jobs.example.com", "{input}");
        assert!(platform.is_custom());
    }
    for bad in [
        "",
        "com",
        "exa mple.com",
        "-x.com",
        "x..com",
        "custom:",
        "a_b.com",
    ] {
        assert!(
            matches!(Platform::custom(bad), Err(CookieError::InvalidDomain(_))),
            "{bad}"
        );
    }
    assert!(Platform::lookup("custom:").is_err());
}

#[test]
fn linkedin_keeps_only_session_cookies_of_its_domains() {
    let jar = CookieJar::new(vec![
        cookie("linkedin.com", "li_at", Some(1_900_000_000)),
        cookie("www.linkedin.com", "JSESSIONID", None),
        cookie("linkedin.com", "_ga", None),
        cookie("evil-linkedin.com", "li_at", None),
        cookie("linkedin.com.evil.com", "li_at", None),
        cookie("indeed.com", "CTK", None),
    ]);
    let kept = Platform::lookup("linkedin").expect("linkedin").filter(jar);
    assert_eq!(
        names(&kept),
        ["li_at@linkedin.com", "JSESSIONID@www.linkedin.com"]
    );
    assert_eq!(kept.cookies[0].expires, Some(1_900_000_000));
}

#[test]
fn workday_tenants_and_prefixed_names() {
    let jar = CookieJar::new(vec![
        cookie("acme.wd5.myworkdayjobs.com", "PLAY_SESSION", None),
        cookie("wd3.myworkday.com", "TS014c1515", None),
        cookie("acme.wd1.myworkdayjobs.com", "WorkdayLB_UICLIENT", None),
        cookie("acme.wd1.myworkdayjobs.com", "_ga", None),
        cookie("myworkdayjobs.com.example", "PLAY_SESSION", None),
    ]);
    let kept = Platform::lookup("workday").expect("workday").filter(jar);
    assert_eq!(
        names(&kept),
        [
            "PLAY_SESSION@acme.wd5.myworkdayjobs.com",
            "TS014c1515@wd3.myworkday.com",
            "WorkdayLB_UICLIENT@acme.wd1.myworkdayjobs.com"
        ]
    );
}

#[test]
fn custom_takes_every_cookie_of_its_domain_only() {
    let jar = CookieJar::new(vec![
        cookie("careers.acme.com", "anything", None),
        cookie("sso.careers.acme.com", "other", None),
        cookie("acme.com", "parent", None),
        cookie("evil.com", "x", None),
    ]);
    let kept = Platform::custom("careers.acme.com")
        .expect("custom")
        .filter(jar);
    assert_eq!(
        names(&kept),
        ["anything@careers.acme.com", "other@sso.careers.acme.com"]
    );
}

#[test]
fn chrome_origins_cover_each_domain() {
    assert_eq!(
        Platform::lookup("linkedin")
            .expect("linkedin")
            .chrome_origins(),
        ["https://*.linkedin.com/*"]
    );
    assert_eq!(
        Platform::custom("jobs.example.com")
            .expect("custom")
            .chrome_origins(),
        ["https://*.jobs.example.com/*"]
    );
    let workday = Platform::lookup("workday")
        .expect("workday")
        .chrome_origins();
    assert!(workday.contains(&"https://*.myworkdayjobs.com/*".to_owned()));
}

#[test]
fn host_matching_respects_host_only() {
    let mut c = cookie("example.com", "a", None);
    assert!(c.applies_to_host("www.example.com") && c.applies_to_host("example.com"));
    assert!(!c.applies_to_host("badexample.com"));
    c.host_only = true;
    assert!(!c.applies_to_host("www.example.com") && c.applies_to_host("EXAMPLE.com"));
}

#[test]
fn applies_count_against_the_platform_of_their_host() {
    assert_eq!(Platform::id_for_host("www.linkedin.com"), "linkedin");
    assert_eq!(
        Platform::id_for_host("acme.wd5.myworkdayjobs.com"),
        "workday"
    );
    assert_eq!(Platform::id_for_host("WWW.Example.com."), "example.com");
    assert_eq!(
        Platform::id_for_host("boards.greenhouse.io"),
        "boards.greenhouse.io"
    );
}

#[test]
fn a_platform_id_reads_as_the_name_people_know() {
    assert_eq!(Platform::name_of("linkedin"), "LinkedIn");
    assert_eq!(
        Platform::name_of("custom:jobs.example.com"),
        Platform::custom("jobs.example.com").expect("custom").name
    );
    assert_eq!(Platform::name_of("no such platform"), "no such platform");
}
