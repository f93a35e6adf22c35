//! Query options (`include`, `fields[type]`, `sort`, `filter[q]`, `page`) and their
//! encoding into a query string.
//!
//! The typed options take the enums generated for each resource, so a misspelled or
//! non-sortable attribute does not compile; the `*_raw` options take any text, for what the
//! types do not cover.

use std::fmt::Write as _;
use std::marker::PhantomData;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::{Error, Result};
use crate::jsonapi::FieldName;

/// The largest `page[size]` the API accepts.
pub const MAX_PAGE_SIZE: u32 = 25;

/// The longest resource id a call accepts, in bytes: 1024, a hundred times the API's ids
/// (`xYZkjABcde`). A longer one fails with [`Error::InvalidRequest`] before anything is sent.
pub const MAX_ID_LENGTH: usize = 1024;

/// Marks the generated enums of filterable attributes, and gives them the Ransack predicates:
/// `CustomerGroupFilter::Name.eq("VIP")` is `filter[q][name_eq]=VIP`.
pub trait FilterField: FieldName + Sized {
    /// Any predicate by its Ransack suffix (`eq`, `cont_any`, `not_start`...).
    fn predicate(self, predicate: &str, value: impl FilterValue) -> Condition<Self> {
        Condition::new(
            format!("{}_{predicate}", self.name()),
            value.to_filter_value(),
        )
    }
    /// Equal to (`_eq`).
    fn eq(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("eq", value)
    }
    /// Not equal to (`_not_eq`).
    fn not_eq(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("not_eq", value)
    }
    /// Less than (`_lt`).
    fn lt(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("lt", value)
    }
    /// Less than or equal to (`_lteq`).
    fn lteq(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("lteq", value)
    }
    /// Greater than (`_gt`).
    fn gt(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("gt", value)
    }
    /// Greater than or equal to (`_gteq`).
    fn gteq(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("gteq", value)
    }
    /// Contains (`_cont`).
    fn cont(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("cont", value)
    }
    /// Does not contain (`_not_cont`).
    fn not_cont(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("not_cont", value)
    }
    /// Starts with (`_start`).
    fn start(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("start", value)
    }
    /// Ends with (`_end`).
    fn end(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("end", value)
    }
    /// Matches a SQL `LIKE` pattern (`_matches`).
    fn matches(self, value: impl FilterValue) -> Condition<Self> {
        self.predicate("matches", value)
    }
    /// One of these values (`_in`, sent comma-separated).
    fn in_<V: FilterValue>(self, values: impl IntoIterator<Item = V>) -> Condition<Self> {
        let list = join(values);
        Condition::new(format!("{}_in", self.name()), list)
    }
    /// None of these values (`_not_in`, sent comma-separated).
    fn not_in<V: FilterValue>(self, values: impl IntoIterator<Item = V>) -> Condition<Self> {
        let list = join(values);
        Condition::new(format!("{}_not_in", self.name()), list)
    }
    /// Is `null` (`_null=true`).
    fn null(self) -> Condition<Self> {
        self.predicate("null", true)
    }
    /// Is not `null` (`_not_null=true`).
    fn not_null(self) -> Condition<Self> {
        self.predicate("not_null", true)
    }
    /// Is neither `null` nor empty (`_present=true`).
    fn present(self) -> Condition<Self> {
        self.predicate("present", true)
    }
    /// Is `null` or empty (`_blank=true`).
    fn blank(self) -> Condition<Self> {
        self.predicate("blank", true)
    }
    /// Is true (`_true=true`).
    fn true_(self) -> Condition<Self> {
        self.predicate("true", true)
    }
    /// Is false (`_false=true`).
    fn false_(self) -> Condition<Self> {
        self.predicate("false", true)
    }
}

fn join<V: FilterValue>(values: impl IntoIterator<Item = V>) -> String {
    let mut list = String::new();
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&value.to_filter_value());
    }
    list
}

/// One `filter[q][{attribute}_{predicate}]={value}` condition on the attributes of `F`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition<F> {
    key: String,
    value: String,
    field: PhantomData<fn() -> F>,
}

impl<F> Condition<F> {
    fn new(key: String, value: String) -> Self {
        Self {
            key,
            value,
            field: PhantomData,
        }
    }

