//! Raw mail (RFC 5322 with MIME, or a bare body without headers) to [`Mail`].

use mail_parser::MessageParser;

use super::forward;
use super::html::{html_to_text, looks_like_html};

/// What the classifier reads of one message: the original sender and subject (after
/// unwrapping a forward) and the body as plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mail {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub body: String,
    /// The message was a forward and the fields above are the forwarded original's.
    pub forwarded: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the message is empty")]
    Empty,
    #[error("the message headers cannot be parsed")]
    BadHeaders,
    #[error("the message has neither a subject nor a text body")]
    NoContent,
}

/// Header names that mark the start of a real message rather than a bare body.
const HEADER_NAMES: [&str; 18] = [
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "sender",
    "reply-to",
    "received",
    "return-path",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "delivered-to",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
    "references",
];

fn starts_with_headers(raw: &[u8]) -> bool {
    let first = raw
        .split(|&b| b == b'\n')
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))
        .unwrap_or_default();
    let Some(colon) = first.iter().position(|&b| b == b':') else {
        return false;
    };
    let name = &first[..colon];
    !name.is_empty()
        && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && (name.len() > 2 && name[..2].eq_ignore_ascii_case(b"x-")
            || HEADER_NAMES
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h.as_bytes())))
}

/// Parses a message with headers, or takes text without headers as a bare body, then
/// unwraps a forwarded original if there is one.
pub fn parse(raw: &[u8]) -> Result<Mail, ParseError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let mut mail = if starts_with_headers(raw) {
        parse_message(raw)?
    } else {
        Mail {
            body: plain_text(&String::from_utf8_lossy(raw)),
            ..Mail::default()
        }
    };
    forward::unwrap(&mut mail);
    Ok(mail)
}

fn parse_message(raw: &[u8]) -> Result<Mail, ParseError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::BadHeaders)?;
    let from = message.from().and_then(|from| from.first());
    let body = message
        .text_part(0)
        .or_else(|| message.html_part(0))
        .and_then(|part| part.text_contents())
        .map(plain_text)
        .unwrap_or_default();
    let subject = message.subject().map(str::to_owned);
    if subject.is_none() && body.trim().is_empty() {
        return Err(ParseError::NoContent);
    }
    Ok(Mail {
        from_name: from
            .and_then(|a| a.name())
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
        from_address: from.and_then(|a| a.address()).map(str::to_ascii_lowercase),
        subject,
        message_id: message.message_id().map(str::to_owned),
        body,
        forwarded: false,
    })
}

/// The body as plain text, whatever the part claimed to be.
fn plain_text(body: &str) -> String {
    if looks_like_html(body) {
        html_to_text(body)
    } else {
        body.to_owned()
    }
}
