//! What a Commerce Layer access token says about itself: its JWT payload, decoded without a
//! network call and without checking its signature.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::auth_error;
use crate::error::Error;

/// The longest token decoded: 64 KiB, far above any Commerce Layer token (a few KiB with
/// many stock locations).
const MAX_TOKEN_LENGTH: usize = 64 * 1024;

/// base64url, with or without `=` padding (JWTs have none; some encoders add it).
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The claims of a Commerce Layer access token: its organization, application, owner,
/// market, scope, mode and lifetime.
///
/// Decoded from the token's JWT payload (base64url JSON) **without verifying its signature**:
/// use them to route, display and schedule, never to trust what a token you were handed
/// claims (the API verifies every token it receives).
///
/// ```
/// # use commercelayer::auth::Claims;
/// # fn run(token: &str) -> commercelayer::Result<()> {
/// let claims = Claims::decode(token)?;
/// println!(
///     "{} token of {:?} in {} mode, until {}",
///     claims.application_kind(),
///     claims.organization_slug(),
///     if claims.test() { "test" } else { "live" },
///     claims.expires_at(),
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    organization_id: Option<String>,
    organization_slug: Option<String>,
    organization_enterprise: Option<bool>,
    organization_region: Option<String>,
    application_id: Option<String>,
    application_kind: String,
    application_public: Option<bool>,
    owner_id: Option<String>,
    owner_type: Option<String>,
    user_id: Option<String>,
    market_ids: Vec<String>,
    market_price_list_id: Option<String>,
    market_stock_location_ids: Vec<String>,
    market_geocoder_id: Option<String>,
    market_allows_external_prices: Option<bool>,
    scope: Option<String>,
    test: bool,
    issued_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    issuer: Option<String>,
    custom_claim: Option<Map<String, Value>>,
    payload: Map<String, Value>,
}

impl Claims {
    /// Decodes `token`'s claims; fails, saying why and never repeating the token, when it is
    /// not a JWT (not three base64url parts, a header or payload that is not a JSON object),
    /// lacks a claim every token has (`application.kind`, `test`, `exp`), has a claim of the
    /// wrong type, or has expired ([`Claims::decode_ignoring_expiry`] reads those too).
    ///
    /// The signature is not verified: see the type's documentation.
    pub fn decode(token: &str) -> Result<Claims, Error> {
        let claims = Self::decode_ignoring_expiry(token)?;
        if claims.is_expired() {
            return Err(invalid(format!(
                "the token expired at {}",
                claims.expires_at.to_rfc3339()
            )));
        }
        Ok(claims)
    }

