//! Hand-made fixtures for the edge cases the corpus does not cover.

use super::*;

fn parse(text: &str) -> ParsedExport {
    parse_export_detailed(text, Some("example.com")).expect("parse")
}

#[test]
fn browser_api_json_with_unicode_quotes_and_empty_values() {
    let text = r#"[
        {"name":"JSESSIONID","value":"\"ajax:123\"","domain":".linkedin.com","path":"/",
         "expirationDate":1800000000.75,"hostOnly":false,"httpOnly":false,"secure":true,
         "session":false,"sameSite":"no_restriction","storeId":"0"},
        {"name":"prefs","value":"café ☕ 日本","domain":"www.linkedin.com","session":true},
        {"name":"empty","value":"","domain":"Example.COM"}
    ]"#;
    let parsed = parse(text);
    assert_eq!(parsed.format, ExportFormat::BrowserApiJson);
    let cookies = &parsed.jar.cookies;
    assert_eq!(cookies[0].value.expose_secret(), "\"ajax:123\"");
    assert_eq!(cookies[0].expires, Some(1_800_000_000));
    assert_eq!(cookies[0].domain, "linkedin.com");
    assert_eq!(cookies[1].value.expose_secret(), "café ☕ 日本");
    assert!(cookies[1].host_only);
    assert_eq!(cookies[1].path, "/");
    assert!(cookies[2].value.is_empty());
    assert_eq!(cookies[2].domain, "example.com");
}

#[test]
fn cookie_editor_json_is_recognised() {
    let text = r#"[{"name":"a","value":"1","domain":".x.com","path":"/","storeId":null,
        "sameSite":null,"hostOnly":false,"session":true,"secure":true,"httpOnly":true}]"#;
    let parsed = parse(text);
    assert_eq!(parsed.format, ExportFormat::CookieEditorJson);
    assert_eq!(parsed.jar.cookies[0].same_site, None);
}

