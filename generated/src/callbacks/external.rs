//! External resources: the callbacks Commerce Layer makes to its user's service for prices,
//! taxes, shipping costs, order validation, promotions and payments, with typed answers.
//!
//! Each callback is a marker type implementing [`ExternalCallback`]: the resource its payload
//! holds in `data`, the relationships the vendor includes, and the answer it expects. A
//! service decodes the payload into the resource type (`Document<LineItem>` for a price)
//! and answers with the callback's reply ([`Reply<PriceData>`] for a price), which turns into
//! the HTTP response Commerce Layer reads ([`Respond`]).
//!
//! # Where each shape comes from
//!
//! The vendor's documentation, "External resources" and one page per callback
//! (docs.commercelayer.io, "Core API" → "External resources"; older copies in the public
//! repository `commercelayer/commercelayer-docs-api`, `external-resources/*.md`):
//! - **Payload**: a JSON:API document of one resource, as a fetch through the API returns
//!   it, with some relationships included (listed per callback below; a resource's
//!   `external_includes` attribute adds more).
//! - **Success**: `{"success": true, "data": {...}}`, where `data` is the callback's
//!   result, with an optional `metadata` object the API stores on the resource.
//! - **Error**: `{"success": false, "error": {"code": ..., "message": ...}}`, with "an HTTP
//!   code >= 400" (the current "External resources" page); this module answers `422`.
//!   Payment gateways put the error inside `data`, beside the transaction token and amount.
//! - **Circuit breaker**: after more than 30 consecutive failures (timeouts, `5xx`, ...) the
//!   API stops calling the endpoint until the circuit is reset (`_reset_circuit`); a failed
//!   call is usually ignored (the order goes on without the external value) and sometimes,
//!   for prices, a `422` to the API's caller. The pages we read give no timeout figure for
//!   external resources (webhooks have 5 seconds): answer quickly.
//!
//! Old copies of the pages write `"success": "true"` (a string); the current ones a boolean.
//! Replies are written with booleans and read with either.
//!
//! Two shapes could not be checked against the vendor's own example, because the stored
//! copies of their pages end before it; they are marked **unverified** below and carry an
//! `other` map so a field can be added without waiting for a release: the success data of
//! [`ShippingCosts`] and the failure of [`OrderValidation`].

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Response, StatusCode};
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One kind of external callback: what its payload holds and what it answers.
pub trait ExternalCallback: 'static {
    /// The callback's name, as the vendor's documentation titles it.
    const NAME: &'static str;
    /// The JSON:API type of the resource in the payload's `data`.
    const RESOURCE: &'static str;
    /// The relationships the vendor documents as `included` in the payload.
    const INCLUDED: &'static [&'static str];
    /// The answer the callback expects.
    type Reply: Respond;
}

/// An answer to a callback, as the HTTP response Commerce Layer reads.
pub trait Respond {
    /// The HTTP response: its status, `Content-Type: application/json` and the JSON body.
    fn into_response(self) -> Response<Bytes>;
}

macro_rules! callback {
    ($(#[$doc:meta])* $name:ident, $title:literal, $resource:literal, [$($included:literal),*], $reply:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl ExternalCallback for $name {
            const NAME: &'static str = $title;
            const RESOURCE: &'static str = $resource;
            const INCLUDED: &'static [&'static str] = &[$($included),*];
            type Reply = $reply;
        }
    };
}

callback!(
    /// External prices: a line item created with `_external_price: true` in a market with an
    /// `external_prices_url`. Payload: the `line_items` resource, including `order`,
    /// `order.customer`, `order.customer.tags`, `order.line_items`, `order.market` and
    /// `item`. Answer: the unit price ([`PriceData`]).
    ///
    /// Source: the vendor's "External prices" page.
    Prices,
    "external prices",
    "line_items",
    ["order", "order.customer", "order.customer.tags", "order.line_items", "order.market", "item"],
    Reply<PriceData>
);

callback!(
    /// External tax calculators: the tax calculation of an order whose market has an
    /// external tax calculator. Payload: the `orders` resource, including `market`,
    /// `line_items`, `line_items.item`, `shipping_address` and `billing_address`. Answer:
    /// the tax rates ([`TaxData`]).
    ///
    /// Source: the vendor's "External tax calculators" page.
    Taxes,
    "external tax calculators",
    "orders",
    ["market", "line_items", "line_items.item", "shipping_address", "billing_address"],
    Reply<TaxData>
);

