//! What server text may reach an error: the secrets the client sent taken out, in every
//! encoding a server could echo them in; terminal escape sequences and control characters
//! removed; and the length bounded.
//!
//! Every error built from an answer (of the API or of the token endpoint) goes through a
//! [`Redactor`], so that a hostile or careless server cannot put a token, a client secret, a
//! megabyte of text or an ANSI escape into a `Display`, a `Debug` or a field of an error.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The most bytes of a response body an error keeps ([`Error::body`](crate::Error::body)):
/// 64 KiB. A longer body is cut there, and the excerpt says so and how long the body was.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most bytes of one piece of server text an error keeps: an error object's `detail`,
/// `title` or `code`, a decoding message, a `Location`. A longer one is cut there, marked
/// `… (truncated)`.
pub const MAX_ERROR_TEXT: usize = 1024;

/// What each secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// The most string bytes (and, at 16 bytes each, values) of an error object's `meta` kept.
const MAX_META: usize = 4 * 1024;

/// The longest encoding of one character the matcher knows: `&#x0001F600;` and
/// `\uD83D\uDE00` are 12 bytes.
const MAX_ENCODED_CHAR: usize = 12;

/// Removes secrets from server text, then cleans and bounds it.
///
/// A secret is found in the text as sent (raw), and in every way a server could have
/// re-encoded it: JSON string escapes (`\"`, `\/`, `\u00e9`, surrogate pairs),
/// percent-encoding in either case (`%2F`, `%2f`, with `+` for a space, as forms do), and
/// HTML character references (`&amp;`, `&#47;`, `&#x2F;`), in any mix.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

