//! Turning hostile HTML into what is stored: an allow-listed HTML description and its text.

use std::sync::LazyLock;

/// Tags a job description needs; no scripts, styles, forms, images or frames, no attributes
/// except link targets (which get `rel="noopener noreferrer nofollow"`).
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags([
            "p",
            "br",
            "ul",
            "ol",
            "li",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "code",
            "a",
            "span",
            "div",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "hr",
        ])
        .add_tag_attributes("a", ["href"])
        .clean_content_tags(["script", "style", "template", "noscript"].into())
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Allow-listed HTML. Descriptions that arrive entity-escaped (Greenhouse sends
/// `&lt;p&gt;`) are unescaped once first.
pub fn sanitise_html(html: &str) -> String {
    let html = if !html.contains('<') && html.contains("&lt;") {
        plain_text_of(html)
    } else {
        html.to_owned()
    };
    SANITISER.clean(&html).to_string()
}

/// The visible text of an HTML fragment, whitespace collapsed, blocks on their own lines.
pub fn text_of(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(
        &html
            .replace("</p>", "</p>\n")
            .replace("<br", "\n<br")
            .replace("</li>", "</li>\n"),
    );
    let raw: String = fragment.root_element().text().collect();
    raw.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Entity-decoded text without any structure.
fn plain_text_of(html: &str) -> String {
    scraper::Html::parse_fragment(html)
        .root_element()
        .text()
        .collect()
}

/// Plain text as paragraphs of escaped HTML.
pub fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect()
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One line, collapsed whitespace, at most `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let clean = sanitise_html(
            "<p onclick=\"x()\">Hi<script>alert(1)</script><img src=x onerror=alert(1)>\
             <a href=\"javascript:alert(1)\">a</a><a href=\"https://e.com\">b</a></p>\
             <iframe src=\"https://e.com\"></iframe><style>p{}</style>",
        );
        assert_eq!(
            clean,
            "<p>Hi<a rel=\"noopener noreferrer nofollow\">a</a>\
             <a href=\"https://e.com\" rel=\"noopener noreferrer nofollow\">b</a></p>"
        );
    }

    #[test]
    fn escaped_descriptions_are_unescaped_once_then_cleaned() {
        assert_eq!(
            sanitise_html("&lt;p&gt;Rust &amp;amp; Go&lt;/p&gt;&lt;script&gt;x&lt;/script&gt;"),
            "<p>Rust &amp; Go</p>"
        );
    }

    #[test]
    fn text_keeps_block_breaks() {
        assert_eq!(
            text_of("<p>One   two</p><ul><li>a</li><li>b &amp; c</li></ul>"),
            "One two\na\nb & c"
        );
    }

    #[test]
    fn pasted_text_becomes_escaped_paragraphs() {
        assert_eq!(
            paragraphs("<b>x</b>\nline\n\nnext"),
            "<p>&lt;b&gt;x&lt;/b&gt;<br>line</p><p>next</p>"
        );
    }
}