    /// [`Claims::decode`], without failing on an expired token.
    pub fn decode_ignoring_expiry(token: &str) -> Result<Claims, Error> {
        let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
        if token.len() > MAX_TOKEN_LENGTH {
            return Err(invalid(format!(
                "the token is {} bytes long, more than the {MAX_TOKEN_LENGTH} a token may be",
                token.len()
            )));
        }
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(invalid(format!(
                "not a JWT: it has {} dot-separated part{}, not 3 (header, payload, signature)",
                parts.len(),
                if parts.len() == 1 { "" } else { "s" }
            )));
        }
        json_object(parts[0], "header")?;
        let payload = json_object(parts[1], "payload")?;
        Self::from_payload(payload)
    }

    fn from_payload(payload: Map<String, Value>) -> Result<Claims, Error> {
        let mut reader = Reader {
            root: &payload,
            missing: Vec::new(),
        };
        let application_kind = reader.required_string("application.kind")?;
        let test = reader.required_bool("test")?;
        let exp = reader.required_number("exp")?;
        if !reader.missing.is_empty() {
            return Err(invalid(format!(
                "the token lacks the claim{} {}",
                if reader.missing.len() == 1 { "" } else { "s" },
                reader.missing.join(", ")
            )));
        }
        let (Some(application_kind), Some(test), Some(exp)) = (application_kind, test, exp) else {
            return Err(invalid("the token lacks a claim"));
        };
        let expires_at = timestamp(exp, "exp")?;
        let issued_at = reader
            .number("iat")?
            .map(|iat| timestamp(iat, "iat"))
            .transpose()?;
        let custom_claim = match reader.get("custom_claim")? {
            None => None,
            Some(Value::Object(members)) => Some(members.clone()),
            Some(_) => return Err(wrong_type("custom_claim", "an object")),
        };
        Ok(Claims {
            organization_id: reader.id("organization.id")?,
            organization_slug: reader.string("organization.slug")?,
            organization_enterprise: reader.bool("organization.enterprise")?,
            organization_region: reader.string("organization.region")?,
            application_id: reader.id("application.id")?,
            application_kind,
            application_public: reader.bool("application.public")?,
            owner_id: reader.id("owner.id")?,
            owner_type: reader.string("owner.type")?,
            user_id: reader.id("user.id")?,
            market_ids: reader.ids("market.id")?,
            market_price_list_id: reader.id("market.price_list_id")?,
            market_stock_location_ids: reader.ids("market.stock_location_ids")?,
            market_geocoder_id: reader.id("market.geocoder_id")?,
            market_allows_external_prices: reader.bool("market.allows_external_prices")?,
            scope: reader.string("scope")?,
            test,
            issued_at,
            expires_at,
            issuer: reader.string("iss")?,
            custom_claim,
            payload,
        })
    }

    /// The organization's id (`organization.id`); `None` for user and dashboard tokens.
    pub fn organization_id(&self) -> Option<&str> {
        self.organization_id.as_deref()
    }

    /// The organization's slug (`organization.slug`), which names its API:
    /// `https://{slug}.commercelayer.io/api`; `None` for user and dashboard tokens.
    pub fn organization_slug(&self) -> Option<&str> {
        self.organization_slug.as_deref()
    }

    /// Whether the organization is on an enterprise plan (`organization.enterprise`).
    pub fn organization_enterprise(&self) -> Option<bool> {
        self.organization_enterprise
    }

    /// The organization's region (`organization.region`).
    pub fn organization_region(&self) -> Option<&str> {
        self.organization_region.as_deref()
    }

    /// The application's id (`application.id`).
    pub fn application_id(&self) -> Option<&str> {
        self.application_id.as_deref()
    }

    /// The kind of credentials (`application.kind`): `integration`, `sales_channel`,
    /// `webapp`, `user` or `dashboard`.
    pub fn application_kind(&self) -> &str {
        &self.application_kind
    }

    /// Whether the credentials are public, as a sales channel's (`application.public`).
    pub fn application_public(&self) -> Option<bool> {
        self.application_public
    }

    /// The owner's id (`owner.id`): the customer (or user) the token acts for.
    pub fn owner_id(&self) -> Option<&str> {
        self.owner_id.as_deref()
    }

    /// The owner's type (`owner.type`): `Customer` or `User`.
    pub fn owner_type(&self) -> Option<&str> {
        self.owner_type.as_deref()
    }

    /// The user's id (`user.id`), in user and dashboard tokens.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The ids of the markets in scope (`market.id`); empty when the token has no market.
    pub fn market_ids(&self) -> &[String] {
        &self.market_ids
    }

    /// The price list of the market in scope (`market.price_list_id`).
    pub fn market_price_list_id(&self) -> Option<&str> {
        self.market_price_list_id.as_deref()
    }

    /// The stock locations of the market in scope (`market.stock_location_ids`).
    pub fn market_stock_location_ids(&self) -> &[String] {
        &self.market_stock_location_ids
    }

    /// The geocoder of the market in scope (`market.geocoder_id`).
    pub fn market_geocoder_id(&self) -> Option<&str> {
        self.market_geocoder_id.as_deref()
    }

    /// Whether the market in scope takes external prices (`market.allows_external_prices`).
    pub fn market_allows_external_prices(&self) -> Option<bool> {
        self.market_allows_external_prices
    }

    /// The scope granted (`scope`), such as `market:id:xYZkjABcde`.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Whether the token is for test mode (`test`); false for live mode.
    pub fn test(&self) -> bool {
        self.test
    }

    /// When the token was issued (`iat`).
    pub fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.issued_at
    }

    /// When the token expires (`exp`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Whether [`Claims::expires_at`] has passed.
    pub fn is_expired(&self) -> bool {
        self.expires_at <= Utc::now()
    }

    /// Who issued the token (`iss`), such as `https://auth.commercelayer.io`.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// What a JWT bearer assertion added to the token (`custom_claim`).
    pub fn custom_claim(&self) -> Option<&Map<String, Value>> {
        self.custom_claim.as_ref()
    }

    /// The whole payload, for claims without an accessor.
    pub fn payload(&self) -> &Map<String, Value> {
        &self.payload
    }
}

/// The error for a token that cannot be decoded.
fn invalid(reason: impl std::fmt::Display) -> Error {
    auth_error(format!("cannot decode the access token: {reason}"))
}

fn wrong_type(claim: &str, expected: &str) -> Error {
    invalid(format!("the claim `{claim}` is not {expected}"))
}

/// One part of a JWT, decoded: a JSON object.
fn json_object(part: &str, name: &str) -> Result<Map<String, Value>, Error> {
    let bytes = BASE64URL
        .decode(part)
        .map_err(|_| invalid(format!("not a JWT: its {name} is not base64url")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(members)) => Ok(members),
        _ => Err(invalid(format!(
            "not a JWT: its {name} is not a JSON object"
        ))),
    }
}

