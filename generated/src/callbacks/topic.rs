//! Webhook topics: `{resource}.{event}`, such as `orders.place`.
//!
//! Source: the vendor's "Real-time webhooks" page ("the complete list of all the topics
//! `{{resource}}.{{event}}` you can monitor"), whose events are a resource's `create` and
//! `destroy`, and one per state change (`orders.place`, `shipments.ship`,
//! `customers.acquired`...). The topic arrives in the `X-CommerceLayer-Topic` header.
//!
//! Any well-formed topic parses, known or not: the API adds events over time, and an event
//! this client does not know still decodes (as a [`GenericResource`] when its resource has no
//! type here). A table of the topics each resource's spec defines is meant to be generated
//! into the resource modules and consulted here; until it exists no topic is called unknown.
//!
//! [`GenericResource`]: crate::jsonapi::GenericResource

use std::fmt;

use crate::error::{Error, Result};

/// The longest topic accepted, in bytes (the longest the vendor lists is under 50).
const MAX_TOPIC_LEN: usize = 128;

/// A webhook topic, `{resource}.{event}`: the resource's JSON:API type (`orders`) and what
/// happened to it (`place`).
///
/// Source: the vendor's "Real-time webhooks" page, which lists the topics: a resource's
/// `create` and `destroy`, and one per state change (`orders.place`, `shipments.ship`,
/// `customers.acquired`...). Any well-formed topic parses, listed or not: the API adds events
/// over time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic {
    text: String,
    dot: usize,
}

impl Topic {
    /// Parses a topic: two non-empty parts joined by one `.`, each of lowercase ASCII
    /// letters, digits and `_`, at most 128 bytes in all. Anything else is
    /// [`Error::InvalidRequest`], naming the rule (never echoing a long or binary value).
    pub fn parse(topic: &str) -> Result<Topic> {
        let invalid = || {
            Error::invalid_request(if topic.len() <= MAX_TOPIC_LEN && is_printable(topic) {
                format!("the topic `{topic}` is not `{{resource}}.{{event}}`")
            } else {
                format!(
                    "a topic of {} bytes is not `{{resource}}.{{event}}`",
                    topic.len()
                )
            })
        };
        if topic.len() > MAX_TOPIC_LEN {
            return Err(invalid());
        }
        let dot = topic.find('.').ok_or_else(invalid)?;
        let (resource, event) = (&topic[..dot], &topic[dot + 1..]);
        if !is_name(resource) || !is_name(event) {
            return Err(invalid());
        }
        Ok(Topic {
            text: topic.to_string(),
            dot,
        })
    }

    /// The whole topic (`orders.place`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The resource's JSON:API type (`orders`).
    pub fn resource(&self) -> &str {
        &self.text[..self.dot]
    }

    /// The event (`place`, `create`, `destroy`...).
    pub fn event(&self) -> &str {
        &self.text[self.dot + 1..]
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl AsRef<str> for Topic {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// A resource or event name: `[a-z0-9_]+`.
fn is_name(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether a value can be shown in an error as it is.
fn is_printable(text: &str) -> bool {
    text.chars().all(|c| !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_resource_and_event() {
        let topic = Topic::parse("customer_password_resets.reset_password").unwrap();
        assert_eq!(topic.resource(), "customer_password_resets");
        assert_eq!(topic.event(), "reset_password");
        assert_eq!(topic.to_string(), "customer_password_resets.reset_password");
    }

    #[test]
    fn refuses_what_is_not_a_topic() {
        for bad in [
            "",
            "orders",
            ".place",
            "orders.",
            "orders.place.now",
            "Orders.place",
            "orders .place",
            "orders.pla\nce",
            "ordérs.place",
        ] {
            let error = Topic::parse(bad).unwrap_err();
            assert!(
                matches!(error, Error::InvalidRequest { .. }),
                "{bad:?}: {error:?}"
            );
        }
        let long = format!("orders.{}", "x".repeat(200));
        let message = Topic::parse(&long).unwrap_err().to_string();
        assert_eq!(
            message,
            "invalid request: a topic of 207 bytes is not `{resource}.{event}`"
        );
        let message = Topic::parse("orders.pla\nce").unwrap_err().to_string();
        assert!(!message.contains('\n'), "{message}");
    }
}
