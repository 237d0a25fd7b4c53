//! The envelope's byte layout (see the module docs): building, parsing and the AAD.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::{
    MAX_ENVELOPE_LEN, MalformedEnvelope, PREFIX_V1, PURPOSE, VERSION_V1, VaultError, keys::KEY_LEN,
};

/// HPKE encapsulated key length for DHKEM(X25519).
pub(crate) const ENC_LEN: usize = KEY_LEN;
/// AES-256-GCM tag length.
pub(crate) const TAG_LEN: usize = 16;

/// What an envelope says about itself, readable without any key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EnvelopeHeader {
    pub version: u8,
    pub key_id: String,
    pub platform: String,
    pub user_id: String,
}

impl EnvelopeHeader {
    pub(crate) fn new(key_id: &str, platform: &str, user_id: &str) -> Result<Self, VaultError> {
        for (field, value) in [
            ("key id", key_id),
            ("platform", platform),
            ("user id", user_id),
        ] {
            if value.is_empty() || value.len() > usize::from(u8::MAX) {
                return Err(VaultError::InvalidField {
                    field,
                    len: value.len(),
                });
            }
        }
        Ok(EnvelopeHeader {
            version: VERSION_V1,
            key_id: key_id.to_owned(),
            platform: platform.to_owned(),
            user_id: user_id.to_owned(),
        })
    }

    /// `version || lp8(key_id) || lp8(platform) || lp8(user_id)`; fields were checked in `new`.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(4 + self.key_id.len() + self.platform.len() + self.user_id.len());
        out.push(self.version);
        for field in [&self.key_id, &self.platform, &self.user_id] {
            push_lp8(&mut out, field.as_bytes());
        }
        out
    }
}

fn push_lp8(out: &mut Vec<u8>, bytes: &[u8]) {
    // Callers guarantee 1..=255 bytes; saturating keeps this total even if one did not.
    out.push(u8::try_from(bytes.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(bytes);
}

/// `lp8(PURPOSE) || header bytes`.
pub(crate) fn aad(header_bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + PURPOSE.len() + header_bytes.len());
    push_lp8(&mut out, PURPOSE.as_bytes());
    out.extend_from_slice(header_bytes);
    out
}

pub(crate) fn encode(header_bytes: &[u8], enc: &[u8], ciphertext: &[u8]) -> String {
    let mut payload = Vec::with_capacity(header_bytes.len() + enc.len() + ciphertext.len());
    payload.extend_from_slice(header_bytes);
    payload.extend_from_slice(enc);
    payload.extend_from_slice(ciphertext);
    let mut out = String::with_capacity(PREFIX_V1.len() + payload.len().div_ceil(3) * 4);
    out.push_str(PREFIX_V1);
    URL_SAFE_NO_PAD.encode_string(&payload, &mut out);
    out
}

/// A parsed envelope: the header, its exact bytes (for the AAD) and the HPKE parts.
pub(crate) struct Parsed {
    pub header: EnvelopeHeader,
    pub header_len: usize,
    pub payload: Vec<u8>,
}

impl Parsed {
    pub fn header_bytes(&self) -> &[u8] {
        &self.payload[..self.header_len]
    }

    pub fn enc(&self) -> &[u8] {
        &self.payload[self.header_len..self.header_len + ENC_LEN]
    }

    pub fn ciphertext(&self) -> &[u8] {
        &self.payload[self.header_len + ENC_LEN..]
    }
}

pub(crate) fn parse(envelope: &str) -> Result<Parsed, VaultError> {
    if envelope.len() > MAX_ENVELOPE_LEN {
        return Err(MalformedEnvelope::TooLarge.into());
    }
    let body = strip_prefix(envelope)?;
    let payload = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| MalformedEnvelope::NotBase64url)?;
    let mut reader = Reader {
        bytes: &payload,
        at: 0,
    };
    let version = reader.byte()?;
    if version != VERSION_V1 {
        // The prefix said v1 but the payload says otherwise: a spliced or corrupted envelope.
        return Err(VaultError::UnsupportedVersion {
            found: format!("payload version {version}"),
        });
    }
    let key_id = reader.field("key id")?;
    let platform = reader.field("platform")?;
    let user_id = reader.field("user id")?;
    let header_len = reader.at;
    let rest = payload.len() - header_len;
    if rest < ENC_LEN {
        return Err(MalformedEnvelope::TruncatedKey.into());
    }
    if rest < ENC_LEN + TAG_LEN {
        return Err(MalformedEnvelope::TruncatedCiphertext.into());
    }
    Ok(Parsed {
        header: EnvelopeHeader {
            version,
            key_id,
            platform,
            user_id,
        },
        header_len,
        payload,
    })
}

/// Accepts `arv1.`; names any other `arv<digits>.` as an unsupported version.
fn strip_prefix(envelope: &str) -> Result<&str, VaultError> {
    if let Some(body) = envelope.strip_prefix(PREFIX_V1) {
        return Ok(body);
    }
    let version = envelope
        .strip_prefix("arv")
        .and_then(|rest| rest.split_once('.'))
        .map(|(digits, _)| digits)
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    match version {
        Some(digits) => Err(VaultError::UnsupportedVersion {
            found: format!("arv{digits}"),
        }),
        None => Err(MalformedEnvelope::MissingPrefix.into()),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, VaultError> {
        let byte = *self
            .bytes
            .get(self.at)
            .ok_or(MalformedEnvelope::TruncatedHeader)?;
        self.at += 1;
        Ok(byte)
    }

    fn field(&mut self, name: &'static str) -> Result<String, VaultError> {
        let len = usize::from(self.byte()?);
        let bytes = self
            .bytes
            .get(self.at..self.at + len)
            .ok_or(MalformedEnvelope::TruncatedHeader)?;
        self.at += len;
        if len == 0 {
            return Err(MalformedEnvelope::BadField(name).into());
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| MalformedEnvelope::BadField(name).into())
    }
}

/// Reads an envelope's header without opening it, so the companion can check the user,
/// platform and key id (and pick the key) first and name the cause of a mismatch.
pub fn inspect(envelope: &str) -> Result<EnvelopeHeader, VaultError> {
    parse(envelope).map(|parsed| parsed.header)
}