#[test]
fn a_single_json_object_is_one_cookie() {
    let parsed = parse(r#"{"name":"a","value":"1","domain":"x.com","sameSite":"Lax"}"#);
    assert_eq!(parsed.jar.cookies[0].same_site, Some(SameSite::Lax));
}

#[test]
fn same_name_on_different_paths_is_two_cookies_and_exact_repeats_are_one() {
    let text = "x.com\tFALSE\t/\tTRUE\t0\tsid\tone\n\
                x.com\tFALSE\t/app\tTRUE\t0\tsid\ttwo\n\
                x.com\tFALSE\t/\tTRUE\t0\tsid\tthree\n";
    let jar = parse(text).jar;
    let seen: Vec<(&str, &str)> = jar
        .cookies
        .iter()
        .map(|c| (c.path.as_str(), c.value.expose_secret()))
        .collect();
    assert_eq!(seen, [("/app", "two"), ("/", "three")]);
    assert_eq!(jar.metadata().names, ["sid"]);
    assert_eq!(jar.metadata().count, 2);
}

#[test]
fn netscape_crlf_subdomains_fractional_expiry_and_tabs_in_values() {
    let text = "# HTTP Cookie File\r\n\r\n#HttpOnly_.example.com\tTRUE\t/\tFALSE\t1800000000.9\ta\tb\r\n\
                example.com\tfalse\t\tfalse\t-5\tc\t\r\n\
                example.com\tMAYBE\t/\tFALSE\t0\td\te\r\n";
    let parsed = parse(text);
    let [a, c] = parsed.jar.cookies.as_slice() else {
        panic!("two cookies expected: {:?}", parsed.jar);
    };
    assert!(a.http_only && !a.host_only);
    assert_eq!(
        (a.domain.as_str(), a.expires),
        ("example.com", Some(1_800_000_000))
    );
    assert_eq!((c.path.as_str(), c.expires), ("/", None));
    assert!(c.value.is_empty() && c.host_only);
    assert_eq!(
        parsed.skipped,
        [Skipped {
            position: 5,
            reason: SkipReason::BadFlag("include-subdomains")
        }]
    );
}

#[test]
fn cookie_header() {
    let parsed =
        parse("Cookie: li_at=AQE=x==; JSESSIONID=\"ajax:1\";  lang=v=2&lang=fr-fr ; ; é=ü");
    assert_eq!(parsed.format, ExportFormat::CookieHeader);
    let pairs: Vec<(&str, &str)> = parsed
        .jar
        .cookies
        .iter()
        .map(|c| (c.name.as_str(), c.value.expose_secret()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("li_at", "AQE=x=="),
            ("JSESSIONID", "\"ajax:1\""),
            ("lang", "v=2&lang=fr-fr"),
            ("é", "ü")
        ]
    );
    let first = &parsed.jar.cookies[0];
    assert_eq!(first.domain, "example.com");
    assert!(first.secure && !first.host_only && first.expires.is_none());
    // Without the prefix too.
    assert_eq!(parse("a=b").jar.len(), 1);
}

#[test]
fn cookie_header_errors_are_named() {
    assert_eq!(
        parse_export("a=b; c=d", None),
        Err(CookieError::MissingDomain)
    );
    assert_eq!(
        parse_export("a=b; junk; c=d", Some("x.com")),
        Err(CookieError::InvalidHeaderPair { index: 2 })
    );
    assert_eq!(
        parse_export("a b=c", Some("x.com")),
        Err(CookieError::InvalidHeaderPair { index: 1 })
    );
    assert_eq!(
        parse_export("a=b", Some("not a domain")),
        Err(CookieError::InvalidDomain("not a domain".into()))
    );
}

#[test]
fn unreadable_exports_are_named_without_values() {
    let broken = parse_export(
        r#"[{"name":"a","value":"SECRET-VALUE" "domain":"x"}]"#,
        None,
    )
    .expect_err("broken");
    assert!(matches!(broken, CookieError::Json { line: 1, .. }));
    assert!(!broken.to_string().contains("SECRET"), "{broken}");
    let truncated = parse_export(r#"[{"name":"a","value":"SECRET"#, None).expect_err("cut");
    assert!(truncated.to_string().contains("ends early"), "{truncated}");
    let wrong_type = parse_export(r#"[{"name":"a","value":12345678}]"#, None).expect_err("type");
    assert!(!wrong_type.to_string().contains("12345678"), "{wrong_type}");
    assert_eq!(parse_export("   \n ", None), Err(CookieError::Empty));
    assert_eq!(
        parse_export("hello\nworld", None),
        Err(CookieError::UnrecognisedFormat)
    );
    assert_eq!(
        parse_export("[]", None),
        Err(CookieError::NoCookies { skipped: vec![] })
    );
}

#[test]
fn json_entries_without_domain_or_with_bad_expiry_are_skipped() {
    let text = r#"[{"name":"a","value":"1"},{"name":"b","value":"2","domain":"x.com",
        "expirationDate":1e300},{"name":"c","value":"3","domain":"x.com"}]"#;
    let parsed = parse_export_detailed(text, None).expect("one usable");
    assert_eq!(parsed.jar.metadata().names, ["c"]);
    let reasons: Vec<_> = parsed
        .skipped
        .iter()
        .map(|s| (s.position, s.reason))
        .collect();
    assert_eq!(
        reasons,
        [(1, SkipReason::BadDomain), (2, SkipReason::BadExpiry)]
    );
    // A default domain fills in for the first.
    assert_eq!(parse(text).jar.len(), 2);
}

#[test]
fn debug_never_prints_values() {
    let jar = parse("sid=TOPSECRET").jar;
    let debug = format!("{jar:?} {:?}", jar.metadata());
    assert!(!debug.contains("TOPSECRET"), "{debug}");
    assert!(debug.contains("****"));
}

#[test]
fn jar_json_is_a_stable_format() {
    let jar = parse("#HttpOnly_.x.com\tTRUE\t/p\tTRUE\t1800000000\tsid\tv\"1").jar;
    let json = jar.to_json_zeroizing().expect("json");
    assert_eq!(
        std::str::from_utf8(&json).expect("utf8"),
        r#"{"cookies":[{"name":"sid","value":"v\"1","domain":"x.com","path":"/p","expires":1800000000,"secure":true,"httpOnly":true,"sameSite":null,"hostOnly":false}]}"#
    );
    assert_eq!(CookieJar::from_json(&json), Ok(jar));
}

#[test]
fn metadata_and_expiry() {
    let text = "x.com\tFALSE\t/\tTRUE\t2000\tb\t1\nx.com\tFALSE\t/\tTRUE\t1000\ta\t2\n\
                x.com\tFALSE\t/\tTRUE\t0\tc\t3\n";
    let jar = parse(text).jar;
    assert_eq!(
        jar.metadata(),
        JarMetadata {
            names: vec!["a".into(), "b".into(), "c".into()],
            count: 3,
            earliest_expiry: Some(1000)
        }
    );
    assert_eq!(
        jar.clone().without_expired(1000).metadata().names,
        ["b", "c"]
    );
    assert_eq!(jar.without_expired(5000).metadata().names, ["c"]);
}
