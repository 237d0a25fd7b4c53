//! What the inbound providers post, turned into one raw RFC 5322 message each, and the
//! Mailgun signature check. Pure: the HTTP layer reads bodies, the store keeps results.
//!
//! Providers that post the raw message (SendGrid "post raw MIME", Mailgun's `mime` routes,
//! Postmark with `RawEmail`) are stored byte for byte. Parsed posts are put back together
//! from their header list and bodies, each body base64-encoded in its declared charset, so
//! the parser reads them exactly as the provider decoded them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A form field: its name and bytes (multipart and urlencoded alike).
pub type Fields = Vec<(String, Vec<u8>)>;

/// The payload holds no message this provider would send.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct Malformed(pub String);

/// Takes a field out, so a raw message is moved rather than copied.
fn take(fields: &mut Fields, name: &str) -> Option<Vec<u8>> {
    let at = fields.iter().position(|(n, _)| n == name)?;
    Some(fields.swap_remove(at).1)
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a [u8]> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.as_slice())
}

fn field_text(fields: &Fields, name: &str) -> Option<String> {
    field(fields, name).map(|v| String::from_utf8_lossy(v).into_owned())
}

/// One body part: its bytes and their charset.
struct Part<'a> {
    subtype: &'static str,
    bytes: &'a [u8],
    charset: String,
}

/// Headers the composed message sets itself: the provider already decoded the bodies.
const CONTENT_HEADERS: [&str; 4] = [
    "content-type",
    "content-transfer-encoding",
    "mime-version",
    "content-length",
];

const BOUNDARY: &str = "=_autoresume_composed_=";

/// A message from a header list and its text and HTML bodies.
fn compose(headers: &[(String, String)], parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in headers {
        let name = name.trim();
        if name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
            || CONTENT_HEADERS.contains(&name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        // Folded values arrive unfolded or with bare newlines; one line each.
        let value: String = value
            .chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
            .collect();
        out.push_str(&format!("{name}: {}\r\n", value.trim()));
    }
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str(&format!(
        "Content-Type: multipart/alternative; boundary=\"{BOUNDARY}\"\r\n\r\n"
    ));
    for part in parts {
        out.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Type: text/{}; charset=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            part.subtype, part.charset
        ));
        let encoded = STANDARD.encode(part.bytes);
        for line in encoded.as_bytes().chunks(76) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    out.into_bytes()
}

/// Headers as SendGrid and Mailgun's raw header blocks carry them: `Name: value` lines,
/// continuation lines folded back in.
fn header_block(block: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    headers
}

/// SendGrid Inbound Parse: the raw `email` field ("post raw MIME"), else the parsed
/// fields (`headers`, `text`, `html` in the charsets `charsets` names).
pub fn sendgrid(mut fields: Fields) -> Result<Vec<u8>, Malformed> {
    if let Some(raw) = take(&mut fields, "email") {
        return Ok(raw);
    }
    let fields = &fields;
    let headers = field_text(fields, "headers").ok_or_else(|| {
        Malformed("neither an `email` nor a `headers` field: not an Inbound Parse post".into())
    })?;
    let charsets: serde_json::Value = field(fields, "charsets")
        .and_then(|c| serde_json::from_slice(c).ok())
        .unwrap_or_default();
    let charset = |name: &str| {
        charsets[name]
            .as_str()
            .filter(|c| {
                c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(&b))
            })
            .unwrap_or("utf-8")
            .to_owned()
    };
    let mut parts = Vec::new();
    for (name, subtype) in [("text", "plain"), ("html", "html")] {
        if let Some(bytes) = field(fields, name) {
            parts.push(Part {
                subtype,
                bytes,
                charset: charset(name),
            });
        }
    }
    Ok(compose(&header_block(&headers), &parts))
}

/// The fields Mailgun signs a post with.
pub struct MailgunSignature {
    pub timestamp: String,
    pub token: String,
    pub signature: String,
}

impl MailgunSignature {
    pub fn from_fields(fields: &Fields) -> Option<MailgunSignature> {
        Some(MailgunSignature {
            timestamp: field_text(fields, "timestamp")?,
            token: field_text(fields, "token")?,
            signature: field_text(fields, "signature")?,
        })
    }

    /// HMAC-SHA256 of timestamp and token under the signing key, compared in constant time.
    pub fn verify(&self, signing_key: &[u8]) -> bool {
        let Ok(expected) = hex::decode(self.signature.trim()) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(signing_key) else {
            return false;
        };
        mac.update(self.timestamp.as_bytes());
        mac.update(self.token.as_bytes());
        mac.verify_slice(&expected).is_ok()
    }

    /// The signing time in Unix seconds.
    pub fn seconds(&self) -> Option<i64> {
        self.timestamp.trim().parse().ok()
    }
}

/// A Mailgun route post: `body-mime` on `mime` routes, else the parsed fields
/// (`message-headers` as JSON pairs, `body-plain`, `body-html`, all UTF-8).
pub fn mailgun(mut fields: Fields) -> Result<Vec<u8>, Malformed> {
    if let Some(raw) = take(&mut fields, "body-mime") {
        return Ok(raw);
    }
    let fields = &fields;
    let headers: Vec<(String, String)> = field(fields, "message-headers")
        .and_then(|h| serde_json::from_slice(h).ok())
        .ok_or_else(|| {
            Malformed("neither `body-mime` nor `message-headers`: not a Mailgun route post".into())
        })?;
    let mut parts = Vec::new();
    for (name, subtype) in [("body-plain", "plain"), ("body-html", "html")] {
        if let Some(bytes) = field(fields, name) {
            parts.push(Part {
                subtype,
                bytes,
                charset: "utf-8".into(),
            });
        }
    }
    Ok(compose(&headers, &parts))
}