callback!(
    /// External shipping costs: a shipment given a shipping method whose `scheme` is
    /// `external`. Payload: the `shipments` resource, including its `shipping_method` (and,
    /// in the current page, its `order`). Answer: the cost ([`ShippingCostData`],
    /// **unverified**).
    ///
    /// Source: the vendor's "External shipping costs" page.
    ShippingCosts,
    "external shipping costs",
    "shipments",
    ["shipping_method", "order"],
    Reply<ShippingCostData>
);

callback!(
    /// External order validation: an order updated with `_validate: true` in a market with an
    /// `external_order_validation_url`. Payload: the `orders` resource, including
    /// `billing_address`, `shipping_address`, `line_items`, `line_items.item`, `market`,
    /// `customer`, `shipments` and `shipments.shipping_method`. Answer: valid, or the errors
    /// ([`ValidationReply`], failure **unverified**); the API answers the `PATCH` with a
    /// `422` showing them.
    ///
    /// Source: the vendor's "External order validation" page.
    OrderValidation,
    "external order validation",
    "orders",
    [
        "billing_address",
        "shipping_address",
        "line_items",
        "line_items.item",
        "market",
        "customer",
        "shipments",
        "shipments.shipping_method"
    ],
    ValidationReply
);

callback!(
    /// External promotions: an external promotion whose activation rules an order meets.
    /// Payload: the `orders` resource, including `market`, `line_items`, `line_items.item`,
    /// `shipping_address` and `billing_address`. Answer: the discount ([`DiscountData`]).
    ///
    /// Source: the vendor's "External promotions" page.
    Promotions,
    "external promotions",
    "orders",
    ["market", "line_items", "line_items.item", "shipping_address", "billing_address"],
    Reply<DiscountData>
);

callback!(
    /// External payment gateways, authorization (`authorize_url`): an order placed with an
    /// external payment. Payload: the `external_payments` resource, including `order`,
    /// `order.market`, `order.line_items`, `order.line_items.item`, `order.shipping_address`
    /// and `order.billing_address`. Answer: [`PaymentReply`].
    ///
    /// Source: the vendor's "External payment gateways" page.
    Authorize,
    "external payment gateways: authorization",
    "external_payments",
    [
        "order",
        "order.market",
        "order.line_items",
        "order.line_items.item",
        "order.shipping_address",
        "order.billing_address"
    ],
    PaymentReply
);

callback!(
    /// External payment gateways, capture (`capture_url`): an authorization being captured.
    /// Payload: the `authorizations` resource, with the same relationships as [`Authorize`].
    /// Answer: [`PaymentReply`].
    ///
    /// Source: the vendor's "External payment gateways" page.
    Capture,
    "external payment gateways: capture",
    "authorizations",
    [
        "order",
        "order.market",
        "order.line_items",
        "order.line_items.item",
        "order.shipping_address",
        "order.billing_address"
    ],
    PaymentReply
);

callback!(
    /// External payment gateways, void (`void_url`): an authorization being voided. Payload:
    /// the `authorizations` resource, with the same relationships as [`Authorize`]. Answer:
    /// [`PaymentReply`].
    ///
    /// Source: the vendor's "External payment gateways" page.
    Void,
    "external payment gateways: void",
    "authorizations",
    [
        "order",
        "order.market",
        "order.line_items",
        "order.line_items.item",
        "order.shipping_address",
        "order.billing_address"
    ],
    PaymentReply
);

callback!(
    /// External payment gateways, refund (`refund_url`): a capture being refunded, wholly or
    /// partly. Payload: the `captures` resource, with the same relationships as
    /// [`Authorize`]. Answer: [`PaymentReply`].
    ///
    /// Source: the vendor's "External payment gateways" page.
    Refund,
    "external payment gateways: refund",
    "captures",
    [
        "order",
        "order.market",
        "order.line_items",
        "order.line_items.item",
        "order.shipping_address",
        "order.billing_address"
    ],
    PaymentReply
);

/// The status of a failure answer: the vendor asks for "an HTTP code >= 400".
const FAILURE_STATUS: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// What went wrong, as a callback answers it: `{"code": ..., "message": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackError {
    /// A code of your choosing (`OUT_OF_STOCK`).
    pub code: String,
    /// A message, shown by the API to its caller.
    pub message: String,
}

