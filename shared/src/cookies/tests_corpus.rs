//! Every sample in `../shared/corpus/cookies` (beside the repository), read at test time.
//! A missing file fails the test; so does a new file nobody wrote an expectation for.

use std::path::{Path, PathBuf};

use super::*;

fn corpus() -> Option<PathBuf> {
    test_corpus::dir().map(|corpus| corpus.join("cookies"))
}

fn parse(corpus: &Path, name: &str) -> Result<ParsedExport, CookieError> {
    let path = corpus.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("corpus file {}: {e}", path.display()));
    parse_export_detailed(&text, None)
}

const EXPECTED: [&str; 10] = [
    "EditThisCookie_js_cookie_helpers.js.txt",
    "cookie-editor_interface_lib_headerstringFormat.js.txt",
    "cookie-editor_interface_lib_jsonFormat.js.txt",
    "cookie-editor_interface_lib_netscapeFormat.js.txt",
    "edit-this-cookie-to-tough-cookie_example_cookies.json",
    "edit-this-cookie-to-tough-cookie_example_cookies.txt",
    "editthiscookie-for-guzzle_tests_EditThisCookie.json",
    "yt-dlp_testdata_httponly_cookies.txt",
    "yt-dlp_testdata_malformed_cookies.txt",
    "yt-dlp_testdata_session_cookies.txt",
];

#[test]
fn every_corpus_file_has_an_expectation() {
    let Some(corpus) = corpus() else {
        return;
    };
    let mut found: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap_or_else(|e| panic!("corpus directory {}: {e}", corpus.display()))
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut expected: Vec<String> = EXPECTED.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(found, expected);
}

/// The JavaScript sources of the exporters are not exports: they must be refused clearly,
/// not misread as a `Cookie:` header or a cookies.txt.
#[test]
fn exporter_sources_are_not_cookie_exports() {
    let Some(corpus) = corpus() else {
        return;
    };
    for name in &EXPECTED[..4] {
        assert_eq!(
            parse(&corpus, name).map(|p| p.format),
            Err(CookieError::UnrecognisedFormat),
            "{name}"
        );
    }
}

#[test]
fn empty_export() {
    let Some(corpus) = corpus() else {
        return;
    };
    assert_eq!(
        parse(
            &corpus,
            "edit-this-cookie-to-tough-cookie_example_cookies.json"
        )
        .map(|p| p.format),
        Err(CookieError::Empty)
    );
}

#[test]
fn edit_this_cookie_single() {
    let Some(corpus) = corpus() else {
        return;
    };
    let parsed = parse(
        &corpus,
        "edit-this-cookie-to-tough-cookie_example_cookies.txt",
    )
    .expect("parse");
    assert_eq!(parsed.format, ExportFormat::EditThisCookieJson);
    let [cookie] = parsed.jar.cookies.as_slice() else {
        panic!("one cookie expected");
    };
    assert_eq!(cookie.domain, "www.baidu.com");
    assert_eq!(cookie.name.len(), 33);
    assert_eq!(cookie.value.expose_secret(), "1478223925");
    assert_eq!(cookie.expires, Some(1_509_774_078));
    assert_eq!(cookie.same_site, Some(SameSite::None));
    assert!(!cookie.host_only && !cookie.secure && !cookie.http_only);
}

#[test]
fn edit_this_cookie_github() {
    let Some(corpus) = corpus() else {
        return;
    };
    let parsed = parse(
        &corpus,
        "editthiscookie-for-guzzle_tests_EditThisCookie.json",
    )
    .expect("parse");
    assert_eq!(parsed.format, ExportFormat::EditThisCookieJson);
    assert!(parsed.skipped.is_empty());
    let jar = parsed.jar;
    assert_eq!(jar.len(), 11);
    let by_name = |name: &str| {
        jar.cookies
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let tz = by_name("tz");
    assert_eq!((tz.expires, tz.domain.as_str()), (None, "github.com"));
    assert!(!tz.host_only);
    let host = by_name("__Host-user_session_same_site");
    assert!(host.host_only && host.secure && host.http_only);
    assert_eq!(host.same_site, Some(SameSite::Strict));
    assert_eq!(host.expires, Some(1_923_120_699));
    assert_eq!(by_name("_ga").same_site, None);
    assert_eq!(by_name("_gh_sess").expires, None);
    let meta = jar.metadata();
    assert_eq!(meta.count, 11);
    assert_eq!(meta.earliest_expiry, Some(1_923_120_699));
    assert_eq!(
        meta.names.first().map(String::as_str),
        Some("__Host-user_session_same_site")
    );
}

#[test]
fn netscape_http_only() {
    let Some(corpus) = corpus() else {
        return;
    };
    let parsed = parse(&corpus, "yt-dlp_testdata_httponly_cookies.txt").expect("parse");
    assert_eq!(parsed.format, ExportFormat::Netscape);
    let [http_only, plain] = parsed.jar.cookies.as_slice() else {
        panic!("two cookies expected");
    };
    assert_eq!(http_only.name, "HTTPONLY_COOKIE");
    assert!(http_only.http_only && http_only.secure && http_only.host_only);
    assert_eq!(http_only.domain, "www.foobar.foobar");
    assert_eq!(http_only.expires, Some(2_147_483_647));
    assert_eq!(plain.name, "JS_ACCESSIBLE_COOKIE");
    assert!(!plain.http_only);
    assert_eq!(plain.value.expose_secret(), "JS_ACCESSIBLE_COOKIE_VALUE");
}

#[test]
fn netscape_session_expiry() {
    let Some(corpus) = corpus() else {
        return;
    };
    let parsed = parse(&corpus, "yt-dlp_testdata_session_cookies.txt").expect("parse");
    let expiries: Vec<_> = parsed.jar.cookies.iter().map(|c| c.expires).collect();
    assert_eq!(expiries, [None, None]);
    assert_eq!(parsed.jar.cookies[0].name, "YoutubeDLExpiresEmpty");
}

#[test]
fn netscape_malformed_lines_are_counted_and_named() {
    let Some(corpus) = corpus() else {
        return;
    };
    let error =
        parse(&corpus, "yt-dlp_testdata_malformed_cookies.txt").expect_err("nothing usable");
    assert_eq!(
        error,
        CookieError::NoCookies {
            skipped: vec![
                Skipped {
                    position: 6,
                    reason: SkipReason::FieldCount(6)
                },
                Skipped {
                    position: 9,
                    reason: SkipReason::BadExpiry
                },
            ]
        }
    );
    assert!(
        error.to_string().contains("2 entries were skipped"),
        "{error}"
    );
}