/// Seconds since the epoch as a time.
fn timestamp(seconds: f64, claim: &str) -> Result<DateTime<Utc>, Error> {
    if !seconds.is_finite() || seconds.abs() > 1e15 {
        return Err(invalid(format!("the claim `{claim}` is out of range")));
    }
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9) as u32;
    DateTime::from_timestamp(whole as i64, nanos.min(999_999_999))
        .ok_or_else(|| invalid(format!("the claim `{claim}` is out of range")))
}

/// Reads claims by dotted path, recording the required ones missing.
struct Reader<'p> {
    root: &'p Map<String, Value>,
    missing: Vec<&'static str>,
}

impl<'p> Reader<'p> {
    /// The value at `path`, `None` when it (or an object on the way) is absent or null; an
    /// error when something on the way is not an object.
    fn get(&self, path: &str) -> Result<Option<&'p Value>, Error> {
        let mut members = self.root;
        let mut walked = String::new();
        let mut segments = path.split('.').peekable();
        while let Some(segment) = segments.next() {
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(segment);
            let value = match members.get(segment) {
                None | Some(Value::Null) => return Ok(None),
                Some(value) => value,
            };
            if segments.peek().is_none() {
                return Ok(Some(value));
            }
            match value {
                Value::Object(inner) => members = inner,
                _ => return Err(wrong_type(&walked, "an object")),
            }
        }
        Ok(None)
    }

    fn string(&self, path: &str) -> Result<Option<String>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(wrong_type(path, "a string")),
        }
    }

    /// An id: a string, or a number (older tokens carry numeric ids).
    fn id(&self, path: &str) -> Result<Option<String>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(_) => Err(wrong_type(path, "a string or a number")),
        }
    }

    /// A list of ids, or a single one.
    fn ids(&self, path: &str) -> Result<Vec<String>, Error> {
        let one = |value: &Value| match value {
            Value::String(text) => Ok(text.clone()),
            Value::Number(number) => Ok(number.to_string()),
            _ => Err(wrong_type(path, "a list of ids")),
        };
        match self.get(path)? {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(one).collect(),
            Some(value) => Ok(vec![one(value)?]),
        }
    }

    fn bool(&self, path: &str) -> Result<Option<bool>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(_) => Err(wrong_type(path, "true or false")),
        }
    }

    fn number(&self, path: &str) -> Result<Option<f64>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(Value::Number(number)) => number
                .as_f64()
                .map(Some)
                .ok_or_else(|| wrong_type(path, "a number")),
            Some(_) => Err(wrong_type(path, "a number")),
        }
    }

    fn required_string(&mut self, path: &'static str) -> Result<Option<String>, Error> {
        let value = self.string(path)?;
        if value.is_none() {
            self.missing.push(path);
        }
        Ok(value)
    }

    fn required_bool(&mut self, path: &'static str) -> Result<Option<bool>, Error> {
        let value = self.bool(path)?;
        if value.is_none() {
            self.missing.push(path);
        }
        Ok(value)
    }

    fn required_number(&mut self, path: &'static str) -> Result<Option<f64>, Error> {
        let value = self.number(path)?;
        if value.is_none() {
            self.missing.push(path);
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(json: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJl",
            encode(r#"{"alg":"RS512","typ":"JWT"}"#),
            encode(payload)
        )
    }

    // Dotted paths walk objects; a scalar on the way is a typed error, null is absent.
    #[test]
    fn claims_are_read_by_path() {
        let payload = r#"{"application":{"kind":"integration","id":40},"test":false,"exp":4102444800,"organization":null,"market":{"id":7}}"#;
        let claims = Claims::decode(&token(payload)).expect("decodes");
        assert_eq!(claims.application_id(), Some("40"));
        assert_eq!(claims.organization_slug(), None);
        assert_eq!(claims.market_ids(), ["7"]);
        let error = Claims::decode(&token(
            r#"{"application":"integration","test":false,"exp":4102444800}"#,
        ))
        .expect_err("application is not an object");
        assert!(
            error
                .to_string()
                .contains("the claim `application` is not an object"),
            "{error}"
        );
    }

    // Fractional and out-of-range times are handled without a panic.
    #[test]
    fn timestamps_are_bounded() {
        assert!(timestamp(1.5, "exp").is_ok());
        for bad in [f64::NAN, f64::INFINITY, 1e300, -1e300] {
            assert!(timestamp(bad, "exp").is_err(), "{bad}");
        }
    }
}