impl CallbackError {
    /// An error with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// The answer of most callbacks: `{"success": true, "data": D}` (`200 OK`), or
/// `{"success": false, "error": {"code", "message"}}` (`422`).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply<D> {
    /// The callback's result.
    Success(D),
    /// Why there is none.
    Failure(CallbackError),
}

impl<D> Reply<D> {
    /// A failure with a code and a message.
    pub fn failure(code: impl Into<String>, message: impl Into<String>) -> Self {
        Reply::Failure(CallbackError::new(code, message))
    }
}

impl<D: Serialize> Serialize for Reply<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            Reply::Success(data) => {
                map.serialize_entry("success", &true)?;
                map.serialize_entry("data", data)?;
            }
            Reply::Failure(error) => {
                map.serialize_entry("success", &false)?;
                map.serialize_entry("error", error)?;
            }
        }
        map.end()
    }
}

impl<'de, D: Deserialize<'de>> Deserialize<'de> for Reply<D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        #[derive(Deserialize)]
        struct Raw<D> {
            success: Flag,
            data: Option<D>,
            error: Option<CallbackError>,
        }
        let raw = Raw::<D>::deserialize(deserializer)?;
        match (raw.success.0, raw.data, raw.error) {
            (true, Some(data), _) => Ok(Reply::Success(data)),
            (true, None, _) => Err(de::Error::missing_field("data")),
            (false, _, Some(error)) => Ok(Reply::Failure(error)),
            (false, _, None) => Err(de::Error::missing_field("error")),
        }
    }
}

impl<D: Serialize> Respond for Reply<D> {
    fn into_response(self) -> Response<Bytes> {
        let status = match self {
            Reply::Success(_) => StatusCode::OK,
            Reply::Failure(_) => FAILURE_STATUS,
        };
        json_response(status, &self)
    }
}

/// `success`, a boolean or (in old copies of the vendor's pages) the string `"true"` or
/// `"false"`.
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl de::Visitor<'_> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Flag, E> {
                Ok(Flag(value))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Flag, E> {
                match value {
                    "true" => Ok(Flag(true)),
                    "false" => Ok(Flag(false)),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// Builder methods shared by every result type: `metadata` and fields this client has no
/// name for.
macro_rules! extras {
    ($name:ident) => {
        impl $name {
            /// Sets `metadata`, which the API stores on the resource.
            pub fn metadata(mut self, metadata: Map<String, Value>) -> Self {
                self.metadata = Some(metadata);
                self
            }

            /// Adds a field this type has no name for (sent beside the others).
            pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
                self.other.insert(name.into(), value.into());
                self
            }
        }
    };
}

/// The price an external prices service computed for a line item: `{"sku_code",
/// "unit_amount_cents", "metadata"}`.
///
/// Source: the vendor's "External prices" page, response example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PriceData {
    /// The SKU code of the line item's product.
    pub sku_code: String,
    /// The unit price, in cents.
    pub unit_amount_cents: i64,
    /// Stored in the line item's `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Any other field, sent as is.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl PriceData {
    /// A unit price for the SKU `sku_code`.
    pub fn new(sku_code: impl Into<String>, unit_amount_cents: i64) -> Self {
        Self {
            sku_code: sku_code.into(),
            unit_amount_cents,
            metadata: None,
            other: Map::new(),
        }
    }
}

extras!(PriceData);

/// The taxes an external tax calculator computed for an order: a rate for the whole order,
/// rates or amounts per line item, or both.
///
/// Precedence, per the vendor: a line item's `tax_collectable` wins over its `tax_rate`,
/// which wins over the order's `tax_rate`; without `line_items`, the order's rate applies to
/// the whole order.
///
/// Source: the vendor's "External tax calculators" page, the three response examples.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaxData {
    /// The rate for the whole order (`0.25`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<f64>,
    /// Whether shipping is taxed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freight_taxable: Option<bool>,
    /// Taxes for some line items, by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_items: Vec<LineItemTax>,
    /// Stored in the order's `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Any other field, sent as is.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl TaxData {
    /// No taxes set yet: add an order rate, line items, or both.
    pub fn new() -> Self {
        Self::default()
    }

    /// One rate for the whole order.
    pub fn rate(tax_rate: f64) -> Self {
        Self::new().tax_rate(tax_rate)
    }

    /// Sets the rate for the whole order.
    pub fn tax_rate(mut self, tax_rate: f64) -> Self {
        self.tax_rate = Some(tax_rate);
        self
    }

    /// Sets whether shipping is taxed.
    pub fn freight_taxable(mut self, taxable: bool) -> Self {
        self.freight_taxable = Some(taxable);
        self
    }

    /// Adds a line item's taxes.
    pub fn line_item(mut self, line_item: LineItemTax) -> Self {
        self.line_items.push(line_item);
        self
    }
}