    /// The key inside `filter[q][...]` (`name_eq`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value, as it will be sent before percent-encoding.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A value a filter compares with, as the API expects it in a query string.
pub trait FilterValue {
    /// The text sent.
    fn to_filter_value(&self) -> String;
}

impl FilterValue for &str {
    fn to_filter_value(&self) -> String {
        (*self).to_string()
    }
}

impl FilterValue for String {
    fn to_filter_value(&self) -> String {
        self.clone()
    }
}

impl FilterValue for &String {
    fn to_filter_value(&self) -> String {
        (*self).clone()
    }
}

impl FilterValue for bool {
    fn to_filter_value(&self) -> String {
        self.to_string()
    }
}

macro_rules! display_values {
    ($($t:ty),*) => {$(
        impl FilterValue for $t {
            fn to_filter_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_values!(i32, i64, u32, u64, usize, f64);

impl FilterValue for DateTime<Utc> {
    /// RFC 3339 with milliseconds, as the API writes timestamps: `2018-01-01T12:00:00.000Z`.
    fn to_filter_value(&self) -> String {
        self.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Smallest first.
    Ascending,
    /// Largest first (sent with a leading `-`).
    Descending,
}

/// The query options of one call, untyped; the calls add to it through typed methods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query {
    include: Vec<String>,
    fields: Vec<(String, Vec<String>)>,
    sort: Vec<String>,
    filters: Vec<(String, String)>,
    page_number: Option<u32>,
    page_size: Option<u32>,
    extra: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn include(&mut self, path: &str) {
        if !self.include.iter().any(|p| p == path) {
            self.include.push(path.to_string());
        }
    }

    pub(crate) fn fields(&mut self, type_: &str, names: impl IntoIterator<Item = String>) {
        let names = names.into_iter();
        match self.fields.iter_mut().find(|(t, _)| t == type_) {
            Some((_, existing)) => existing.extend(names),
            None => self.fields.push((type_.to_string(), names.collect())),
        }
    }

    pub(crate) fn sort(&mut self, name: &str, direction: Direction) {
        self.sort.push(match direction {
            Direction::Ascending => name.to_string(),
            Direction::Descending => format!("-{name}"),
        });
    }

    pub(crate) fn filter(&mut self, key: String, value: String) {
        self.filters.push((key, value));
    }

    pub(crate) fn page_number(&mut self, number: u32) {
        self.page_number = Some(number);
    }

    pub(crate) fn current_page(&self) -> u32 {
        self.page_number.unwrap_or(1)
    }

    pub(crate) fn page_size(&mut self, size: u32) {
        self.page_size = Some(size);
    }

    pub(crate) fn param(&mut self, name: String, value: String) {
        self.extra.push((name, value));
    }

    /// The query string, without the `?`; an error, before anything is sent, for a page size
    /// or number the API would refuse.
    pub(crate) fn encode(&self) -> Result<String> {
        if let Some(size) = self.page_size {
            if !(1..=MAX_PAGE_SIZE).contains(&size) {
                return Err(Error::invalid_request(format!(
                    "page[size] must be between 1 and {MAX_PAGE_SIZE}, not {size}"
                )));
            }
        }
        if self.page_number == Some(0) {
            return Err(Error::invalid_request("page[number] starts at 1, not 0"));
        }
        let mut out = String::new();
        let mut pair = |key: &str, value: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            encode_component(&mut out, key);
            out.push('=');
            encode_component(&mut out, value);
        };
        if !self.include.is_empty() {
            pair("include", &self.include.join(","));
        }
        for (type_, names) in &self.fields {
            pair(&format!("fields[{type_}]"), &names.join(","));
        }
        if !self.sort.is_empty() {
            pair("sort", &self.sort.join(","));
        }
        for (key, value) in &self.filters {
            pair(&format!("filter[q][{key}]"), value);
        }
        if let Some(number) = self.page_number {
            pair("page[number]", &number.to_string());
        }
        if let Some(size) = self.page_size {
            pair("page[size]", &size.to_string());
        }
        for (key, value) in &self.extra {
            pair(key, value);
        }
        Ok(out)
    }
}

/// What `ListCall::count` and `ListCall::all` (in `call.rs`) read and change of a list's
/// query: they set the sort, the page and (for a count) the fields themselves.
impl Query {
    pub(crate) fn sort_keys(&self) -> &[String] {
        &self.sort
    }

    pub(crate) fn page_number_set(&self) -> Option<u32> {
        self.page_number
    }

    pub(crate) fn page_size_set(&self) -> Option<u32> {
        self.page_size
    }

    /// Removes the sort and the page, and the `param`s that would set them.
    pub(crate) fn clear_sort_and_page(&mut self) {
        self.sort.clear();
        self.page_number = None;
        self.page_size = None;
        self.extra
            .retain(|(key, _)| !matches!(key.as_str(), "sort" | "page[number]" | "page[size]"));
    }

    /// Removes `include` and every sparse fieldset, and the `param`s that would set them.
    pub(crate) fn clear_include_and_fields(&mut self) {
        self.include.clear();
        self.fields.clear();
        self.extra
            .retain(|(key, _)| key != "include" && !key.starts_with("fields["));
    }

    /// Sets `filter[q][{key}]` to `value`, replacing any condition on the same key.
    pub(crate) fn set_filter(&mut self, key: &str, value: String) {
        self.filters.retain(|(k, _)| k != key);
        self.filters.push((key.to_string(), value));
    }
}

/// Percent-encodes a query string key or value: everything but RFC 3986's unreserved
/// characters and the comma (the API's list separator) is escaped, brackets included.
pub(crate) fn encode_component(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b',') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

/// Percent-encodes one path segment (an id): everything but RFC 3986's unreserved characters
/// is escaped, so `/`, `?`, `#` and `%` stay inside the segment. Ids that URL parsers would
/// resolve as paths (`.`, `..`) or that would name the collection (empty) are refused.
pub(crate) fn encode_id(id: &str) -> Result<String> {
    if id.len() > MAX_ID_LENGTH {
        return Err(Error::invalid_request(format!(
            "the resource id is {} bytes long; the longest accepted is {MAX_ID_LENGTH}",
            id.len()
        )));
    }
    if id.is_empty() || id == "." || id == ".." {
        return Err(Error::invalid_request(format!(
            "{id:?} is not a valid resource id"
        )));
    }
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_brackets_and_values() {
        let mut query = Query::default();
        query.include("markets");
        query.include("markets.price_list");
        query.fields("customer_groups", ["name".to_string(), "code".to_string()]);
        query.sort("created_at", Direction::Descending);
        query.sort("name", Direction::Ascending);
        query.filter("name_eq".into(), "VIP & co/ü".into());
        query.page_number(2);
        query.page_size(25);
        assert_eq!(
            query.encode().unwrap(),
            "include=markets,markets.price_list\
             &fields%5Bcustomer_groups%5D=name,code\
             &sort=-created_at,name\
             &filter%5Bq%5D%5Bname_eq%5D=VIP%20%26%20co%2F%C3%BC\
             &page%5Bnumber%5D=2&page%5Bsize%5D=25"
        );
    }

    #[test]
    fn refuses_page_sizes_the_api_refuses() {
        for size in [0, 26, 1000] {
            let mut query = Query::default();
            query.page_size(size);
            let error = query.encode().unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{size}");
        }
        let mut query = Query::default();
        query.page_size(1);
        assert_eq!(query.encode().unwrap(), "page%5Bsize%5D=1");
    }

    #[test]
    fn ids_stay_in_their_segment() {
        assert_eq!(encode_id("xYZkjABcde").unwrap(), "xYZkjABcde");
        assert_eq!(encode_id("../orders").unwrap(), "%2E%2E%2Forders");
        assert_eq!(encode_id("a?b#c%d").unwrap(), "a%3Fb%23c%25d");
        assert!(encode_id("..").is_err());
        assert!(encode_id(".").is_err());
        assert!(encode_id("").is_err());
        assert!(encode_id(&"a".repeat(MAX_ID_LENGTH)).is_ok());
        let error = encode_id(&"a".repeat(1024 * 1024)).unwrap_err().to_string();
        assert_eq!(
            error,
            "invalid request: the resource id is 1048576 bytes long; the longest accepted is 1024"
        );
    }

    #[test]
    fn datetimes_are_sent_as_the_api_writes_them() {
        let at: DateTime<Utc> = "2018-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(at.to_filter_value(), "2018-01-01T12:00:00.000Z");
    }
}
