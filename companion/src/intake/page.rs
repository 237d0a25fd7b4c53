//! A fetched job page to a [`RawPosting`]: its JSON-LD `JobPosting` when it has one, else
//! its title, Open Graph tags and meta description.

use scraper::{Html, Selector};
use shared::api::Source;
use url::Url;

use super::{RawPosting, jsonld};

pub fn extract(html: &str, page_url: &Url) -> RawPosting {
    let document = Html::parse_document(html);
    let mut raw = job_posting_json_ld(&document)
        .map(|posting| jsonld::to_raw(&posting, Source::Url))
        .unwrap_or_else(|| from_meta(&document, page_url));
    // The page we fetched is where the posting lives; JSON-LD `url` may be relative or absent.
    raw.url = Some(
        raw.url
            .as_deref()
            .and_then(|u| page_url.join(u).ok())
            .unwrap_or_else(|| page_url.clone())
            .to_string(),
    );
    raw
}

fn job_posting_json_ld(document: &Html) -> Option<serde_json::Value> {
    let scripts = Selector::parse("script").ok()?;
    document
        .select(&scripts)
        .filter(|script| {
            script
                .value()
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .filter_map(|script| {
            let json: String = script.text().collect();
            serde_json::from_str::<serde_json::Value>(json.trim()).ok()
        })
        .find_map(|value| jsonld::find_job_posting(&value).cloned())
}

fn from_meta(document: &Html, page_url: &Url) -> RawPosting {
    let meta = |property: &str| -> Option<String> {
        let selector = Selector::parse(&format!(
            "meta[property=\"{property}\"], meta[name=\"{property}\"]"
        ))
        .ok()?;
        document
            .select(&selector)
            .find_map(|m| m.value().attr("content"))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
    };
    let title_tag = Selector::parse("title").ok().and_then(|s| {
        document
            .select(&s)
            .next()
            .map(|t| t.text().collect::<String>().trim().to_owned())
            .filter(|t| !t.is_empty())
    });
    let description = meta("og:description").or_else(|| meta("description"));
    RawPosting {
        title: meta("og:title").or(title_tag).unwrap_or_default(),
        company: meta("og:site_name")
            .or_else(|| page_url.host_str().map(str::to_owned))
            .unwrap_or_default(),
        description_html: super::text::paragraphs(&description.unwrap_or_default()),
        ..RawPosting::new(Source::Url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://jobs.example.com/acme/1?utm_source=x").expect("url")
    }

    #[test]
    fn json_ld_wins_over_meta_tags() {
        let html = r#"<html><head><title>Ignored</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization"}</script>
            <script type="application/LD+JSON">
              {"@graph":[{"@type":"JobPosting","title":"Rust Engineer",
                "hiringOrganization":{"name":"Acme"},"description":"&lt;p&gt;Hi&lt;/p&gt;"}]}
            </script></head></html>"#;
        let raw = extract(html, &url());
        assert_eq!(
            (raw.title.as_str(), raw.company.as_str()),
            ("Rust Engineer", "Acme")
        );
        assert_eq!(
            raw.url.as_deref(),
            Some("https://jobs.example.com/acme/1?utm_source=x")
        );
    }

    #[test]
    fn meta_tags_fill_in_without_json_ld() {
        let html = r#"<html><head><title> Backend Engineer | Acme </title>
            <meta property="og:site_name" content="Acme">
            <meta name="description" content="Build <things>"></head></html>"#;
        let raw = extract(html, &url());
        assert_eq!(raw.title, "Backend Engineer | Acme");
        assert_eq!(raw.company, "Acme");
        assert_eq!(raw.description_html, "<p>Build &lt;things&gt;</p>");
    }

    #[test]
    fn broken_json_ld_falls_back() {
        let html = r#"<title>T</title><script type="application/ld+json">{nope</script>"#;
        let raw = extract(html, &url());
        assert_eq!(
            (raw.title.as_str(), raw.company.as_str()),
            ("T", "jobs.example.com")
        );
    }
}