/// Never shows the secrets, only how many there are.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor for these secrets (empty ones are ignored).
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut redactor = Self::default();
        for secret in secrets {
            redactor.add(secret);
        }
        redactor
    }

    /// Adds a secret to remove (an empty one, or one already known, is ignored).
    pub(crate) fn add(&mut self, secret: &str) {
        if !secret.is_empty() && !self.secrets.iter().any(|known| known == secret) {
            self.secrets.push(secret.to_string());
        }
    }

    /// How far past a cut the text must be scrubbed so that a secret straddling the cut is
    /// still found whole.
    fn margin(&self) -> usize {
        self.secrets
            .iter()
            .map(|secret| secret.chars().count() * MAX_ENCODED_CHAR)
            .max()
            .unwrap_or(0)
    }

    /// `text` with every secret, in any encoding, replaced by `<redacted>`.
    pub(crate) fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.secrets.is_empty() {
            return Cow::Borrowed(text);
        }
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            let found = self
                .secrets
                .iter()
                .filter_map(|secret| match_encoded(bytes, i, secret))
                .max();
            match found {
                // A match starts with an ASCII byte or the secret's first character, and
                // ends after a whole character: both are character boundaries.
                Some(end) if end > i => {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    out.push_str(&text[copied..i]);
                    out.push_str(REDACTED);
                    i = end;
                    copied = end;
                }
                _ => i += 1,
            }
        }
        match out {
            Some(mut out) => {
                out.push_str(&text[copied..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(text),
        }
    }

    /// `text` scrubbed, cleaned, and scrubbed again: before, so that a secret holding what
    /// cleaning changes (whitespace) is still found; after, so that what cleaning removes (a
    /// control character in the middle of a secret) cannot put a secret back together.
    fn scrub_around_cleaning(&self, text: &str, lines: Lines) -> String {
        let scrubbed = self.scrub(text);
        let cleaned = clean(&scrubbed, lines);
        self.scrub(&cleaned).into_owned()
    }

    /// A response body as an error keeps it: lossily decoded as UTF-8, scrubbed, cleaned of
    /// control characters (line breaks and tabs stay), and cut to [`MAX_ERROR_BODY`] bytes,
    /// saying so and how long the body was.
    pub(crate) fn body(&self, body: &[u8]) -> String {
        let window = MAX_ERROR_BODY + self.margin();
        let (head, cut) = if body.len() > window {
            (&body[..window], true)
        } else {
            (body, false)
        };
        let text = String::from_utf8_lossy(head);
        let cleaned = self.scrub_around_cleaning(&text, Lines::Keep);
        bound(
            cleaned,
            MAX_ERROR_BODY,
            cut,
            &format!("… (truncated: the body is {} bytes)", body.len()),
        )
    }

    /// One piece of server text as an error keeps it, on one line: scrubbed, cleaned of
    /// control characters and escape sequences, and cut to [`MAX_ERROR_TEXT`] bytes.
    pub(crate) fn line(&self, text: &str) -> String {
        // Cleaning can only shorten the text, and by at most the whitespace and escapes it
        // removes; four times the bound is read, then whatever is left over is cut.
        let window = 4 * MAX_ERROR_TEXT + self.margin();
        let (head, cut) = if text.len() > window {
            (&text[..floor_boundary(text, window)], true)
        } else {
            (text, false)
        };
        let cleaned = self.scrub_around_cleaning(head, Lines::Join);
        bound(cleaned, MAX_ERROR_TEXT, cut, "… (truncated)")
    }

    /// [`Redactor::line`] for every string (and key) of a JSON value, in place.
    pub(crate) fn value(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.line(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.value(item)),
            Value::Object(members) => {
                let old = std::mem::take(members);
                for (key, mut member) in old {
                    self.value(&mut member);
                    members.insert(self.line(&key), member);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// The largest character boundary of `text` at or below `at`.
pub(crate) fn floor_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    let mut at = at;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `text` cut to at most `max` bytes (at a character boundary) followed by `marker`, when it
/// is longer or was already cut (`cut`); else `text` itself.
fn bound(mut text: String, max: usize, cut: bool, marker: &str) -> String {
    if text.len() <= max && !cut {
        return text;
    }
    text.truncate(floor_boundary(&text, max));
    text.push_str(marker);
    text
}

/// Whether line breaks survive cleaning.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    /// Bodies: `\n` and `\t` stay (`\r\n` and a lone `\r` become `\n`).
    Keep,
    /// Messages: every run of whitespace becomes one space, and the ends are trimmed.
    Join,
}

/// `text` without terminal escape sequences (CSI, OSC, DCS and the like, introduced by ESC
/// or their C1 forms, removed whole), control characters, and the Unicode bidirectional
/// overrides that can make a terminal show text in another order than it is.
pub(crate) fn clean(text: &str, lines: Lines) -> Cow<'_, str> {
    let needs_cleaning = text
        .chars()
        .any(|c| is_control(c) || (lines == Lines::Join && (c.is_whitespace() && c != ' ')))
        || (lines == Lines::Join
            && (text.contains("  ") || text.starts_with(' ') || text.ends_with(' ')));
    if !needs_cleaning {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let push_space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Any other escape is ESC and one character.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\t' if lines == Lines::Keep => out.push(c),
            '\r' if lines == Lines::Keep => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if lines == Lines::Join && c.is_whitespace() => push_space(&mut out),
            c if is_control(c) => {}
            c => out.push(c),
        }
    }
    if lines == Lines::Join {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    Cow::Owned(out)
}

/// A character that must not reach a terminal: C0 and C1 controls, DEL, and bidirectional
/// embeddings, overrides and isolates.
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Skips the rest of a control sequence (after `ESC [`): parameters and intermediates, up to
/// and including its final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) || !('\u{20}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// Skips the rest of a control string (OSC, DCS...): up to BEL or the string terminator.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Where an encoding of `secret` that starts at `start` of `text` ends (the furthest end
/// when several encodings match), if one does.
///
/// Each character of the secret may be written raw or encoded (see [`Redactor`]), each one
/// its own way, so the matcher follows the set of positions every way of reading the prefix
/// so far reaches.
fn match_encoded(text: &[u8], start: usize, secret: &str) -> Option<usize> {
    let first = secret.chars().next()?;
    let mut first_bytes = [0u8; 4];
    let lead = first.encode_utf8(&mut first_bytes).as_bytes()[0];
    match text.get(start) {
        Some(&b) if b == lead || matches!(b, b'\\' | b'%' | b'&' | b'+') => {}
        _ => return None,
    }
    let mut positions = vec![start];
    let mut next = Vec::new();
    for c in secret.chars() {
        next.clear();
        for &at in &positions {
            encodings_at(text, at, c, &mut |end| {
                if !next.contains(&end) {
                    next.push(end);
                }
            });
        }
        if next.is_empty() {
            return None;
        }
        std::mem::swap(&mut positions, &mut next);
    }
    positions.into_iter().max()
}

/// Calls `found` with the end of every encoding of `c` that starts at `at` of `text`.
fn encodings_at(text: &[u8], at: usize, c: char, found: &mut impl FnMut(usize)) {
    let rest = &text[at.min(text.len())..];
    let mut buffer = [0u8; 4];
    let raw = c.encode_utf8(&mut buffer).as_bytes();
    if rest.starts_with(raw) {
        found(at + raw.len());
    }
    let Some(&first) = rest.first() else {
        return;
    };
    match first {
        b'%' => {
            // Every byte of the character as %XX, in either case.
            let mut end = 0;
            for &byte in raw {
                match (
                    rest.get(end),
                    hex_value(&rest[(end + 1).min(rest.len())..], 2),
                ) {
                    (Some(b'%'), Some(value)) if value == u32::from(byte) => end += 3,
                    _ => return,
                }
            }
            found(at + end);
        }
        b'+' if c == ' ' => found(at + 1),
        b'\\' => {
            // One level of JSON string escaping (`\"`, `\u00e9`), and two: a JSON text
            // quoted inside another, as when an answer echoes a request body in a message
            // (`\\\"`, `\\u00e9`).
            json_escapes(rest, at, c, b"\\", found);
            json_escapes(rest, at, c, b"\\\\", found);
        }
        b'&' => {
            let named: &[&[u8]] = match c {
                '&' => &[b"&amp;"],
                '<' => &[b"&lt;"],
                '>' => &[b"&gt;"],
                '"' => &[b"&quot;"],
                '\'' => &[b"&apos;"],
                _ => &[],
            };
            for name in named {
                if rest.starts_with(name) {
                    found(at + name.len());
                }
            }
            if let Some((value, length)) = html_number(rest) {
                if value == c as u32 {
                    found(at + length);
                }
            }
        }
        _ => {}
    }
}

/// Calls `found` with the end of every JSON escape of `c` at the start of `rest` (which is at
/// `at` of the text) whose backslash is written `backslash`: `\` for a JSON string, `\\` for
/// a JSON string inside another.
fn json_escapes(rest: &[u8], at: usize, c: char, backslash: &[u8], found: &mut impl FnMut(usize)) {
    let Some(tail) = rest.strip_prefix(backslash) else {
        return;
    };
    let double = backslash.len() > 1;
    // The character after the backslash, itself escaped once more when doubly quoted.
    let short: Option<&[u8]> = match c {
        '"' if double => Some(b"\\\""),
        '"' => Some(b"\""),
        '\\' if double => Some(b"\\\\"),
        '\\' => Some(b"\\"),
        '/' => Some(b"/"),
        '\u{8}' => Some(b"b"),
        '\u{c}' => Some(b"f"),
        '\n' => Some(b"n"),
        '\r' => Some(b"r"),
        '\t' => Some(b"t"),
        _ => None,
    };
    if let Some(short) = short {
        if tail.starts_with(short) {
            found(at + backslash.len() + short.len());
        }
    }
    let unit = |text: &[u8]| {
        text.strip_prefix(backslash)
            .and_then(|text| text.strip_prefix(b"u"))
            .and_then(|hex| hex_value(hex, 4))
    };
    let escape = backslash.len() + 5;
    let code = c as u32;
    match unit(rest) {
        Some(first) if first == code => found(at + escape),
        Some(first) if code > 0xFFFF => {
            let high = 0xD800 + ((code - 0x10000) >> 10);
            let low = 0xDC00 + ((code - 0x10000) & 0x3FF);
            if first == high && unit(&rest[escape..]) == Some(low) {
                found(at + 2 * escape);
            }
        }
        _ => {}
    }
}

/// The value of `digits` hexadecimal digits at the start of `text`.
fn hex_value(text: &[u8], digits: usize) -> Option<u32> {
    let digits = text.get(..digits)?;
    digits.iter().try_fold(0u32, |value, &digit| {
        Some(value * 16 + char::from(digit).to_digit(16)?)
    })
}

/// The code point and length of a numeric character reference (`&#47;`, `&#x2F;`, at most
/// eight digits) at the start of `text`.
fn html_number(text: &[u8]) -> Option<(u32, usize)> {
    let rest = text.strip_prefix(b"&#")?;
    let (radix, digits_at) = match rest.first() {
        Some(b'x' | b'X') => (16, 3),
        _ => (10, 2),
    };
    let digits = &text[digits_at..];
    let count = digits
        .iter()
        .take(9)
        .take_while(|&&d| char::from(d).is_digit(radix))
        .count();
    if count == 0 || count > 8 || digits.get(count) != Some(&b';') {
        return None;
    }
    let value = digits[..count].iter().fold(0u32, |value, &d| {
        value * radix + char::from(d).to_digit(radix).unwrap_or(0)
    });
    Some((value, digits_at + count + 1))
}

/// Reads an error object's `meta` keeping at most [`MAX_META`] of it (the rest is skipped
/// without being kept in memory, and marked `…`), so that a huge `meta` cannot make a huge
/// error.
pub(crate) fn bounded_meta<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Map<String, Value>>, D::Error> {
    let budget = Cell::new(MAX_META);
    match deserializer.deserialize_option(OptionalBounded { budget: &budget })? {
        None => Ok(None),
        Some(Value::Object(members)) => Ok(Some(members)),
        Some(_) => Err(de::Error::custom("meta is not an object")),
    }
}

/// What is kept of a value past the budget.
const CUT: &str = "…";

struct OptionalBounded<'b> {
    budget: &'b Cell<usize>,
}

impl<'de> Visitor<'de> for OptionalBounded<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Bounded {
            budget: self.budget,
        }
        .deserialize(deserializer)
        .map(Some)
    }
}