extras!(TaxData);

/// One line item's taxes in a [`TaxData`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineItemTax {
    /// The line item's id, as in the payload.
    pub id: String,
    /// Its rate (`0.3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<f64>,
    /// The tax to collect, in currency units (`9.0` sets `tax_amount_cents` to `900`);
    /// wins over the rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_collectable: Option<f64>,
    /// The taxable amount, in currency units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxable_amount: Option<f64>,
    /// Tax breakdown attributes (`country_tax_rate`, `country_tax_collectable`,
    /// `special_tax_rate`...), sent as is.
    #[serde(flatten)]
    pub breakdown: Map<String, Value>,
}

impl LineItemTax {
    /// Taxes for the line item `id`: set a rate, an amount, or both.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            tax_rate: None,
            tax_collectable: None,
            taxable_amount: None,
            breakdown: Map::new(),
        }
    }

    /// Sets its rate.
    pub fn tax_rate(mut self, tax_rate: f64) -> Self {
        self.tax_rate = Some(tax_rate);
        self
    }

    /// Sets the tax to collect, in currency units.
    pub fn tax_collectable(mut self, amount: f64) -> Self {
        self.tax_collectable = Some(amount);
        self
    }

    /// Sets the taxable amount, in currency units.
    pub fn taxable_amount(mut self, amount: f64) -> Self {
        self.taxable_amount = Some(amount);
        self
    }

    /// Adds a tax breakdown attribute (`country_tax_rate`...).
    pub fn breakdown(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.breakdown.insert(name.into(), value.into());
        self
    }
}

/// The cost an external shipping costs service computed for a shipment.
///
/// **Unverified**: the vendor's "External shipping costs" page says the service overrides
/// the shipping method's `price_amount_cents`, and this answers with that name; the page's
/// response example could not be read in the copies we have. Add or rename a field with
/// [`field`](Self::field) if the API wants another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShippingCostData {
    /// The shipping cost, in cents.
    pub price_amount_cents: i64,
    /// Stored in the resource's `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Any other field, sent as is.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ShippingCostData {
    /// A shipping cost, in cents.
    pub fn new(price_amount_cents: i64) -> Self {
        Self {
            price_amount_cents,
            metadata: None,
            other: Map::new(),
        }
    }
}

extras!(ShippingCostData);

/// The discount an external promotion computed for an order: `{"name", "discount_cents",
/// "metadata"}`.
///
/// Source: the vendor's "External promotions" page, response example (which gives the
/// discount as a positive number of cents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiscountData {
    /// The promotion's name, as shown on the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The discount, in cents.
    pub discount_cents: i64,
    /// Stored in the resource's `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Any other field, sent as is.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl DiscountData {
    /// A discount, in cents.
    pub fn new(discount_cents: i64) -> Self {
        Self {
            name: None,
            discount_cents,
            metadata: None,
            other: Map::new(),
        }
    }

    /// Sets the promotion's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

extras!(DiscountData);

/// The answer to an external order validation: valid (`{"success": true}`), or the errors.
///
/// **Unverified failure**: the vendor's "External order validation" page asks to "pass the
/// attribute-specific errors within the `data` object, associating them with the related
/// order's attribute"; its example could not be read in the copies we have. This answers
/// `{"success": false, "data": {"<attribute>": ["<message>", ...]}, "error": {...}}`, with
/// errors about no single attribute under `base` (the convention of the API's own errors),
/// and `422`.
#[derive(Debug, Clone, PartialEq)]
pub enum ValidationReply {
    /// The order passes.
    Valid,
    /// The order does not pass, and why.
    Invalid(ValidationErrors),
}

/// Why an order does not pass an external validation.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ValidationErrors {
    /// Messages by order attribute (`customer_email`), `base` for the whole order.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// An error code and message for the whole answer.
    pub error: Option<CallbackError>,
}

