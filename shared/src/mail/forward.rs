//! Forwarded messages: the original's sender, subject and body replace the forwarder's.
//!
//! Mail clients introduce the original with a marker line ("---------- Forwarded message
//! ---------", "Begin forwarded message:", "-----Original Message-----") or, in Outlook,
//! with a bare "From: / Sent: / To: / Subject:" block that only the "FW:" subject tells apart
//! from a quoted reply. Replies are left alone: their sender is the one who wrote.

use std::sync::LazyLock;

use regex::Regex;

use super::parse::Mail;

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|begin forwarded message:?|forwarded message:?)",
    )
});
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| regex(r"^_{8,}\s*$"));
/// Header labels as clients write them, English first (a French client writes "De:").
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\*?(from|de|von|van|da|sent|date|datum|envoyé|gesendet|enviado|to|à|an|aan|para|cc|bcc|subject|objet|betreff|asunto|onderwerp|oggetto|assunto|reply-to)\*?:\*?[ \t]*(.*)$",
    )
});
const FROM_LABELS: [&str; 5] = ["from", "de", "von", "van", "da"];
const SUBJECT_LABELS: [&str; 7] = [
    "subject",
    "objet",
    "betreff",
    "asunto",
    "onderwerp",
    "oggetto",
    "assunto",
];
/// Yahoo puts the whole header block on the marker line.
static INLINE_HEADER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(from|sent|date|to|cc|subject):\s"));
static WROTE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)^on .{6,200} wrote:\s*$"));
static ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"));
static FORWARD_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^\s*(?:(?:fwd?|tr|wg)\s*:\s*)+"));

#[expect(
    clippy::unwrap_used,
    reason = "constant patterns, checked by the tests"
)]
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

/// Whether the subject says the message was forwarded ("Fwd:", "FW:").
pub fn is_forward_subject(subject: &str) -> bool {
    FORWARD_SUBJECT.is_match(subject)
}

/// Replaces the sender, subject and body of a forward by its original's. A forward of a
/// forward (the original's subject says "Fwd:" again) is unwrapped down to the first
/// message that is not one; an original's own quoted thread is left alone.
pub fn unwrap(mail: &mut Mail) {
    for _ in 0..4 {
        let loose = mail.subject.as_deref().is_some_and(is_forward_subject);
        if mail.forwarded && !loose {
            return;
        }
        let Some(original) = find_original(&mail.body, loose) else {
            return;
        };
        let outer_subject = mail
            .subject
            .as_deref()
            .map(|s| FORWARD_SUBJECT.replace(s, "").into_owned());
        mail.from_name = original.from_name;
        mail.from_address = original.from_address;
        mail.subject = original.subject.or(outer_subject);
        mail.body = original.body;
        mail.forwarded = true;
    }
}

#[derive(Debug, Default)]
struct Original {
    from_name: Option<String>,
    from_address: Option<String>,
    subject: Option<String>,
    body: String,
}

/// A line without its quote prefix ("> > ") and surrounding blanks.
fn unquote(line: &str) -> &str {
    line.trim_start_matches(|c: char| c == '>' || c.is_whitespace() || c == '\u{feff}')
        .trim_end()
}

/// `loose`: the subject says "forwarded", so a header block or an "On ... wrote:" line
/// without a marker also introduces the original.
fn find_original(body: &str, loose: bool) -> Option<Original> {
    let lines: Vec<&str> = body.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let line = unquote(line);
        if let Some(found) = MARKER.find(line) {
            let rest = line[found.end()..].trim_start_matches(['-', ' ']);
            if INLINE_HEADER.is_match(rest) {
                return Some(inline_block(rest, &lines[at + 1..]));
            }
            if let Some(original) = header_block(&lines[at + 1..]) {
                return Some(original);
            }
        } else if loose && (SEPARATOR.is_match(line) || HEADER.is_match(line)) {
            let from = if HEADER.is_match(line) { at } else { at + 1 };
            if let Some(original) = header_block(&lines[from..]) {
                return Some(original);
            }
        } else if loose && WROTE.is_match(line) {
            return Some(Original {
                // "On <date>, "Name" <address> wrote:": only a quoted name is certain.
                from_name: line.split('"').nth(1).map(str::to_owned),
                from_address: ADDRESS.find(line).map(|a| a.as_str().to_ascii_lowercase()),
                subject: None,
                body: quoted_body(&lines[at + 1..]),
            });
        }
    }
    None
}

/// Reads "Key: value" lines (after at most two blank lines) and the body after them.
fn header_block(lines: &[&str]) -> Option<Original> {
    let mut original = Original::default();
    let mut seen = 0;
    let mut blanks = 0;
    let mut end = lines.len();
    for (at, line) in lines.iter().enumerate() {
        let line = unquote(line);
        if line.is_empty() && seen == 0 {
            blanks += 1;
            if blanks > 2 {
                return None;
            }
            continue;
        }
        let Some(header) = HEADER.captures(line) else {
            end = at;
            break;
        };
        seen += 1;
        let value = header.get(2).map_or("", |v| v.as_str()).trim();
        read_header(&mut original, &header[1], value);
    }
    if original.from_name.is_none() && original.from_address.is_none() {
        return None;
    }
    original.body = quoted_body(&lines[end..]);
    Some(original)
}

fn read_header(original: &mut Original, name: &str, value: &str) {
    let name = name.to_lowercase();
    if FROM_LABELS.contains(&name.as_str()) {
        let (name, address) = address(value);
        original.from_name = name.map(strip_quotes);
        original.from_address = address;
    } else if SUBJECT_LABELS.contains(&name.as_str()) && !value.is_empty() {
        original.subject = Some(value.to_owned());
    }
}

/// Yahoo: "From: A <a@x>To: b@y Sent: ...Subject: Text" on one line, the body after it.
fn inline_block(headers: &str, after: &[&str]) -> Original {
    let mut original = Original::default();
    let starts: Vec<_> = INLINE_HEADER.captures_iter(headers).collect();
    for (i, header) in starts.iter().enumerate() {
        let (Some(whole), Some(name)) = (header.get(0), header.get(1)) else {
            continue;
        };
        let end = starts
            .get(i + 1)
            .and_then(|next| next.get(0))
            .map_or(headers.len(), |next| next.start());
        read_header(
            &mut original,
            name.as_str(),
            headers[whole.end()..end].trim(),
        );
    }
    original.body = quoted_body(after);
    original
}

fn quoted_body(lines: &[&str]) -> String {
    let mut body = String::new();
    for line in lines {
        let line = line.trim_start_matches(['>', ' ']);
        body.push_str(line);
        body.push('\n');
    }
    body.trim().to_owned()
}

/// The display name (as written, quotes kept) and the address of "Name <a@b>",
/// "Name [mailto:a@b]", "a@b" or a bare name.
fn address(value: &str) -> (Option<String>, Option<String>) {
    let found = ADDRESS.find(value);
    let name_end = value
        .find(['<', '['])
        .into_iter()
        .chain(found.map(|f| f.start()))
        .min()
        .unwrap_or(value.len());
    let name = value[..name_end].trim().to_owned();
    let name = (!name.is_empty() && !name.contains('@')).then_some(name);
    (name, found.map(|f| f.as_str().to_ascii_lowercase()))
}

fn strip_quotes(name: String) -> String {
    let trimmed = name.trim().trim_matches(['"', '\'']).trim();
    if trimmed.len() == name.len() {
        name
    } else {
        trimmed.to_owned()
    }
}
