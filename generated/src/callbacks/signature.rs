//! Checking `X-CommerceLayer-Signature`: the base64 HMAC-SHA256 of the raw body with a
//! shared secret, compared in constant time. What the header may hold is documented on
//! [`verify`] (this module is private; its items are re-exported by `callbacks`).

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

/// The length of an HMAC-SHA256 tag, in bytes.
const MAC_LEN: usize = 32;

/// Standard alphabet, padding optional, trailing bits must be zero (canonical).
const SIGNATURE_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a signature was refused. Each case is distinct so that a service can log it; none of
/// them says what the right signature would have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureError {
    /// There is no signature: the header is absent or empty.
    Missing,
    /// The signature is not a base64 HMAC-SHA256 (see [`verify`] for what is accepted), or
    /// the request carries the header more than once.
    Malformed,
    /// The signature is well formed but was not made with the body and any of the secrets:
    /// a wrong secret, a tampered or re-serialised body, or a forgery.
    Mismatch,
    /// No shared secret is configured (only empty ones were given): nothing can be
    /// verified. This is the receiving service's configuration error, not the caller's.
    NoSecret,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureError::Missing => "the callback carries no signature",
            SignatureError::Malformed => "the callback signature is not a base64 HMAC-SHA256",
            SignatureError::Mismatch => "the callback signature does not match its body",
            SignatureError::NoSecret => "no shared secret is configured to verify callbacks",
        })
    }
}

impl std::error::Error for SignatureError {}

/// Checks that `signature` (the `X-CommerceLayer-Signature` header's value) is the base64
/// HMAC-SHA256 of the raw `body` with the shared `secret`.
///
/// Source: the vendor's "Callbacks security" page (every webhook and external-resource call
/// is signed; sign the raw body, never a re-serialised one) and "External resources" (the
/// signature travels in the `X-CommerceLayer-Signature` header).
///
/// # What the signature may be
///
/// The vendor's examples produce it with Node's `digest("base64")`: the standard alphabet
/// (`+`, `/`) with `=` padding, 44 characters for the 32 bytes of a SHA-256 MAC. That is
/// accepted, and also:
/// - the same without its `=` (43 characters): a proxy that strips padding changes no bit of
///   the MAC, so refusing it would only turn a valid call into an outage;
/// - spaces and tabs around the value (HTTP's optional whitespace, which most servers strip
///   already).
///
/// Anything else is [`SignatureError::Malformed`]: the URL-safe alphabet (`-`, `_`), line
/// breaks or spaces inside the value, non-canonical trailing bits, hex, or a MAC of another
/// length. The vendor produces none of these, and accepting them would only widen what a
/// forger may try. The decoded MAC is compared with each secret's in constant time (with
/// [`subtle`]), without stopping at the first match.
///
/// ```
/// use commercelayer::callbacks::{SignatureError, verify};
///
/// let body = br#"{"data":{"id":"xYZkjABcde","type":"orders"}}"#;
/// // printf %s BODY | openssl dgst -sha256 -hmac s3cret -binary | base64
/// let signature = "PZtin6uxv0T3spLeAvI6STcQrafrMxMAaCBHoL+QMcQ=";
/// assert_eq!(verify(b"s3cret", body, signature), Ok(()));
/// assert_eq!(verify(b"other", body, signature), Err(SignatureError::Mismatch));
/// ```
///
/// With several secrets (while one is being rotated), use a [`Verifier`].
pub fn verify(secret: &[u8], body: &[u8], signature: &str) -> Result<(), SignatureError> {
    Verifier::new(secret).verify(body, signature)
}

/// Verifies signatures against one or more shared secrets.
///
/// Commerce Layer regenerates a shared secret on request (`_regenerate_shared_secret`); while
/// the new one is being rolled out, give both: a body signed with either is accepted. Each
/// secret is keyed once, here, not at every call.
///
/// Its `Debug` shows how many secrets it holds, never their values.
#[derive(Clone)]
pub struct Verifier {
    keyed: Vec<Hmac<Sha256>>,
}