impl ValidationErrors {
    /// No error yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message about an order attribute (`base` for the whole order).
    pub fn attribute(mut self, attribute: impl Into<String>, message: impl Into<String>) -> Self {
        self.attributes
            .entry(attribute.into())
            .or_default()
            .push(message.into());
        self
    }

    /// Sets an error code and message for the whole answer.
    pub fn error(mut self, error: CallbackError) -> Self {
        self.error = Some(error);
        self
    }
}

impl Serialize for ValidationReply {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            ValidationReply::Valid => map.serialize_entry("success", &true)?,
            ValidationReply::Invalid(errors) => {
                map.serialize_entry("success", &false)?;
                map.serialize_entry("data", &errors.attributes)?;
                if let Some(error) = &errors.error {
                    map.serialize_entry("error", error)?;
                }
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ValidationReply {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            success: Flag,
            #[serde(default)]
            data: Option<BTreeMap<String, Vec<String>>>,
            #[serde(default)]
            error: Option<CallbackError>,
        }
        let raw = Raw::deserialize(deserializer)?;
        Ok(if raw.success.0 {
            ValidationReply::Valid
        } else {
            ValidationReply::Invalid(ValidationErrors {
                attributes: raw.data.unwrap_or_default(),
                error: raw.error,
            })
        })
    }
}

impl Respond for ValidationReply {
    fn into_response(self) -> Response<Bytes> {
        let status = match self {
            ValidationReply::Valid => StatusCode::OK,
            ValidationReply::Invalid(_) => FAILURE_STATUS,
        };
        json_response(status, &self)
    }
}

/// A payment transaction as an external gateway answers it: `{"transaction_token",
/// "amount_cents", "metadata"}`, with `action_id` when it is pending.
///
/// Source: the vendor's "External payment gateways" page (authorization, capture, void,
/// refund and asynchronous payments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransactionData {
    /// The gateway's token for the transaction.
    pub transaction_token: String,
    /// The amount authorized, captured, voided or refunded, in cents.
    pub amount_cents: i64,
    /// The unique id of a pending (asynchronous) transaction, to update it later through the
    /// gateway's `webhook_endpoint_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Copied into the transaction's `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Any other field (`message`, `avs_code`, `cvv_code`, `fraud_review`...), sent as is.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl TransactionData {
    /// A transaction: the gateway's token and the amount, in cents.
    pub fn new(transaction_token: impl Into<String>, amount_cents: i64) -> Self {
        Self {
            transaction_token: transaction_token.into(),
            amount_cents,
            action_id: None,
            metadata: None,
            other: Map::new(),
        }
    }
}

extras!(TransactionData);

/// The answer of an external payment gateway to an authorization, capture, void or refund.
///
/// - `Success`: `{"success": true, "data": {transaction}}`, `200 OK`;
/// - `Pending`: the same with an `action_id`, `202 Accepted`: the transaction is created as
///   pending, and updated when the service later posts to the gateway's
///   `webhook_endpoint_url`;
/// - `Failure`: `{"success": false, "data": {"transaction_token", "amount_cents",
///   "error": {"code", "message"}}}`, `422`.
///
/// Source: the vendor's "External payment gateways" page.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentReply {
    /// The transaction succeeded.
    Success(TransactionData),
    /// The transaction is pending (its `action_id` is set).
    Pending(TransactionData),
    /// The transaction failed.
    Failure {
        /// The gateway's token for the transaction.
        transaction_token: String,
        /// The amount involved, in cents.
        amount_cents: i64,
        /// Why it failed.
        error: CallbackError,
    },
}

impl PaymentReply {
    /// A pending transaction, identified by `action_id`.
    pub fn pending(transaction: TransactionData, action_id: impl Into<String>) -> Self {
        let mut transaction = transaction;
        transaction.action_id = Some(action_id.into());
        PaymentReply::Pending(transaction)
    }

    /// A failed transaction.
    pub fn failure(
        transaction_token: impl Into<String>,
        amount_cents: i64,
        error: CallbackError,
    ) -> Self {
        PaymentReply::Failure {
            transaction_token: transaction_token.into(),
            amount_cents,
            error,
        }
    }
}