fn address(full: &serde_json::Value) -> Option<String> {
    let email = full["Email"].as_str().filter(|e| !e.is_empty())?;
    Some(match full["Name"].as_str().filter(|n| !n.is_empty()) {
        Some(name) => format!("\"{}\" <{email}>", name.replace('"', "'")),
        None => email.to_owned(),
    })
}

/// Postmark inbound JSON: `RawEmail` when the server includes it, else the message put
/// back together from `FromFull`, `To`, `Cc`, `Subject`, `Date`, `Headers` and the bodies.
pub fn postmark(body: Vec<u8>) -> Result<Vec<u8>, Malformed> {
    let mut json: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| Malformed(format!("not Postmark inbound JSON: {e}")))?;
    // The post is parsed once; only what was taken from it is held from here on.
    drop(body);
    if !json.is_object() {
        return Err(Malformed("not Postmark inbound JSON: not an object".into()));
    }
    if let serde_json::Value::String(raw) = json["RawEmail"].take()
        && !raw.is_empty()
    {
        return Ok(raw.into_bytes());
    }
    let mut headers = Vec::new();
    let from = address(&json["FromFull"]).or_else(|| json["From"].as_str().map(str::to_owned));
    let top = [
        ("From", from),
        ("To", json["To"].as_str().map(str::to_owned)),
        ("Cc", json["Cc"].as_str().map(str::to_owned)),
        ("Subject", json["Subject"].as_str().map(str::to_owned)),
        ("Date", json["Date"].as_str().map(str::to_owned)),
    ];
    for (name, value) in top {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            headers.push((name.to_owned(), value));
        }
    }
    for header in json["Headers"].as_array().into_iter().flatten() {
        if let (Some(name), Some(value)) = (header["Name"].as_str(), header["Value"].as_str()) {
            let taken = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
            if !taken {
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
    }
    let mut parts = Vec::new();
    for (name, subtype) in [("TextBody", "plain"), ("HtmlBody", "html")] {
        if let Some(text) = json[name].as_str().filter(|t| !t.is_empty()) {
            parts.push(Part {
                subtype,
                bytes: text.as_bytes(),
                charset: "utf-8".into(),
            });
        }
    }
    if headers.is_empty() && parts.is_empty() {
        return Err(Malformed("the Postmark JSON holds no message".into()));
    }
    Ok(compose(&headers, &parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_TOKEN: &str = "5o56tmpwd3dnwthehwclemd-i-7u2gv9vb3u745ywj67d0mc87";

    fn signature(timestamp: &str, token: &str, signature: &str) -> MailgunSignature {
        MailgunSignature {
            timestamp: timestamp.into(),
            token: token.into(),
            signature: signature.into(),
        }
    }

    #[test]
    fn mailgun_vectors_verify_with_their_keys_only() {
        let multi_mail = signature(
            "1366071615",
            VECTOR_TOKEN,
            "bc2ab6c1080d52f2a06928b93f21e86c2d28c548e2ef64354f8ba1a95bb53cd6",
        );
        assert!(multi_mail.verify(b"foo"));
        assert!(!multi_mail.verify(b"bar"));
        let anymail = signature(
            "1461261330",
            "06c96bafc3f42a66b9edd546347a2fe18dc23461fe80dc52f0",
            "3e24f71c7e802be94c5abca2fd6ca6957cca2e1e2396d26716b87e1ca8c56634",
        );
        assert!(anymail.verify(b"TEST_WEBHOOK_SIGNING_KEY"));
        assert!(!signature("1366071616", VECTOR_TOKEN, &multi_mail.signature).verify(b"foo"));
        assert!(!signature("1366071615", VECTOR_TOKEN, "not hex").verify(b"foo"));
    }

    #[test]
    fn parsed_posts_become_messages_the_parser_reads() {
        let fields: Fields = vec![
            (
                "headers".into(),
                b"From: Acme Hiring <jobs@acme.example>\r\nSubject: Your application\r\nMessage-ID: <1@acme>\r\nContent-Type: text/plain\r\n".to_vec(),
            ),
            ("text".into(), b"Caf\xe9 interview on Monday".to_vec()),
            ("charsets".into(), br#"{"text":"iso-8859-1"}"#.to_vec()),
        ];
        let raw = sendgrid(fields).expect("composed");
        let mail = shared::mail::parse(&raw).expect("parsed");
        assert_eq!(mail.subject.as_deref(), Some("Your application"));
        assert_eq!(mail.from_address.as_deref(), Some("jobs@acme.example"));
        assert!(mail.body.contains("Café interview"), "{}", mail.body);
        assert_eq!(
            sendgrid(vec![("to".into(), b"x".to_vec())]),
            Err(Malformed(
                "neither an `email` nor a `headers` field: not an Inbound Parse post".into()
            ))
        );
    }

    #[test]
    fn postmark_json_without_raw_email_is_put_back_together() {
        let raw = postmark(
            br#"{"FromFull": {"Email": "talent@globex.example", "Name": "Globex Talent"},
                 "To": "me@example.com", "Subject": "Interview invitation",
                 "Headers": [{"Name": "Message-ID", "Value": "<abc@globex>"}],
                 "TextBody": "We would like to invite you to an interview."}"#
                .to_vec(),
        )
        .expect("composed");
        let mail = shared::mail::parse(&raw).expect("parsed");
        assert_eq!(mail.from_name.as_deref(), Some("Globex Talent"));
        assert_eq!(mail.message_id.as_deref(), Some("abc@globex"));
        assert!(postmark(b"[1, 2]".to_vec()).is_err());
        assert!(postmark(b"{}".to_vec()).is_err());
    }
}