impl Verifier {
    /// A verifier for one shared secret. An empty secret is ignored (and a verifier with none
    /// refuses everything with [`SignatureError::NoSecret`]).
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self::with_secrets([secret])
    }

    /// A verifier accepting a signature made with any of `secrets` (empty ones are ignored).
    pub fn with_secrets<I>(secrets: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut verifier = Self { keyed: Vec::new() };
        for secret in secrets {
            verifier = verifier.secret(secret);
        }
        verifier
    }

    /// Also accepts signatures made with `secret` (ignored when empty).
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        if !secret.is_empty() {
            // HMAC takes keys of any length (a long one is hashed first): this cannot fail.
            if let Ok(keyed) = Hmac::<Sha256>::new_from_slice(secret) {
                self.keyed.push(keyed);
            }
        }
        self
    }

    /// How many secrets it accepts.
    pub fn len(&self) -> usize {
        self.keyed.len()
    }

    /// Whether it has no secret (and so refuses everything).
    pub fn is_empty(&self) -> bool {
        self.keyed.is_empty()
    }

    /// Checks `signature` against `body`, as [`verify`] does, with every secret.
    pub fn verify(&self, body: &[u8], signature: &str) -> Result<(), SignatureError> {
        if self.keyed.is_empty() {
            return Err(SignatureError::NoSecret);
        }
        let tag = decode_signature(signature)?;
        let mut matched = Choice::from(0);
        for keyed in &self.keyed {
            let mut mac = keyed.clone();
            mac.update(body);
            let expected = mac.finalize().into_bytes();
            matched |= expected.as_slice().ct_eq(&tag);
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }

    /// Checks the `X-CommerceLayer-Signature` header of `headers` against `body`: missing
    /// when absent, malformed when sent more than once or not visible ASCII.
    pub fn verify_headers(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        if self.keyed.is_empty() {
            return Err(SignatureError::NoSecret);
        }
        let mut values = headers.get_all(super::SIGNATURE_HEADER).iter();
        let value = match (values.next(), values.next()) {
            (None, _) => return Err(SignatureError::Missing),
            (Some(_), Some(_)) => return Err(SignatureError::Malformed),
            (Some(value), None) => value,
        };
        let text = value.to_str().map_err(|_| SignatureError::Malformed)?;
        self.verify(body, text)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.keyed.len())
            .finish()
    }
}

/// Decodes a header value into the 32 bytes of a MAC, or says why it is not one.
fn decode_signature(signature: &str) -> Result<[u8; MAC_LEN], SignatureError> {
    let trimmed = signature.trim_matches([' ', '\t']);
    if trimmed.is_empty() {
        return Err(SignatureError::Missing);
    }
    // 32 bytes are 43 base64 characters, 44 with their padding: check before decoding, so a
    // hostile value costs nothing.
    if !(43..=44).contains(&trimmed.len()) {
        return Err(SignatureError::Malformed);
    }
    let mut buffer = [0u8; 48];
    let written = SIGNATURE_BASE64
        .decode_slice(trimmed, &mut buffer)
        .map_err(|_| SignatureError::Malformed)?;
    if written != MAC_LEN {
        return Err(SignatureError::Malformed);
    }
    let mut tag = [0u8; MAC_LEN];
    tag.copy_from_slice(&buffer[..MAC_LEN]);
    Ok(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_bounds_and_alphabet() {
        assert_eq!(decode_signature(""), Err(SignatureError::Missing));
        assert_eq!(decode_signature(" \t "), Err(SignatureError::Missing));
        assert_eq!(
            decode_signature(&"A".repeat(10_000)),
            Err(SignatureError::Malformed)
        );
        // 44 characters that decode to 33 bytes cannot be a padded 32-byte MAC.
        assert_eq!(
            decode_signature(&"A".repeat(44)),
            Err(SignatureError::Malformed)
        );
        let zero = format!("{}=", "A".repeat(43));
        assert_eq!(decode_signature(&zero), Ok([0u8; MAC_LEN]));
        assert_eq!(decode_signature(&zero[..43]), Ok([0u8; MAC_LEN]));
    }

    #[test]
    fn debug_shows_no_secret() {
        let verifier = Verifier::with_secrets(["first-secret", "", "second-secret"]);
        assert_eq!(verifier.len(), 2);
        let shown = format!("{verifier:?}");
        assert_eq!(shown, "Verifier { secrets: 2 }");
    }
}
