//! HTML mail bodies to plain text: enough for classification, not for display.
//!
//! Script, style and head content is dropped, block tags become line breaks and the
//! common character references are decoded. One pass, no DOM.

/// Whether a body that claims (or is assumed) to be plain text is really HTML.
pub fn looks_like_html(text: &str) -> bool {
    let head = &text[..floor_char_boundary(text, 2048)];
    let lower = head.to_ascii_lowercase();
    [
        "<html",
        "<body",
        "<div",
        "<p>",
        "<p ",
        "<br",
        "<table",
        "<!doctype",
    ]
    .iter()
    .any(|tag| lower.contains(tag))
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// Tags whose content is never text the reader sees.
const HIDDEN: [&str; 4] = ["script", "style", "head", "title"];
/// Tags that end a line of text.
const BLOCK: [&str; 14] = [
    "br",
    "p",
    "div",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "table",
    "ul",
    "ol",
    "td",
    "blockquote",
];

pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open]);
        let tag_and_after = &rest[open + 1..];
        let Some(close) = tag_and_after.find('>') else {
            rest = "";
            break;
        };
        let tag = &tag_and_after[..close];
        rest = &tag_and_after[close + 1..];
        let name = tag_name(tag);
        if !tag.starts_with('/') && HIDDEN.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            rest = skip_past_closing(rest, name);
        } else if BLOCK.iter().any(|b| name.eq_ignore_ascii_case(b)) {
            out.push('\n');
        } else {
            out.push(' ');
        }
    }
    push_text(&mut out, rest);
    out
}

fn tag_name(tag: &str) -> &str {
    let tag = tag.trim_start_matches('/');
    let end = tag
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(tag.len());
    &tag[..end]
}

fn skip_past_closing<'a>(rest: &'a str, name: &str) -> &'a str {
    let closing = format!("</{}", name.to_ascii_lowercase());
    let lower = rest.to_ascii_lowercase();
    match lower.find(&closing) {
        Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
        None => "",
    }
}

/// Appends text with its character references decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';').filter(|&semi| semi <= 10) {
            Some(semi) => match decode_entity(&after[..semi]) {
                Some(c) => {
                    out.push(c);
                    rest = &after[semi + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            },
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(entity: &str) -> Option<char> {
    if let Some(number) = entity.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "rsquo" | "lsquo" => '\'',
        "nbsp" => ' ',
        "ldquo" | "rdquo" => '"',
        "ndash" => '-',
        "mdash" => '—',
        "hellip" => '…',
        "bull" | "middot" => '•',
        "deg" => '°',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_and_styles_and_breaks_blocks() {
        let html = "<html><head><style>p{color:red}</style><script>alert(1)</script></head>\
                    <body><p>Hi&nbsp;Ann,</p><p>We&#8217;re glad &amp; proud<br>to meet</p></body></html>";
        let text = html_to_text(html);
        assert!(!text.contains("alert") && !text.contains("color"), "{text}");
        assert!(text.contains("Hi Ann,\n"), "{text}");
        assert!(
            text.contains("We\u{2019}re glad & proud\nto meet"),
            "{text}"
        );
    }

    #[test]
    fn unknown_entities_and_stray_ampersands_stay() {
        assert_eq!(html_to_text("R&D &bogus; a<b"), "R&D &bogus; a");
        assert!(looks_like_html("<p>hello</p>"));
        assert!(!looks_like_html("Price < 5 and > 3"));
    }
}