/// A JSON value read within a budget shared by the whole value.
#[derive(Clone, Copy)]
struct Bounded<'b> {
    budget: &'b Cell<usize>,
}

impl Bounded<'_> {
    /// Spends `cost` of the budget; false when there was not that much left.
    fn spend(&self, cost: usize) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(cost));
        left >= cost
    }

    fn text(&self, text: &str) -> String {
        let left = self.budget.get();
        self.spend(text.len() + 16);
        if text.len() <= left {
            text.to_string()
        } else {
            let mut kept = text[..floor_boundary(text, left)].to_string();
            kept.push_str(CUT);
            kept
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        self.spend(16);
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.spend(16);
        Ok(Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.spend(16);
        Ok(Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        self.spend(16);
        Ok(Value::from(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(self.text(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend(16);
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            if self.spend(16) {
                match seq.next_element_seed(self)? {
                    Some(item) => items.push(item),
                    None => break,
                }
            } else {
                let mut skipped = false;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    skipped = true;
                }
                if skipped {
                    items.push(Value::String(CUT.to_string()));
                }
                break;
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        loop {
            if self.spend(16) {
                match map.next_key_seed(BoundedKey(self))? {
                    Some(key) => {
                        let value = map.next_value_seed(self)?;
                        members.insert(key, value);
                    }
                    None => break,
                }
            } else {
                let mut skipped = false;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                    skipped = true;
                }
                if skipped {
                    members.insert(CUT.to_string(), Value::String(CUT.to_string()));
                }
                break;
            }
        }
        Ok(Value::Object(members))
    }
}

/// A key of a bounded object, itself within the budget.
struct BoundedKey<'b>(Bounded<'b>);

impl<'de> DeserializeSeed<'de> for BoundedKey<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for BoundedKey<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(self.0.text(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub(secrets: &[&str], text: &str) -> String {
        Redactor::new(secrets.iter().copied())
            .scrub(text)
            .into_owned()
    }

    // A secret is found raw and in every encoding a server could echo it in, even mixed.
    #[test]
    fn secrets_are_found_in_every_encoding() {
        let secret = "s3cr/t+\"é€😀 &x";
        for echoed in [
            "s3cr/t+\"é€😀 &x",
            r#"s3cr\\/t+\\\"\\u00e9€\\ud83d\\ude00 &x"#,
            r#"s3cr\/t+\"é€😀 &x"#,
            r"s3cr/t+\u0022\u00e9\u20AC\uD83D\uDE00\u0020\u0026x",
            "s3cr%2Ft%2B%22%C3%A9%E2%82%AC%F0%9F%98%80%20%26x",
            "s3cr%2ft%2b%22%c3%a9%e2%82%ac%f0%9f%98%80+%26x",
            "%73%33cr/t+&quot;&#233;&#x20AC;&#128512;&#32;&amp;x",
        ] {
            let text = format!("before {echoed} after");
            assert_eq!(
                scrub(&[secret], &text),
                "before <redacted> after",
                "{echoed}"
            );
        }
        assert_eq!(
            scrub(&["tok", "other"], "tok%20tok other\\u0074ok"),
            "<redacted>%20<redacted> <redacted><redacted>"
        );
        assert_eq!(scrub(&[""], "nothing"), "nothing");
        assert_eq!(scrub(&["abc"], "ab%6"), "ab%6");
        assert_eq!(
            scrub(&["abc"], "&#99999999999;ab\\u00"),
            "&#99999999999;ab\\u00"
        );
    }

    // Escape sequences and controls are removed; bodies keep their lines, messages get one.
    #[test]
    fn terminal_escapes_and_controls_are_removed() {
        let hostile = "a\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7}b\u{9b}2Jc\r\nd\re\u{0}f\u{202e}g\u{7f}h\t!";
        assert_eq!(clean(hostile, Lines::Keep), "ared bc\nd\nefgh\t!");
        assert_eq!(clean(hostile, Lines::Join), "ared bc d efgh !");
        assert!(matches!(clean("plain text", Lines::Join), Cow::Borrowed(_)));
        assert_eq!(clean("  a \n\n b  ", Lines::Join), "a b");
        assert_eq!(clean("\u{1b}", Lines::Join), "");
        assert_eq!(clean("\u{1b}[", Lines::Join), "");
    }

    // Texts and bodies are bounded, say they were cut, and a secret across the cut is not half kept.
    #[test]
    fn texts_and_bodies_are_bounded() {
        let redactor = Redactor::new(["SECRET"]);
        let long = "x".repeat(10 * 1024 * 1024);
        let line = redactor.line(&long);
        assert!(line.len() <= MAX_ERROR_TEXT + 20, "{}", line.len());
        assert!(line.ends_with("… (truncated)"));
        let body = redactor.body(long.as_bytes());
        assert!(body.len() <= MAX_ERROR_BODY + 64, "{}", body.len());
        assert!(
            body.ends_with("… (truncated: the body is 10485760 bytes)"),
            "{}",
            &body[body.len() - 60..]
        );

        let straddling = format!("{}SECRET", "y".repeat(MAX_ERROR_TEXT - 3));
        assert!(!redactor.line(&straddling).contains("SEC"));
        assert_eq!(redactor.line("short"), "short");
        assert_eq!(redactor.body(b"two\nlines"), "two\nlines");
        assert_eq!(redactor.body(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
        // Removing a control character cannot put a secret back together.
        assert_eq!(redactor.line("SEC\u{7}RET"), "<redacted>");
        assert_eq!(redactor.body(b"SEC\x1b[31mRET"), "<redacted>");
        let spaced = Redactor::new(["two  spaces"]);
        assert_eq!(spaced.line("a two  spaces b"), "a <redacted> b");
    }

    // A huge meta is read within the budget, marked where it was cut.
    #[test]
    fn meta_is_read_within_a_budget() {
        #[derive(serde::Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "bounded_meta")]
            meta: Option<Map<String, Value>>,
        }
        let huge = format!(
            r#"{{"meta":{{"list":[{}],"text":"{}","after":1}}}}"#,
            vec!["0"; 1_000_000].join(","),
            "z".repeat(100_000)
        );
        let holder: Holder = serde_json::from_str(&huge).expect("a bounded meta");
        let meta = holder.meta.expect("a meta");
        let size = serde_json::to_string(&meta).expect("JSON").len();
        assert!(size < 2 * MAX_META, "{size}");
        assert_eq!(
            meta["list"].as_array().and_then(|l| l.last()),
            Some(&Value::from(CUT))
        );

        let small: Holder = serde_json::from_str(r#"{"meta":{"a":[1,"b",null,true]}}"#).unwrap();
        assert_eq!(
            Value::Object(small.meta.unwrap()),
            serde_json::json!({"a": [1, "b", null, true]})
        );
        let none: Holder = serde_json::from_str(r#"{"meta":null}"#).unwrap();
        assert!(none.meta.is_none());
        assert!(serde_json::from_str::<Holder>(r#"{"meta":[1]}"#).is_err());
    }

    // The Debug of a redactor never shows a secret.
    #[test]
    fn a_redactor_does_not_show_its_secrets() {
        let debug = format!("{:?}", Redactor::new(["hunter2"]));
        assert_eq!(debug, "Redactor { secrets: 1 }");
    }
}
