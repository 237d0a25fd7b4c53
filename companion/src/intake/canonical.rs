//! The keys postings are deduplicated by: a canonical URL, and company + title normalised.

use url::Url;

/// Query parameters that only say where a click came from.
const TRACKING_PARAMS: [&str; 14] = [
    "gh_src",
    "gh_jid_src",
    "lever-source",
    "lever-origin",
    "ref",
    "referrer",
    "source",
    "src",
    "fbclid",
    "gclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "trk",
];

/// Lowercase scheme and host (the URL parser does that), no fragment, no default port, no
/// tracking parameters, no trailing slash; the remaining parameters keep their order.
pub fn canonical_url(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    // Setting the port it already has drops it when it is the scheme's default.
    let port = url.port();
    let _ = url.set_port(port);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| {
            let key = key.to_ascii_lowercase();
            !key.starts_with("utm_") && !TRACKING_PARAMS.contains(&key.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    let mut canonical = url.to_string();
    if url.query().is_none() && canonical.ends_with('/') {
        canonical.pop();
    }
    canonical
}

/// Company and title folded to lowercase words, so "ACME, Inc." / "Senior  Engineer" and
/// "Acme Inc" / "senior engineer" meet. Legal suffixes are dropped from the company.
pub fn dedupe_key(company: &str, title: &str) -> String {
    let company: Vec<String> = words(company)
        .filter(|w| {
            !matches!(
                w.as_str(),
                "inc" | "llc" | "ltd" | "gmbh" | "corp" | "co" | "sa" | "ag" | "plc"
            )
        })
        .collect();
    let title: Vec<String> = words(title).collect();
    format!("{}|{}", company.join(" "), title.join(" "))
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(url: &str) -> String {
        canonical_url(&Url::parse(url).expect("url"))
    }

    #[test]
    fn spellings_of_one_posting_meet() {
        let expected = "https://jobs.example.com/acme/123";
        for url in [
            "https://jobs.example.com/acme/123",
            "HTTPS://Jobs.Example.COM/acme/123/",
            "https://jobs.example.com:443/acme/123#apply",
            "https://jobs.example.com/acme/123?utm_source=x&utm_medium=y",
            "https://jobs.example.com/acme/123?gh_src=abc",
            "https://jobs.example.com/acme/123?lever-source=LinkedIn&ref=hn",
        ] {
            assert_eq!(canon(url), expected, "{url}");
        }
    }

    #[test]
    fn meaningful_parameters_and_ports_stay() {
        assert_eq!(
            canon("https://boards.example.com/x?gh_jid=42&utm_campaign=z"),
            "https://boards.example.com/x?gh_jid=42"
        );
        assert_eq!(
            canon("http://example.com:8080/a/"),
            "http://example.com:8080/a"
        );
        assert_eq!(canon("https://example.com/"), "https://example.com");
    }

    #[test]
    fn company_and_title_normalise() {
        assert_eq!(
            dedupe_key("ACME, Inc.", "Senior  Engineer (Rust)"),
            dedupe_key("Acme Inc", "senior engineer - rust")
        );
        assert_ne!(
            dedupe_key("Acme", "C++ Engineer"),
            dedupe_key("Acme", "C Engineer")
        );
    }
}