impl Serialize for PaymentReply {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Failed<'a> {
            transaction_token: &'a str,
            amount_cents: i64,
            error: &'a CallbackError,
        }
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            PaymentReply::Success(transaction) | PaymentReply::Pending(transaction) => {
                map.serialize_entry("success", &true)?;
                map.serialize_entry("data", transaction)?;
            }
            PaymentReply::Failure {
                transaction_token,
                amount_cents,
                error,
            } => {
                map.serialize_entry("success", &false)?;
                map.serialize_entry(
                    "data",
                    &Failed {
                        transaction_token,
                        amount_cents: *amount_cents,
                        error,
                    },
                )?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PaymentReply {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            success: Flag,
            data: Map<String, Value>,
        }
        #[derive(Deserialize)]
        struct Failed {
            transaction_token: String,
            amount_cents: i64,
            error: CallbackError,
        }
        let raw = Raw::deserialize(deserializer)?;
        if raw.success.0 {
            let transaction =
                TransactionData::deserialize(Value::Object(raw.data)).map_err(de::Error::custom)?;
            Ok(if transaction.action_id.is_some() {
                PaymentReply::Pending(transaction)
            } else {
                PaymentReply::Success(transaction)
            })
        } else {
            let failed = Failed::deserialize(Value::Object(raw.data)).map_err(de::Error::custom)?;
            Ok(PaymentReply::Failure {
                transaction_token: failed.transaction_token,
                amount_cents: failed.amount_cents,
                error: failed.error,
            })
        }
    }
}

impl Respond for PaymentReply {
    fn into_response(self) -> Response<Bytes> {
        let status = match self {
            PaymentReply::Success(_) => StatusCode::OK,
            PaymentReply::Pending(_) => StatusCode::ACCEPTED,
            PaymentReply::Failure { .. } => FAILURE_STATUS,
        };
        json_response(status, &self)
    }
}

/// A JSON response. Serializing these types cannot fail (every map key is a string); were it
/// to, the answer is a `500` with a fixed body rather than a panic.
pub(crate) fn json_response<T: Serialize + ?Sized>(
    status: StatusCode,
    body: &T,
) -> Response<Bytes> {
    match serde_json::to_vec(body) {
        Ok(bytes) => raw_json_response(status, Bytes::from(bytes)),
        Err(_) => raw_json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            Bytes::from_static(
                br#"{"success":false,"error":{"code":"INTERNAL_ERROR","message":"the callback could not be handled"}}"#,
            ),
        ),
    }
}

/// A response with a JSON body already written.
pub(crate) fn raw_json_response(status: StatusCode, body: Bytes) -> Response<Bytes> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replies_read_string_flags_from_old_pages() {
        let old: Reply<PriceData> = serde_json::from_value(json!({
            "success": "true",
            "data": {"sku_code": "TSHIRTMM000000FFFFFFXLXX", "unit_amount_cents": 4900}
        }))
        .unwrap();
        assert_eq!(
            old,
            Reply::Success(PriceData::new("TSHIRTMM000000FFFFFFXLXX", 4900))
        );
        let bad = serde_json::from_value::<Reply<PriceData>>(json!({"success": "yes"}));
        assert!(bad.is_err());
        let missing = serde_json::from_value::<Reply<PriceData>>(json!({"success": true}));
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("missing field `data`")
        );
    }

    #[test]
    fn failure_status_and_content_type() {
        let response = Reply::<PriceData>::failure("OUT_OF_STOCK", "sold out").into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            response.body().as_ref(),
            br#"{"success":false,"error":{"code":"OUT_OF_STOCK","message":"sold out"}}"#
        );
    }

    #[test]
    fn every_callback_names_its_resource() {
        fn resource<C: ExternalCallback>() -> (&'static str, &'static str) {
            (C::NAME, C::RESOURCE)
        }
        assert_eq!(resource::<Prices>(), ("external prices", "line_items"));
        assert_eq!(resource::<Authorize>().1, "external_payments");
        assert_eq!(resource::<Capture>().1, "authorizations");
        assert_eq!(resource::<Void>().1, "authorizations");
        assert_eq!(resource::<Refund>().1, "captures");
        assert_eq!(resource::<ShippingCosts>().1, "shipments");
        for included in [
            Taxes::INCLUDED,
            Promotions::INCLUDED,
            OrderValidation::INCLUDED,
        ] {
            assert!(included.contains(&"line_items.item"));
        }
    }
}
